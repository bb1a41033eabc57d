using static Nsock.Netlink.ValueKind;

namespace Nsock.Netlink;

/// <summary>
/// sock_diag (NETLINK_SOCK_DIAG) for the annotated dump. A request and its answers have the same
/// type (SOCK_DIAG_BY_FAMILY), so the fixed header is chosen by NLM_F_REQUEST (the kernel never
/// sets it on what it sends) and by the family in the first byte: inet_diag_req_v2 or
/// inet_diag_msg for AF_INET/AF_INET6, unix_diag_req or unix_diag_msg for AF_UNIX
/// (linux/sock_diag.h, inet_diag.h, unix_diag.h).
/// </summary>
internal static class SockDiagAnnotation
{
    private const byte AfUnix = 1;

    private static readonly AnnotationNames Types = AnnotationNames.Enum(
        (18, "TCPDIAG_GETSOCK"), (19, "DCCPDIAG_GETSOCK"), (20, "SOCK_DIAG_BY_FAMILY"), (21, "SOCK_DESTROY"));

    private static readonly AnnotationNames SocketTypes = AnnotationNames.Enum(
        (1, "STREAM"), (2, "DGRAM"), (3, "RAW"), (4, "RDM"), (5, "SEQPACKET"));

    private static readonly AnnotationNames UnixShow = AnnotationNames.Flags(
        (0x1, "NAME"), (0x2, "VFS"), (0x4, "PEER"), (0x8, "ICONS"), (0x10, "RQLEN"), (0x20, "MEMINFO"), (0x40, "UID"));

    /// <summary>The states mask: bit N asks for TCP state N.</summary>
    private static readonly AnnotationNames StateBits = AnnotationNames.Flags(
        (1 << 1, "ESTABLISHED"), (1 << 2, "SYN_SENT"), (1 << 3, "SYN_RECV"), (1 << 4, "FIN_WAIT1"), (1 << 5, "FIN_WAIT2"),
        (1 << 6, "TIME_WAIT"), (1 << 7, "CLOSE"), (1 << 8, "CLOSE_WAIT"), (1 << 9, "LAST_ACK"), (1 << 10, "LISTEN"),
        (1 << 11, "CLOSING"), (1 << 12, "NEW_SYN_RECV"));

    private static readonly AnnotationNames Extensions = AnnotationNames.Flags(
        (1 << 0, "MEMINFO"), (1 << 1, "INFO"), (1 << 2, "VEGASINFO"), (1 << 3, "CONG"), (1 << 4, "TOS"), (1 << 5, "TCLASS"),
        (1 << 6, "SKMEMINFO"), (1 << 7, "SHUTDOWN"));

    private static readonly AttributeTable InetReply = new(
        (1, new("INET_DIAG_MEMINFO", Hex)),
        (2, new("INET_DIAG_INFO", Hex)),
        (3, new("INET_DIAG_VEGASINFO", Hex)),
        (4, new("INET_DIAG_CONG", Text)),
        (5, new("INET_DIAG_TOS", U8)),
        (6, new("INET_DIAG_TCLASS", U8)),
        (7, new("INET_DIAG_SKMEMINFO", Hex)),
        (8, new("INET_DIAG_SHUTDOWN", U8)),
        (9, new("INET_DIAG_DCTCPINFO", Hex)),
        (10, new("INET_DIAG_PROTOCOL", U8, Names: CommonAnnotation.IpProtocols)),
        (11, new("INET_DIAG_SKV6ONLY", U8)),
        (12, new("INET_DIAG_LOCALS", Hex)),
        (13, new("INET_DIAG_PEERS", Hex)),
        (14, new("INET_DIAG_PAD", Hex)),
        (15, new("INET_DIAG_MARK", U32)),
        (16, new("INET_DIAG_BBRINFO", Hex)),
        (17, new("INET_DIAG_CLASS_ID", U32)),
        (18, new("INET_DIAG_MD5SIG", Hex)),
        (19, new("INET_DIAG_ULP_INFO", Nested)),
        (20, new("INET_DIAG_SK_BPF_STORAGES", Nested)),
        (21, new("INET_DIAG_CGROUP_ID", U64)),
        (22, new("INET_DIAG_SOCKOPT", Hex)));

