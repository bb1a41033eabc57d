using static Nsock.Netlink.ValueKind;

namespace Nsock.Netlink;

/// <summary>
/// Generic netlink (NETLINK_GENERIC) for the annotated dump: every message has a genlmsghdr
/// (command, version); the controller's (type GENL_ID_CTRL) commands and attributes are named
/// (linux/genetlink.h). Other families' attributes are split but not named: their ids are given
/// out at run time, so the caller passes the one family it resolved.
/// </summary>
internal static class GenericAnnotation
{
    public const ushort ControllerId = 0x10;

    private static readonly AnnotationNames ControllerCommands = AnnotationNames.Enum(
        (0, "CTRL_CMD_UNSPEC"), (1, "CTRL_CMD_NEWFAMILY"), (2, "CTRL_CMD_DELFAMILY"), (3, "CTRL_CMD_GETFAMILY"),
        (4, "CTRL_CMD_NEWOPS"), (5, "CTRL_CMD_DELOPS"), (6, "CTRL_CMD_GETOPS"), (7, "CTRL_CMD_NEWMCAST_GRP"),
        (8, "CTRL_CMD_DELMCAST_GRP"), (9, "CTRL_CMD_GETMCAST_GRP"), (10, "CTRL_CMD_GETPOLICY"));

    private static readonly AnnotationNames OperationFlags = AnnotationNames.Flags(
        (0x1, "ADMIN_PERM"), (0x2, "CMD_CAP_DO"), (0x4, "CMD_CAP_DUMP"), (0x8, "CMD_CAP_HASPOL"), (0x10, "UNS_ADMIN_PERM"));

    private static readonly AttributeTable Operation = new(
        (1, new("CTRL_ATTR_OP_ID", U32)),
        (2, new("CTRL_ATTR_OP_FLAGS", U32, Names: OperationFlags)));

    private static readonly AttributeTable MulticastGroup = new(
        (1, new("CTRL_ATTR_MCAST_GRP_NAME", Text)),
        (2, new("CTRL_ATTR_MCAST_GRP_ID", U32)));

    private static readonly AttributeTable ControllerAttributes = new(
        (1, new("CTRL_ATTR_FAMILY_ID", U16)),
        (2, new("CTRL_ATTR_FAMILY_NAME", Text)),
        (3, new("CTRL_ATTR_VERSION", U32)),
        (4, new("CTRL_ATTR_HDRSIZE", U32)),
        (5, new("CTRL_ATTR_MAXATTR", U32)),
        (6, new("CTRL_ATTR_OPS", Indexed, Operation)),
        (7, new("CTRL_ATTR_MCAST_GROUPS", Indexed, MulticastGroup)),
        (8, new("CTRL_ATTR_POLICY", Nested)),
        (9, new("CTRL_ATTR_OP_POLICY", Nested)),
        (10, new("CTRL_ATTR_OP", U32)));

    private static readonly FixedHeaderLayout Controller = new("genlmsghdr", 4,
        [new("cmd", 0, 1, Names: ControllerCommands), new("version", 1, 1)], ControllerAttributes, HasFamily: false);

    /// <summary>Any other family: the header, and attributes by number.</summary>
    private static readonly FixedHeaderLayout Family = new("genlmsghdr", 4,
        [new("cmd", 0, 1), new("version", 1, 1)], new AttributeTable(), HasFamily: false);

    public static readonly ProtocolAnnotation Protocol = new(
        type => type == ControllerId ? "GENL_ID_CTRL" : null,
        (type, payload) => type == ControllerId ? !payload.IsEmpty && payload.Span[0] is 3 or 6 or 9 or 10 : null,
        (header, _) => header.Type == ControllerId ? Controller : Family);
}
