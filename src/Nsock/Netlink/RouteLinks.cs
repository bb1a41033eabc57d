using System.Globalization;
using System.Runtime.InteropServices;
using Nsock.Terminal;

namespace Nsock.Netlink;

/// <summary>
/// RTM_NEWLINK/RTM_DELLINK (struct ifinfomsg and IFLA_* attributes) as <c>ip -o link</c> prints
/// them, without its backslash line break, and as <c>ip -j link</c> names the fields. Not shown:
/// ip's <c>M-DOWN</c> flag (it needs the flags of another link) and what only <c>ip -d</c> prints,
/// except min_mtu, max_mtu and the link kinds, which the JSON carries for monitors.
/// </summary>
internal static class RouteLinks
{
    public const int HeaderSize = 16; // struct ifinfomsg

    private const ushort Address = 1, Broadcast = 2, Name = 3, Mtu = 4, Link = 5, Qdisc = 6, Master = 10, TxQueueLength = 13;
    private const ushort OperState = 16, LinkMode = 17, LinkInfo = 18, Group = 27, LinkNetnsId = 37, MinMtu = 50, MaxMtu = 51, PermAddress = 54;
    private const ushort InfoKind = 1, InfoSlaveKind = 4;

    private const uint Up = 0x1, Running = 0x40, PointToPoint = 0x10;

    /// <summary>IFF_* in the order <c>ip</c> prints them (print_link_flags); RUNNING is never printed.</summary>
    private static readonly (uint Bit, string Name)[] Flags =
    [
        (0x8, "LOOPBACK"), (0x2, "BROADCAST"), (0x10, "POINTOPOINT"), (0x1000, "MULTICAST"), (0x80, "NOARP"),
        (0x200, "ALLMULTI"), (0x100, "PROMISC"), (0x400, "MASTER"), (0x800, "SLAVE"), (0x4, "DEBUG"),
        (0x8000, "DYNAMIC"), (0x4000, "AUTOMEDIA"), (0x2000, "PORTSEL"), (0x20, "NOTRAILERS"), (0x1, "UP"),
        (0x10000, "LOWER_UP"), (0x20000, "DORMANT"), (0x40000, "ECHO"),
    ];

