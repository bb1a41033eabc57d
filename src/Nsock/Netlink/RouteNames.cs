using System.Globalization;

namespace Nsock.Netlink;

/// <summary>
/// The names <c>ip</c> (iproute2) gives rtnetlink's numbers: scopes, protocols, tables, route
/// types, link types, operational states. The table names are those of iproute2's built-in lists
/// and of its stock /etc/iproute2 files, so nsock prints what <c>ip</c> prints on a machine whose
/// files were left alone; a number with no name prints as the number, as <c>ip</c> does.
/// </summary>
internal static class RouteNames
{
    private static readonly Dictionary<int, string> Scopes = Pairs<int>(
    [
        (0, "global"), (200, "site"), (253, "link"), (254, "host"), (255, "nowhere"),
    ]);

    private static readonly Dictionary<int, string> Protocols = Pairs<int>(
    [
        (0, "unspec"), (1, "redirect"), (2, "kernel"), (3, "boot"), (4, "static"), (8, "gated"),
        (9, "ra"), (10, "mrt"), (11, "zebra"), (12, "bird"), (13, "dnrouted"), (14, "xorp"),
        (15, "ntk"), (16, "dhcp"), (18, "keepalived"), (42, "babel"), (99, "openr"), (186, "bgp"),
        (187, "isis"), (188, "ospf"), (189, "rip"), (192, "eigrp"),
    ]);

    private static readonly Dictionary<uint, string> Tables = Pairs<uint>(
    [
        (0, "unspec"), (253, "default"), (254, "main"), (255, "local"),
    ]);

    /// <summary>Route types (RTN_*), also the actions of rules that are not a lookup.</summary>
    private static readonly string[] RouteTypes =
    [
        "none", "unicast", "local", "broadcast", "anycast", "multicast", "blackhole", "unreachable",
        "prohibit", "throw", "nat", "xresolve",
    ];

    private static readonly string[] OperStates = ["UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"];

    private static readonly Dictionary<int, string> LinkTypes = Pairs<int>(
    [
        (0, "netrom"), (1, "ether"), (2, "eether"), (3, "ax25"), (4, "pronet"), (5, "chaos"),
        (6, "ieee802"), (7, "arcnet"), (8, "atalk"), (15, "dlci"), (19, "atm"), (23, "metricom"),
        (24, "ieee1394"), (32, "infiniband"), (256, "slip"), (257, "cslip"), (258, "slip6"),
        (259, "cslip6"), (260, "rsrvd"), (264, "adapt"), (270, "rose"), (271, "x25"), (272, "hwx25"),
        (280, "can"), (512, "ppp"), (513, "hdlc"), (516, "lapb"), (517, "ddcmp"), (518, "rawhdlc"),
        (768, "ipip"), (769, "tunnel6"), (770, "frad"), (771, "skip"), (772, "loopback"), (773, "ltalk"),
        (774, "fddi"), (775, "bif"), (776, "sit"), (777, "ip/ddp"), (778, "gre"), (779, "pimreg"),
        (780, "hippi"), (781, "ash"), (782, "econet"), (783, "irda"), (784, "fcpp"), (785, "fcal"),
        (786, "fcpl"), (787, "fcfb0"), (788, "fcfb1"), (789, "fcfb2"), (790, "fcfb3"), (791, "fcfb4"),
        (792, "fcfb5"), (793, "fcfb6"), (794, "fcfb7"), (795, "fcfb8"), (796, "fcfb9"), (797, "fcfb10"),
        (798, "fcfb11"), (799, "fcfb12"), (800, "tr"), (801, "ieee802.11"), (802, "ieee802.11/prism"),
        (803, "ieee802.11/radiotap"), (804, "ieee802.15.4"), (805, "ieee802.15.4/monitor"),
        (820, "phonet"), (821, "phonet_pipe"), (822, "caif"), (823, "gre6"), (824, "netlink"),
        (825, "6lowpan"), (0xfffe, "none"), (0xffff, "void"),
    ]);

    public static string Scope(int scope) => Scopes.GetValueOrDefault(scope) ?? Number(scope);

    public static string Protocol(int protocol) => Protocols.GetValueOrDefault(protocol) ?? Number(protocol);

    public static string Table(uint table) => Tables.GetValueOrDefault(table) ?? table.ToString(CultureInfo.InvariantCulture);

    public static string RouteType(int type) => type < RouteTypes.Length ? RouteTypes[type] : Number(type);

    /// <summary>IF_OPER_*, or null for a state ip has no name for (it prints those as a number).</summary>
    public static string? OperState(int state) => state < OperStates.Length ? OperStates[state] : null;

    /// <summary>ARPHRD_*: what <c>ip</c> prints after <c>link/</c>, <c>[N]</c> when it has no name.</summary>
    public static string LinkType(int type) => LinkTypes.GetValueOrDefault(type) ?? $"[{Number(type)}]";

    /// <summary>Interface groups: only group 0 has a name in iproute2's stock /etc/iproute2/group.</summary>
    public static string Group(uint group) => group == 0 ? "default" : ((int)group).ToString(CultureInfo.InvariantCulture);

    /// <summary>The family names <c>ip</c> prints (family_name in iproute2), or null for one it has no name for.</summary>
    public static string? Family(int family) => family switch
    {
        2 => "inet",
        10 => "inet6",
        17 => "link",
        28 => "mpls",
        7 => "bridge",
        128 => "ipmr",
        129 => "ip6mr",
        _ => null,
    };

    private static Dictionary<TKey, string> Pairs<TKey>((TKey Key, string Name)[] pairs)
        where TKey : notnull => pairs.ToDictionary(p => p.Key, p => p.Name);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>%#x</c>: <c>0x10</c>, and <c>0</c> for zero, as <c>ip</c> prints marks and masks.</summary>
    public static string Hex(uint value) => value == 0 ? "0" : "0x" + value.ToString("x", CultureInfo.InvariantCulture);
}
