using System.Globalization;

namespace Nsock.Netlink;

/// <summary>
/// nfnetlink (NETLINK_NETFILTER) for the annotated dump: a message type is a subsystem (high
/// byte) and that subsystem's message (low byte); every message has an nfgenmsg (family, version,
/// resource id), then attributes, named only by number (linux/netfilter/nfnetlink.h).
/// </summary>
internal static class NetfilterAnnotation
{
    private static readonly AnnotationNames Subsystems = AnnotationNames.Enum(
        (1, "CTNETLINK"), (2, "CTNETLINK_EXP"), (3, "QUEUE"), (4, "ULOG"), (5, "OSF"), (6, "IPSET"), (7, "ACCT"),
        (8, "CTNETLINK_TIMEOUT"), (9, "CTHELPER"), (10, "NFTABLES"), (11, "NFT_COMPAT"), (12, "HOOK"));

    private static readonly FixedHeaderLayout NfGen = new("nfgenmsg", 4,
        [new("family", 0, 1, Names: CommonAnnotation.Families), new("version", 1, 1), new("res_id", 2, 2, FieldKind.BigEndian)],
        new AttributeTable());

    public static readonly ProtocolAnnotation Protocol = new(TypeName, (_, _) => null, (header, _) => header.Type >= NetlinkHeader.MinType ? NfGen : null);

    private static string? TypeName(ushort type) => type switch
    {
        0x10 => "NFNL_MSG_BATCH_BEGIN",
        0x11 => "NFNL_MSG_BATCH_END",
        _ when Subsystems.NameOf((ulong)(type >> 8)) is { } subsystem =>
            $"NFNL_SUBSYS_{subsystem}/{(type & 0xff).ToString(CultureInfo.InvariantCulture)}",
        _ => null,
    };
}