    public static NetlinkRecord Decode(NetlinkMessage message, Func<int, string?> linkName)
    {
        var (header, attributes) = RouteAttributes.Of(message, HeaderSize, "ifinfomsg");
        var span = header.Span;
        var linkType = MemoryMarshal.Read<ushort>(span[2..]);
        var index = MemoryMarshal.Read<int>(span[4..]);
        var flags = MemoryMarshal.Read<uint>(span[8..]);

        var name = attributes.String(Name) ?? linkName(index) ?? $"if{index}";
        var json = new JsonFields().Add("ifindex", index);
        var shownName = SafeText.Escape(name);
        if (attributes.U32(Link) is { } link)
        {
            // ip: "v0@v1"; the peer's index alone when it lives in another namespace; "NONE" for 0.
            var netns = attributes.Has(LinkNetnsId);
            var peer = link == 0 ? "NONE" : netns ? $"if{link}" : linkName((int)link) ?? $"if{link}";
            shownName += "@" + SafeText.Escape(peer);
            if (link != 0)
            {
                _ = netns ? json.Add("link_index", (long)link) : json.Add("link", peer);
            }
        }

        var shownFlags = FlagNames(flags);
        json.Add("ifname", name).Add("flags", shownFlags);
        var words = new List<string> { $"{index}:", shownName + ":", $"<{string.Join(',', shownFlags)}>" };

        if (attributes.U32(Mtu) is { } mtu)
        {
            words.Add($"mtu {mtu}");
            json.Add("mtu", (long)mtu);
        }

        if (attributes.String(Qdisc) is { } qdisc)
        {
            words.Add("qdisc " + SafeText.Escape(qdisc));
            json.Add("qdisc", qdisc);
        }

        if (attributes.U32(Master) is { } master)
        {
            var masterName = linkName((int)master) ?? $"if{master}";
            words.Add("master " + SafeText.Escape(masterName));
            json.Add("master", masterName);
        }

        if (attributes.U8(OperState) is { } operState)
        {
            if (RouteNames.OperState(operState) is { } state)
            {
                words.Add("state " + state);
                json.Add("operstate", state);
            }
            else
            {
                words.Add($"state 0x{operState:x}");
                json.Add("operstate_index", (long)operState);
            }
        }

        if (attributes.U8(LinkMode) is { } mode)
        {
            var modeName = mode switch { 0 => "DEFAULT", 1 => "DORMANT", _ => null };
            words.Add("mode " + (modeName ?? RouteNames.Number(mode)));
            _ = modeName is null ? json.Add("linkmode_index", (long)mode) : json.Add("linkmode", modeName);
        }

        if (attributes.U32(Group) is { } group)
        {
            words.Add("group " + RouteNames.Group(group));
            json.Add("group", RouteNames.Group(group));
        }

        if (attributes.U32(TxQueueLength) is { } queue and not 0)
        {
            words.Add($"qlen {(int)queue}");
            json.Add("txqlen", (long)(int)queue);
        }

        AddLinkLayer(words, json, attributes, linkType, flags);

        if (attributes.U32(LinkNetnsId) is { } netnsId)
        {
            var id = (int)netnsId;
            words.Add("link-netnsid " + (id >= 0 ? RouteNames.Number(id) : "unknown"));
            json.Add("link_netnsid", id);
        }

        json.Add("min_mtu", (long?)attributes.U32(MinMtu)).Add("max_mtu", (long?)attributes.U32(MaxMtu));
        if (attributes[LinkInfo] is { } info)
        {
            var kinds = attributes.Nested(info);
            json.Add("linkinfo", kinds.String(InfoKind) is null && kinds.String(InfoSlaveKind) is null
                ? null
                : new JsonFields().Add("info_kind", kinds.String(InfoKind)).Add("info_slave_kind", kinds.String(InfoSlaveKind)));
        }

        return new NetlinkRecord("link", string.Join(' ', words), json);
    }

    /// <summary>ip's flag list: NO-CARRIER first for a link up without carrier, then <see cref="Flags"/>, then leftover bits in hex.</summary>
    public static List<string> FlagNames(uint flags)
    {
        var names = new List<string>();
        if ((flags & Up) != 0 && (flags & Running) == 0)
        {
            names.Add("NO-CARRIER");
        }

        flags &= ~Running;
        foreach (var (bit, name) in Flags)
        {
            if ((flags & bit) != 0)
            {
                names.Add(name);
                flags &= ~bit;
            }
        }

        if (flags != 0)
        {
            names.Add(flags.ToString("x", CultureInfo.InvariantCulture));
        }

        return names;
    }

    private static void AddLinkLayer(List<string> words, JsonFields json, RouteAttributes attributes, int linkType, uint flags)
    {
        var type = RouteNames.LinkType(linkType);
        words.Add("link/" + type);
        json.Add("link_type", type);
        var address = attributes.Bytes(Address) is { } a ? RouteAttributes.LinkAddress(a.Span, linkType) : null;
        if (address is not null)
        {
            words.Add(address);
            json.Add("address", address);
        }

        if (attributes.Bytes(Broadcast) is { } b)
        {
            var broadcast = RouteAttributes.LinkAddress(b.Span, linkType);
            var peer = (flags & PointToPoint) != 0;
            words.Add((peer ? "peer " : "brd ") + broadcast);
            _ = peer ? json.Add("link_pointtopoint", true) : json;
            json.Add("broadcast", broadcast);
        }

        if (attributes.Bytes(PermAddress) is { } p && RouteAttributes.LinkAddress(p.Span, linkType) is var permanent && permanent != address)
        {
            words.Add("permaddr " + permanent);
            json.Add("permaddr", permanent);
        }
    }
}
