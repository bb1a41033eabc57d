using static Nsock.Netlink.ValueKind;

namespace Nsock.Netlink;

/// <summary>
/// rtnetlink (NETLINK_ROUTE) for the annotated dump: the RTM_* message types, their fixed headers
/// and the IFLA_*, IFA_*, RTA_*, NDA_*, FRA_* attributes (linux/rtnetlink.h, if_link.h, if_addr.h,
/// neighbour.h, fib_rules.h). Types come in fours from 16: NEW, DEL, GET, SET.
/// </summary>
internal static class RouteAnnotation
{
    private static readonly AnnotationNames Types = AnnotationNames.Enum(
        (16, "RTM_NEWLINK"), (17, "RTM_DELLINK"), (18, "RTM_GETLINK"), (19, "RTM_SETLINK"),
        (20, "RTM_NEWADDR"), (21, "RTM_DELADDR"), (22, "RTM_GETADDR"),
        (24, "RTM_NEWROUTE"), (25, "RTM_DELROUTE"), (26, "RTM_GETROUTE"),
        (28, "RTM_NEWNEIGH"), (29, "RTM_DELNEIGH"), (30, "RTM_GETNEIGH"),
        (32, "RTM_NEWRULE"), (33, "RTM_DELRULE"), (34, "RTM_GETRULE"),
        (36, "RTM_NEWQDISC"), (37, "RTM_DELQDISC"), (38, "RTM_GETQDISC"),
        (40, "RTM_NEWTCLASS"), (41, "RTM_DELTCLASS"), (42, "RTM_GETTCLASS"),
        (44, "RTM_NEWTFILTER"), (45, "RTM_DELTFILTER"), (46, "RTM_GETTFILTER"),
        (48, "RTM_NEWACTION"), (49, "RTM_DELACTION"), (50, "RTM_GETACTION"),
        (52, "RTM_NEWPREFIX"), (54, "RTM_GETMULTICAST"), (58, "RTM_GETANYCAST"),
        (64, "RTM_NEWNEIGHTBL"), (66, "RTM_GETNEIGHTBL"), (67, "RTM_SETNEIGHTBL"),
        (68, "RTM_NEWNDUSEROPT"),
        (72, "RTM_NEWADDRLABEL"), (73, "RTM_DELADDRLABEL"), (74, "RTM_GETADDRLABEL"),
        (78, "RTM_GETDCB"), (79, "RTM_SETDCB"),
        (80, "RTM_NEWNETCONF"), (81, "RTM_DELNETCONF"), (82, "RTM_GETNETCONF"),
        (84, "RTM_NEWMDB"), (85, "RTM_DELMDB"), (86, "RTM_GETMDB"),
        (88, "RTM_NEWNSID"), (89, "RTM_DELNSID"), (90, "RTM_GETNSID"),
        (92, "RTM_NEWSTATS"), (94, "RTM_GETSTATS"), (95, "RTM_SETSTATS"),
        (96, "RTM_NEWCACHEREPORT"),
        (100, "RTM_NEWCHAIN"), (101, "RTM_DELCHAIN"), (102, "RTM_GETCHAIN"),
        (104, "RTM_NEWNEXTHOP"), (105, "RTM_DELNEXTHOP"), (106, "RTM_GETNEXTHOP"),
        (108, "RTM_NEWLINKPROP"), (109, "RTM_DELLINKPROP"),
        (112, "RTM_NEWVLAN"), (113, "RTM_DELVLAN"), (114, "RTM_GETVLAN"),
        (116, "RTM_NEWNEXTHOPBUCKET"), (117, "RTM_DELNEXTHOPBUCKET"), (118, "RTM_GETNEXTHOPBUCKET"),
        (120, "RTM_NEWTUNNEL"), (121, "RTM_DELTUNNEL"), (122, "RTM_GETTUNNEL"));

    private static readonly AnnotationNames Families = CommonAnnotation.Families;

