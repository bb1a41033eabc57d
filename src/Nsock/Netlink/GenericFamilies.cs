using System.Globalization;
using Nsock.Terminal;

namespace Nsock.Netlink;

/// <summary>
/// NETLINK_GENERIC's controller, nlctrl: the requests that list the families or resolve one by
/// name (CTRL_CMD_GETFAMILY), and the decoding of its answers (CTRL_CMD_NEWFAMILY; also the
/// DELFAMILY, NEWMCAST_GRP and DELMCAST_GRP notifications of its "notify" group, which describe a
/// family the same way). Ids are printed in decimal, as the kernel's other numbers are.
/// </summary>
internal static class GenericFamilies
{
    /// <summary>GENL_ID_CTRL: nlctrl's own family id, the message type of its requests and answers.</summary>
    public const ushort ControllerId = 0x10;

    public const byte GetFamily = 3;

    private const byte NewFamily = 1, DelFamily = 2, NewGroup = 7, DelGroup = 8, ControllerVersion = 1;
    private const int GenericHeaderSize = 4; // struct genlmsghdr: cmd, version, reserved

    private const ushort IdAttribute = 1, NameAttribute = 2, VersionAttribute = 3, HeaderSizeAttribute = 4, MaxAttribute = 5, GroupsAttribute = 7;
    private const ushort GroupNameAttribute = 1, GroupIdAttribute = 2;

    /// <summary>CTRL_CMD_GETFAMILY as a dump: every family.</summary>
    public static byte[] DumpRequest(uint sequence) =>
        NetlinkRequest.DumpOf(ControllerId, sequence).Bytes([GetFamily, ControllerVersion, 0, 0]).ToArray();

    /// <summary>CTRL_CMD_GETFAMILY for one family by name; an unknown name gets ENOENT.</summary>
    public static byte[] GetRequest(string familyName, uint sequence) =>
        new NetlinkRequest(ControllerId, NetlinkHeader.Request, sequence)
            .Bytes([GetFamily, ControllerVersion, 0, 0])
            .StringAttribute(NameAttribute, familyName)
            .ToArray();

    /// <summary>
    /// The family an nlctrl message describes, or null for other messages (DONE, ERROR, other
    /// families' messages, other commands).
    /// </summary>
    /// <exception cref="NetlinkFormatException">Too short for genlmsghdr, a cut attribute, no name or id, a value of the wrong size.</exception>
    public static GenericFamily? Parse(NetlinkMessage message)
    {
        if (message.Type != ControllerId)
        {
            return null;
        }

        if (message.Payload.Length < GenericHeaderSize)
        {
            throw new NetlinkFormatException($"nlctrl message: {message.Payload.Length} bytes, less than the 4-byte genlmsghdr");
        }

        if (message.Payload.Span[0] is not (NewFamily or DelFamily or NewGroup or DelGroup))
        {
            return null;
        }

        var attributes = Checked(NetlinkAttributes.Parse(message.Payload[GenericHeaderSize..]), "nlctrl message");
        var name = attributes[NameAttribute]?.String ?? throw new NetlinkFormatException("nlctrl message: no CTRL_ATTR_FAMILY_NAME");
        var id = attributes[IdAttribute] is { } idAttribute
            ? idAttribute.U16 ?? throw WrongSize("CTRL_ATTR_FAMILY_ID", 2)
            : throw new NetlinkFormatException("nlctrl message: no CTRL_ATTR_FAMILY_ID");
        return new GenericFamily(
            name,
            id,
            U32(attributes, VersionAttribute, "CTRL_ATTR_VERSION"),
            U32(attributes, HeaderSizeAttribute, "CTRL_ATTR_HDRSIZE"),
            U32(attributes, MaxAttribute, "CTRL_ATTR_MAXATTR"),
            Groups(attributes[GroupsAttribute]));
    }

    /// <summary>
    /// The record of kind "family": <c>nlctrl id 16 version 2 groups notify=16</c> (hdrsize and
    /// maxattr when not 0, groups when there are any; names escaped), and in JSON name, id,
    /// version, hdrsize, maxattr and groups, an array of {name, id}.
    /// </summary>
    public static NetlinkRecord Record(GenericFamily family)
    {
        var line = new System.Text.StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{SafeText.Escape(family.Name)} id {family.Id} version {family.Version}");
        if (family.HeaderSize != 0)
        {
            line.Append(CultureInfo.InvariantCulture, $" hdrsize {family.HeaderSize}");
        }

        if (family.MaxAttribute != 0)
        {
            line.Append(CultureInfo.InvariantCulture, $" maxattr {family.MaxAttribute}");
        }

        if (family.Groups.Count > 0)
        {
            line.Append(" groups ").AppendJoin(',', family.Groups.Select(g => string.Create(CultureInfo.InvariantCulture, $"{SafeText.Escape(g.Name)}={g.Id}")));
        }

        var fields = new JsonFields()
            .Add("name", family.Name)
            .Add("id", (long)family.Id)
            .Add("version", (long)family.Version)
            .Add("hdrsize", (long)family.HeaderSize)
            .Add("maxattr", (long)family.MaxAttribute)
            .Add("groups", family.Groups.Select(g => new JsonFields().Add("name", g.Name).Add("id", (long)g.Id)).ToList());
        return new NetlinkRecord("family", line.ToString(), fields);
    }

    /// <summary>CTRL_ATTR_MCAST_GROUPS: a nest of nests (numbered 1, 2, ...), each a name and an id.</summary>
    private static List<(string Name, uint Id)> Groups(NetlinkAttribute? nest)
    {
        var groups = new List<(string Name, uint Id)>();
        if (nest is not { } groupList)
        {
            return groups;
        }

        foreach (var entry in Checked(groupList.Children, "CTRL_ATTR_MCAST_GROUPS").All)
        {
            var group = Checked(entry.Children, "CTRL_ATTR_MCAST_GROUPS");
            var name = group[GroupNameAttribute]?.String ?? throw new NetlinkFormatException("nlctrl message: a multicast group without a name");
            var id = group[GroupIdAttribute] is { } idAttribute
                ? idAttribute.U32 ?? throw WrongSize("CTRL_ATTR_MCAST_GRP_ID", 4)
                : throw new NetlinkFormatException("nlctrl message: a multicast group without an id");
            groups.Add((name, id));
        }

        return groups;
    }

    private static uint U32(NetlinkAttributes attributes, ushort type, string name) =>
        attributes[type] is { } attribute ? attribute.U32 ?? throw WrongSize(name, 4) : 0;

    private static NetlinkAttributes Checked(NetlinkAttributes attributes, string what) =>
        attributes.Problem is { } problem ? throw new NetlinkFormatException($"{what}: {problem}") : attributes;

    private static NetlinkFormatException WrongSize(string name, int size) => new($"nlctrl message: {name} shorter than {size} bytes");
}
