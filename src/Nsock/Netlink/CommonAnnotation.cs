namespace Nsock.Netlink;

/// <summary>Names several protocols share: address families, IP protocols, TCP states, the nlmsghdr flags.</summary>
internal static class CommonAnnotation
{
    public const int AfInet = 2, AfInet6 = 10;

    public static readonly AnnotationNames Families = AnnotationNames.Enum(
        (0, "unspec"), (1, "unix"), (2, "inet"), (3, "ax25"), (4, "ipx"), (5, "appletalk"), (7, "bridge"),
        (10, "inet6"), (16, "netlink"), (17, "packet"), (28, "mpls"), (29, "can"), (40, "vsock"), (44, "xdp"),
        (128, "ipmr"), (129, "ip6mr"));

    public static readonly AnnotationNames IpProtocols = AnnotationNames.Enum(
        (0, "ip"), (1, "icmp"), (2, "igmp"), (4, "ipip"), (6, "tcp"), (17, "udp"), (41, "ipv6"), (47, "gre"),
        (50, "esp"), (51, "ah"), (58, "icmpv6"), (132, "sctp"), (136, "udplite"), (255, "raw"), (262, "mptcp"));

    public static readonly AnnotationNames TcpStates = AnnotationNames.Enum(
        (1, "ESTABLISHED"), (2, "SYN_SENT"), (3, "SYN_RECV"), (4, "FIN_WAIT1"), (5, "FIN_WAIT2"), (6, "TIME_WAIT"),
        (7, "CLOSE"), (8, "CLOSE_WAIT"), (9, "LAST_ACK"), (10, "LISTEN"), (11, "CLOSING"), (12, "NEW_SYN_RECV"));

    /// <summary>The flags every message has (the low byte).</summary>
    private static readonly (ulong, string)[] Base =
        [(0x1, "REQUEST"), (0x2, "MULTI"), (0x4, "ACK"), (0x8, "ECHO"), (0x10, "DUMP_INTR"), (0x20, "DUMP_FILTERED")];

    /// <summary>A GET request's flags. DUMP (ROOT|MATCH) is printed as one name.</summary>
    public static readonly AnnotationNames GetFlags = AnnotationNames.Flags([.. Base, (0x100, "ROOT"), (0x200, "MATCH"), (0x400, "ATOMIC")]);

    /// <summary>The flags of every other message, requests that change things and the kernel's notifications.</summary>
    public static readonly AnnotationNames NewFlags = AnnotationNames.Flags([.. Base, (0x100, "REPLACE"), (0x200, "EXCL"), (0x400, "CREATE"), (0x800, "APPEND")]);

    /// <summary>An NLMSG_ERROR's flags (the ACK).</summary>
    public static readonly AnnotationNames AckFlags = AnnotationNames.Flags([.. Base, (0x100, "CAPPED"), (0x200, "ACK_TLVS")]);

    /// <summary>The control messages below type 16, the same in every protocol.</summary>
    public static readonly AnnotationNames ControlTypes = AnnotationNames.Enum(
        (1, "NLMSG_NOOP"), (2, "NLMSG_ERROR"), (3, "NLMSG_DONE"), (4, "NLMSG_OVERRUN"));

    /// <summary>The extended ACK's attributes (NLMSGERR_ATTR_*), after the echoed request.</summary>
    public static readonly AttributeTable ExtendedAck = new(
        (1, new("NLMSGERR_ATTR_MSG", ValueKind.Text)),
        (2, new("NLMSGERR_ATTR_OFFS", ValueKind.U32)),
        (3, new("NLMSGERR_ATTR_COOKIE", ValueKind.Hex)),
        (4, new("NLMSGERR_ATTR_POLICY", ValueKind.Nested)),
        (5, new("NLMSGERR_ATTR_MISS_TYPE", ValueKind.U32)),
        (6, new("NLMSGERR_ATTR_MISS_NEST", ValueKind.U32)));

    /// <summary>
    /// For a request the tables cannot classify: both DUMP bits make it a GET, as a request that
    /// changes things hardly asks for REPLACE and EXCL at once.
    /// </summary>
    public static bool LooksLikeDump(NetlinkHeader header) =>
        (header.Flags & NetlinkHeader.Request) != 0 && (header.Flags & NetlinkHeader.Dump) == NetlinkHeader.Dump;
}