    private static readonly AnnotationNames LinkTypes = AnnotationNames.Enum(
        (1, "ETHER"), (24, "IEEE1394"), (32, "INFINIBAND"), (256, "SLIP"), (280, "CAN"), (512, "PPP"),
        (768, "TUNNEL"), (769, "TUNNEL6"), (772, "LOOPBACK"), (776, "SIT"), (778, "IPGRE"), (801, "IEEE80211"),
        (803, "IEEE80211_RADIOTAP"), (823, "IP6GRE"), (824, "NETLINK"), (65534, "NONE"), (65535, "VOID"));

    private static readonly AnnotationNames InterfaceFlags = AnnotationNames.Flags(
        (0x1, "UP"), (0x2, "BROADCAST"), (0x4, "DEBUG"), (0x8, "LOOPBACK"), (0x10, "POINTOPOINT"), (0x20, "NOTRAILERS"),
        (0x40, "RUNNING"), (0x80, "NOARP"), (0x100, "PROMISC"), (0x200, "ALLMULTI"), (0x400, "MASTER"), (0x800, "SLAVE"),
        (0x1000, "MULTICAST"), (0x2000, "PORTSEL"), (0x4000, "AUTOMEDIA"), (0x8000, "DYNAMIC"), (0x10000, "LOWER_UP"),
        (0x20000, "DORMANT"), (0x40000, "ECHO"));

    private static readonly AnnotationNames AddressFlags = AnnotationNames.Flags(
        (0x1, "SECONDARY"), (0x2, "NODAD"), (0x4, "OPTIMISTIC"), (0x8, "DADFAILED"), (0x10, "HOMEADDRESS"),
        (0x20, "DEPRECATED"), (0x40, "TENTATIVE"), (0x80, "PERMANENT"), (0x100, "MANAGETEMPADDR"), (0x200, "NOPREFIXROUTE"),
        (0x400, "MCAUTOJOIN"), (0x800, "STABLE_PRIVACY"));

    private static readonly AnnotationNames Scopes = AnnotationNames.Enum(
        (0, "universe"), (200, "site"), (253, "link"), (254, "host"), (255, "nowhere"));

    private static readonly AnnotationNames Tables = AnnotationNames.Enum(
        (0, "unspec"), (252, "compat"), (253, "default"), (254, "main"), (255, "local"));

    private static readonly AnnotationNames RouteProtocols = AnnotationNames.Enum(
        (0, "unspec"), (1, "redirect"), (2, "kernel"), (3, "boot"), (4, "static"), (8, "gated"), (9, "ra"), (10, "mrt"),
        (11, "zebra"), (12, "bird"), (13, "dnrouted"), (14, "xorp"), (15, "ntk"), (16, "dhcp"), (17, "mrouted"),
        (18, "keepalived"), (42, "babel"), (99, "openr"), (186, "bgp"), (187, "isis"), (188, "ospf"), (189, "rip"), (192, "eigrp"));

    private static readonly AnnotationNames RouteTypes = AnnotationNames.Enum(
        (0, "unspec"), (1, "unicast"), (2, "local"), (3, "broadcast"), (4, "anycast"), (5, "multicast"), (6, "blackhole"),
        (7, "unreachable"), (8, "prohibit"), (9, "throw"), (10, "nat"), (11, "xresolve"));

    private static readonly AnnotationNames RouteFlags = AnnotationNames.Flags(
        (0x1, "DEAD"), (0x2, "PERVASIVE"), (0x4, "ONLINK"), (0x8, "OFFLOAD"), (0x10, "LINKDOWN"), (0x20, "UNRESOLVED"),
        (0x40, "TRAP"), (0x100, "NOTIFY"), (0x200, "CLONED"), (0x400, "EQUALIZE"), (0x800, "PREFIX"), (0x1000, "LOOKUP_TABLE"),
        (0x2000, "FIB_MATCH"), (0x4000, "OFFLOAD"), (0x8000, "TRAP"), (0x20000000, "OFFLOAD_FAILED"));