    private static readonly AttributeTable InetRequest = new(
        (1, new("INET_DIAG_REQ_BYTECODE", Hex)),
        (2, new("INET_DIAG_REQ_SK_BPF_STORAGES", Nested)),
        (3, new("INET_DIAG_REQ_PROTOCOL", U32, Names: CommonAnnotation.IpProtocols)));

    private static readonly AttributeTable UnixReply = new(
        (0, new("UNIX_DIAG_NAME", RawText)),
        (1, new("UNIX_DIAG_VFS", Hex)),
        (2, new("UNIX_DIAG_PEER", U32)),
        (3, new("UNIX_DIAG_ICONS", Hex)),
        (4, new("UNIX_DIAG_RQLEN", Hex)),
        (5, new("UNIX_DIAG_MEMINFO", Hex)),
        (6, new("UNIX_DIAG_SHUTDOWN", U8)),
        (7, new("UNIX_DIAG_UID", U32)));

    private static readonly HeaderField Family = new("family", 0, 1, Names: CommonAnnotation.Families);

    public static readonly ProtocolAnnotation Protocol = new(
        type => Types.NameOf(type),
        (type, _) => type is 18 or 19 or 20,
        LayoutOf);

    /// <summary>struct inet_diag_sockid at <paramref name="at"/>: ports, addresses, interface, cookie.</summary>
    private static HeaderField[] SocketId(int at) =>
    [
        new("sport", at, 2, FieldKind.BigEndian), new("dport", at + 2, 2, FieldKind.BigEndian),
        new("src", at + 4, 16, FieldKind.Address), new("dst", at + 20, 16, FieldKind.Address),
        new("if", at + 36, 4), new("cookie", at + 40, 8, FieldKind.Cookie),
    ];

    private static readonly FixedHeaderLayout InetDiagRequest = new("inet_diag_req_v2", 56,
        [Family, new("protocol", 1, 1, Names: CommonAnnotation.IpProtocols), new("ext", 2, 1, FieldKind.Flags, Extensions),
            new("states", 4, 4, FieldKind.Flags, StateBits), .. SocketId(8)],
        InetRequest);

    private static readonly FixedHeaderLayout InetDiagMessage = new("inet_diag_msg", 72,
        [Family, new("state", 1, 1, Names: CommonAnnotation.TcpStates), new("timer", 2, 1), new("retrans", 3, 1), .. SocketId(4),
            new("expires", 52, 4), new("rqueue", 56, 4), new("wqueue", 60, 4), new("uid", 64, 4), new("inode", 68, 4)],
        InetReply);

    private static readonly FixedHeaderLayout UnixDiagRequest = new("unix_diag_req", 24,
        [Family, new("protocol", 1, 1), new("states", 4, 4, FieldKind.Flags, StateBits), new("ino", 8, 4),
            new("show", 12, 4, FieldKind.Flags, UnixShow), new("cookie", 16, 8, FieldKind.Cookie)],
        null);

    private static readonly FixedHeaderLayout UnixDiagMessage = new("unix_diag_msg", 16,
        [Family, new("type", 1, 1, Names: SocketTypes), new("state", 2, 1, Names: CommonAnnotation.TcpStates), new("ino", 4, 4),
            new("cookie", 8, 8, FieldKind.Cookie)],
        UnixReply);

    private static FixedHeaderLayout? LayoutOf(NetlinkHeader header, ReadOnlyMemory<byte> payload)
    {
        if (header.Type is < 18 or > 21 || payload.IsEmpty)
        {
            return null;
        }

        var request = (header.Flags & NetlinkHeader.Request) != 0;
        if (request && header.Type is 18 or 19)
        {
            return null; // the old inet_diag_req, laid out otherwise
        }

        return payload.Span[0] switch
        {
            AfUnix => request ? UnixDiagRequest : UnixDiagMessage,
            CommonAnnotation.AfInet or CommonAnnotation.AfInet6 => request ? InetDiagRequest : InetDiagMessage,
            _ => null,
        };
    }
}