    private static readonly AnnotationNames NeighbourStates = AnnotationNames.Flags(
        (0x1, "INCOMPLETE"), (0x2, "REACHABLE"), (0x4, "STALE"), (0x8, "DELAY"), (0x10, "PROBE"), (0x20, "FAILED"),
        (0x40, "NOARP"), (0x80, "PERMANENT"));

    private static readonly AnnotationNames NeighbourFlags = AnnotationNames.Flags(
        (0x1, "USE"), (0x2, "SELF"), (0x4, "MASTER"), (0x8, "PROXY"), (0x10, "EXT_LEARNED"), (0x20, "OFFLOADED"),
        (0x40, "STICKY"), (0x80, "ROUTER"));

    private static readonly AnnotationNames RuleActions = AnnotationNames.Enum(
        (0, "unspec"), (1, "to_tbl"), (2, "goto"), (3, "nop"), (6, "blackhole"), (7, "unreachable"), (8, "prohibit"));

    private static readonly AnnotationNames RuleFlags = AnnotationNames.Flags(
        (0x1, "PERMANENT"), (0x2, "INVERT"), (0x4, "UNRESOLVED"), (0x8, "IIF_DETACHED"), (0x10, "OIF_DETACHED"));

    private static readonly AnnotationNames OperStates = AnnotationNames.Enum(
        (0, "UNKNOWN"), (1, "NOTPRESENT"), (2, "DOWN"), (3, "LOWERLAYERDOWN"), (4, "TESTING"), (5, "DORMANT"), (6, "UP"));

    private static readonly AttributeTable LinkInfo = new(
        (1, new("IFLA_INFO_KIND", Text)),
        (2, new("IFLA_INFO_DATA", Nested)),
        (3, new("IFLA_INFO_XSTATS", Hex)),
        (4, new("IFLA_INFO_SLAVE_KIND", Text)),
        (5, new("IFLA_INFO_SLAVE_DATA", Nested)));

    private static readonly AttributeTable Inet6Link = new(
        (1, new("IFLA_INET6_FLAGS", U32)),
        (2, new("IFLA_INET6_CONF", Hex)),
        (3, new("IFLA_INET6_STATS", Hex)),
        (4, new("IFLA_INET6_MCAST", Hex)),
        (5, new("IFLA_INET6_CACHEINFO", Hex)),
        (6, new("IFLA_INET6_ICMP6STATS", Hex)),
        (7, new("IFLA_INET6_TOKEN", Address)),
        (8, new("IFLA_INET6_ADDR_GEN_MODE", U8)),
        (9, new("IFLA_INET6_RA_MTU", U32)));

    /// <summary>IFLA_AF_SPEC holds one nest per address family, typed by the family number.</summary>
    private static readonly AttributeTable AfSpec = new(
        (2, new("AF_INET", Nested, new AttributeTable((1, new("IFLA_INET_CONF", Hex))))),
        (10, new("AF_INET6", Nested, Inet6Link)),
        (7, new("AF_BRIDGE", Nested)),
        (28, new("AF_MPLS", Nested)));

    private static readonly AttributeTable Xdp = new(
        (1, new("IFLA_XDP_FD", S32)),
        (2, new("IFLA_XDP_ATTACHED", U8)),
        (3, new("IFLA_XDP_FLAGS", U32)),
        (4, new("IFLA_XDP_PROG_ID", U32)),
        (5, new("IFLA_XDP_DRV_PROG_ID", U32)),
        (6, new("IFLA_XDP_SKB_PROG_ID", U32)),
        (7, new("IFLA_XDP_HW_PROG_ID", U32)),
        (8, new("IFLA_XDP_EXPECTED_FD", S32)));

    private static readonly AttributeTable Link = new(
        (1, new("IFLA_ADDRESS", Mac)),
        (2, new("IFLA_BROADCAST", Mac)),
        (3, new("IFLA_IFNAME", Text)),
        (4, new("IFLA_MTU", U32)),
        (5, new("IFLA_LINK", U32)),
        (6, new("IFLA_QDISC", Text)),
        (7, new("IFLA_STATS", Hex)),
        (8, new("IFLA_COST", Hex)),
        (9, new("IFLA_PRIORITY", Hex)),
        (10, new("IFLA_MASTER", U32)),
        (11, new("IFLA_WIRELESS", Hex)),
        (12, new("IFLA_PROTINFO", Nested)),
        (13, new("IFLA_TXQLEN", U32)),
        (14, new("IFLA_MAP", Hex)),
        (15, new("IFLA_WEIGHT", U32)),
        (16, new("IFLA_OPERSTATE", U8, Names: OperStates)),
        (17, new("IFLA_LINKMODE", U8)),
        (18, new("IFLA_LINKINFO", Nested, LinkInfo)),
        (19, new("IFLA_NET_NS_PID", U32)),
        (20, new("IFLA_IFALIAS", Text)),
        (21, new("IFLA_NUM_VF", U32)),
        (22, new("IFLA_VFINFO_LIST", Nested)),
        (23, new("IFLA_STATS64", Hex)),
        (24, new("IFLA_VF_PORTS", Nested)),
        (25, new("IFLA_PORT_SELF", Nested)),
        (26, new("IFLA_AF_SPEC", Nested, AfSpec)),
        (27, new("IFLA_GROUP", U32)),
        (28, new("IFLA_NET_NS_FD", U32)),
        (29, new("IFLA_EXT_MASK", U32)),
        (30, new("IFLA_PROMISCUITY", U32)),
        (31, new("IFLA_NUM_TX_QUEUES", U32)),
        (32, new("IFLA_NUM_RX_QUEUES", U32)),
        (33, new("IFLA_CARRIER", U8)),
        (34, new("IFLA_PHYS_PORT_ID", Hex)),
        (35, new("IFLA_CARRIER_CHANGES", U32)),
        (36, new("IFLA_PHYS_SWITCH_ID", Hex)),
        (37, new("IFLA_LINK_NETNSID", S32)),
        (38, new("IFLA_PHYS_PORT_NAME", Text)),
        (39, new("IFLA_PROTO_DOWN", U8)),
        (40, new("IFLA_GSO_MAX_SEGS", U32)),
        (41, new("IFLA_GSO_MAX_SIZE", U32)),
        (42, new("IFLA_PAD", Hex)),
        (43, new("IFLA_XDP", Nested, Xdp)),
        (44, new("IFLA_EVENT", U32)),
        (45, new("IFLA_NEW_NETNSID", S32)),
        (46, new("IFLA_TARGET_NETNSID", S32)),
        (47, new("IFLA_CARRIER_UP_COUNT", U32)),
        (48, new("IFLA_CARRIER_DOWN_COUNT", U32)),
        (49, new("IFLA_NEW_IFINDEX", S32)),
        (50, new("IFLA_MIN_MTU", U32)),
        (51, new("IFLA_MAX_MTU", U32)),
        (52, new("IFLA_PROP_LIST", Nested, new AttributeTable((53, new("IFLA_ALT_IFNAME", Text))))),
        (53, new("IFLA_ALT_IFNAME", Text)),
        (54, new("IFLA_PERM_ADDRESS", Mac)),
        (55, new("IFLA_PROTO_DOWN_REASON", Nested)),
        (56, new("IFLA_PARENT_DEV_NAME", Text)),
        (57, new("IFLA_PARENT_DEV_BUS_NAME", Text)),
        (58, new("IFLA_GRO_MAX_SIZE", U32)),
        (59, new("IFLA_TSO_MAX_SIZE", U32)),
        (60, new("IFLA_TSO_MAX_SEGS", U32)),
        (61, new("IFLA_ALLMULTI", U32)),
        (62, new("IFLA_DEVLINK_PORT", Nested)),
        (63, new("IFLA_GSO_IPV4_MAX_SIZE", U32)),
        (64, new("IFLA_GRO_IPV4_MAX_SIZE", U32)),
        (65, new("IFLA_DPLL_PIN", Nested)),
        (66, new("IFLA_MAX_PACING_OFFLOAD_HORIZON", U32)),
        (67, new("IFLA_NETNS_IMMUTABLE", U8)),
        (68, new("IFLA_HEADROOM", U16)),
        (69, new("IFLA_TAILROOM", U16)));

    private static readonly AttributeTable Addr = new(
        (1, new("IFA_ADDRESS", Address)),
        (2, new("IFA_LOCAL", Address)),
        (3, new("IFA_LABEL", Text)),
        (4, new("IFA_BROADCAST", Address)),
        (5, new("IFA_ANYCAST", Address)),
        (6, new("IFA_CACHEINFO", Hex)),
        (7, new("IFA_MULTICAST", Address)),
        (8, new("IFA_FLAGS", U32, Names: AddressFlags)),
        (9, new("IFA_RT_PRIORITY", U32)),
        (10, new("IFA_TARGET_NETNSID", S32)),
        (11, new("IFA_PROTO", U8)));

    private static readonly AttributeTable Metrics = AttributeTable.Of(
        U32, (1, "RTAX_LOCK"), (2, "RTAX_MTU"), (3, "RTAX_WINDOW"), (4, "RTAX_RTT"), (5, "RTAX_RTTVAR"), (6, "RTAX_SSTHRESH"),
        (7, "RTAX_CWND"), (8, "RTAX_ADVMSS"), (9, "RTAX_REORDERING"), (10, "RTAX_HOPLIMIT"), (11, "RTAX_INITCWND"),
        (12, "RTAX_FEATURES"), (13, "RTAX_RTO_MIN"), (14, "RTAX_INITRWND"), (15, "RTAX_QUICKACK"), (17, "RTAX_FASTOPEN_NO_COOKIE"));

    private static readonly AttributeTable Route = new(
        (1, new("RTA_DST", Address)),
        (2, new("RTA_SRC", Address)),
        (3, new("RTA_IIF", U32)),
        (4, new("RTA_OIF", U32)),
        (5, new("RTA_GATEWAY", Address)),
        (6, new("RTA_PRIORITY", U32)),
        (7, new("RTA_PREFSRC", Address)),
        (8, new("RTA_METRICS", Nested, Metrics)),
        (9, new("RTA_MULTIPATH", Hex)),
        (10, new("RTA_PROTOINFO", Hex)),
        (11, new("RTA_FLOW", U32)),
        (12, new("RTA_CACHEINFO", Hex)),
        (13, new("RTA_SESSION", Hex)),
        (14, new("RTA_MP_ALGO", Hex)),
        (15, new("RTA_TABLE", U32, Names: Tables)),
        (16, new("RTA_MARK", U32)),
        (17, new("RTA_MFC_STATS", Hex)),
        (18, new("RTA_VIA", Hex)),
        (19, new("RTA_NEWDST", Hex)),
        (20, new("RTA_PREF", U8)),
        (21, new("RTA_ENCAP_TYPE", U16)),
        (22, new("RTA_ENCAP", Nested)),
        (23, new("RTA_EXPIRES", U32)),
        (24, new("RTA_PAD", Hex)),
        (25, new("RTA_UID", U32)),
        (26, new("RTA_TTL_PROPAGATE", U8)),
        (27, new("RTA_IP_PROTO", U8, Names: CommonAnnotation.IpProtocols)),
        (28, new("RTA_SPORT", Be16)),
        (29, new("RTA_DPORT", Be16)),
        (30, new("RTA_NH_ID", U32)),
        (31, new("RTA_FLOWLABEL", Be32)));

    private static readonly AttributeTable Neighbour = new(
        (1, new("NDA_DST", Address)),
        (2, new("NDA_LLADDR", Mac)),
        (3, new("NDA_CACHEINFO", Hex)),
        (4, new("NDA_PROBES", U32)),
        (5, new("NDA_VLAN", U16)),
        (6, new("NDA_PORT", Be16)),
        (7, new("NDA_VNI", U32)),
        (8, new("NDA_IFINDEX", U32)),
        (9, new("NDA_MASTER", U32)),
        (10, new("NDA_LINK_NETNSID", S32)),
        (11, new("NDA_SRC_VNI", U32)),
        (12, new("NDA_PROTOCOL", U8)),
        (13, new("NDA_NH_ID", U32)),
        (14, new("NDA_FDB_EXT_ATTRS", Nested)),
        (15, new("NDA_FLAGS_EXT", U32)),
        (16, new("NDA_NDM_STATE_MASK", U16)),
        (17, new("NDA_NDM_FLAGS_MASK", U8)));

    private static readonly AttributeTable Rule = new(
        (1, new("FRA_DST", Address)),
        (2, new("FRA_SRC", Address)),
        (3, new("FRA_IIFNAME", Text)),
        (4, new("FRA_GOTO", U32)),
        (6, new("FRA_PRIORITY", U32)),
        (10, new("FRA_FWMARK", U32)),
        (11, new("FRA_FLOW", U32)),
        (12, new("FRA_TUN_ID", Hex)),
        (13, new("FRA_SUPPRESS_IFGROUP", U32)),
        (14, new("FRA_SUPPRESS_PREFIXLEN", S32)),
        (15, new("FRA_TABLE", U32, Names: Tables)),
        (16, new("FRA_FWMASK", U32)),
        (17, new("FRA_OIFNAME", Text)),
        (18, new("FRA_PAD", Hex)),
        (19, new("FRA_L3MDEV", U8)),
        (20, new("FRA_UID_RANGE", Hex)),
        (21, new("FRA_PROTOCOL", U8, Names: RouteProtocols)),
        (22, new("FRA_IP_PROTO", U8, Names: CommonAnnotation.IpProtocols)),
        (23, new("FRA_SPORT_RANGE", Hex)),
        (24, new("FRA_DPORT_RANGE", Hex)),
        (25, new("FRA_DSCP", U8)),
        (26, new("FRA_FLOWLABEL", Be32)),
        (27, new("FRA_FLOWLABEL_MASK", Be32)));

    private static readonly AttributeTable NetNamespace = new(
        (1, new("NETNSA_NSID", S32)),
        (2, new("NETNSA_PID", U32)),
        (3, new("NETNSA_FD", U32)),
        (4, new("NETNSA_TARGET_NSID", S32)),
        (5, new("NETNSA_CURRENT_NSID", S32)));

    private static readonly AttributeTable NetConf = new(
        (1, new("NETCONFA_IFINDEX", S32)),
        (2, new("NETCONFA_FORWARDING", S32)),
        (3, new("NETCONFA_RP_FILTER", S32)),
        (4, new("NETCONFA_MC_FORWARDING", S32)),
        (5, new("NETCONFA_PROXY_NEIGH", S32)),
        (6, new("NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN", S32)),
        (7, new("NETCONFA_INPUT", S32)));

    private static readonly HeaderField Family = new("family", 0, 1, Names: Families);

    private static readonly FixedHeaderLayout IfInfo = new("ifinfomsg", 16,
        [Family, new("type", 2, 2, Names: LinkTypes), new("index", 4, 4, FieldKind.Signed),
            new("flags", 8, 4, FieldKind.Flags, InterfaceFlags), new("change", 12, 4, FieldKind.Flags, InterfaceFlags)],
        Link);

    private static readonly FixedHeaderLayout IfAddr = new("ifaddrmsg", 8,
        [Family, new("prefixlen", 1, 1), new("flags", 2, 1, FieldKind.Flags, AddressFlags), new("scope", 3, 1, Names: Scopes), new("index", 4, 4)],
        Addr);

    private static readonly FixedHeaderLayout Rt = new("rtmsg", 12,
        [Family, new("dst_len", 1, 1), new("src_len", 2, 1), new("tos", 3, 1), new("table", 4, 1, Names: Tables),
            new("protocol", 5, 1, Names: RouteProtocols), new("scope", 6, 1, Names: Scopes), new("type", 7, 1, Names: RouteTypes),
            new("flags", 8, 4, FieldKind.Flags, RouteFlags)],
        Route);

    private static readonly FixedHeaderLayout Nd = new("ndmsg", 12,
        [Family, new("ifindex", 4, 4, FieldKind.Signed), new("state", 8, 2, FieldKind.Flags, NeighbourStates),
            new("flags", 10, 1, FieldKind.Flags, NeighbourFlags), new("type", 11, 1, Names: RouteTypes)],
        Neighbour);

    private static readonly FixedHeaderLayout FibRule = new("fib_rule_hdr", 12,
        [Family, new("dst_len", 1, 1), new("src_len", 2, 1), new("tos", 3, 1), new("table", 4, 1, Names: Tables),
            new("action", 7, 1, Names: RuleActions), new("flags", 8, 4, FieldKind.Flags, RuleFlags)],
        Rule);

    private static readonly FixedHeaderLayout Tc = new("tcmsg", 20,
        [Family, new("ifindex", 4, 4, FieldKind.Signed), new("handle", 8, 4, FieldKind.Hex), new("parent", 12, 4, FieldKind.Hex), new("info", 16, 4, FieldKind.Hex)],
        new AttributeTable((1, new("TCA_KIND", Text))));

    private static readonly FixedHeaderLayout RtGen = new("rtgenmsg", 1, [Family], NetNamespace);

    private static readonly FixedHeaderLayout NetConfMsg = new("netconfmsg", 1, [Family], NetConf);

    private static readonly FixedHeaderLayout NdtMsg = new("ndtmsg", 4, [Family], null);

    private static readonly FixedHeaderLayout Nh = new("nhmsg", 8,
        [Family, new("scope", 1, 1, Names: Scopes), new("protocol", 2, 1, Names: RouteProtocols), new("flags", 4, 4, FieldKind.Hex)],
        null);

    private static readonly FixedHeaderLayout IfStats = new("if_stats_msg", 12,
        [Family, new("ifindex", 4, 4), new("filter_mask", 8, 4, FieldKind.Hex)], null);

    private static readonly FixedHeaderLayout AddrLabel = new("ifaddrlblmsg", 12,
        [Family, new("prefixlen", 2, 1), new("flags", 3, 1), new("index", 4, 4), new("seq", 8, 4)], null);

    private static readonly FixedHeaderLayout BrPort = new("br_port_msg", 8, [Family, new("ifindex", 4, 4)], null);

    public static readonly ProtocolAnnotation Protocol = new(
        type => Types.NameOf(type),
        (type, _) => type >= NetlinkHeader.MinType && type % 4 == 2,
        (header, _) => LayoutOf(header.Type));

    private static FixedHeaderLayout? LayoutOf(ushort type) => type switch
    {
        >= 16 and <= 19 => IfInfo,
        >= 20 and <= 23 or 54 or 58 => IfAddr,
        >= 24 and <= 27 => Rt,
        >= 28 and <= 31 => Nd,
        >= 32 and <= 35 => FibRule,
        >= 36 and <= 47 or >= 100 and <= 103 => Tc,
        >= 64 and <= 67 => NdtMsg,
        >= 72 and <= 75 => AddrLabel,
        >= 80 and <= 83 => NetConfMsg,
        >= 84 and <= 87 => BrPort,
        >= 88 and <= 91 => RtGen,
        >= 92 and <= 95 => IfStats,
        >= 104 and <= 107 => Nh,
        _ => null,
    };
}
