using System.Globalization;

namespace Nsock.Netlink;

/// <summary>
/// Multicast group names for <c>--groups</c>: route's RTNLGRP_* (without the prefix, any case,
/// '-' or '_') and nsock's table names (addrs: IPv4 and IPv6), uevent's kernel and udev, a
/// generic family's own group names, or plain numbers.
/// </summary>
internal static class NetlinkGroups
{
    private static readonly string[] RouteGroups =
    [
        "none", "link", "notify", "neigh", "tc", "ipv4-ifaddr", "ipv4-mroute", "ipv4-route", "ipv4-rule",
        "ipv6-ifaddr", "ipv6-mroute", "ipv6-route", "ipv6-ifinfo", "decnet-ifaddr", "nop2", "decnet-route",
        "decnet-rule", "nop4", "ipv6-prefix", "ipv6-rule", "nd-useropt", "phonet-ifaddr", "phonet-route", "dcb",
        "ipv4-netconf", "ipv6-netconf", "mdb", "mpls-route", "nsid", "mpls-netconf", "ipv4-mroute-r",
        "ipv6-mroute-r", "nexthop", "brvlan", "mctp-ifaddr", "tunnel", "stats",
    ];

    /// <summary>The group numbers <paramref name="name"/> stands for; empty when it names none.</summary>
    public static IReadOnlyList<int> Resolve(int protocol, string name, GenericFamily? family)
    {
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number > 0 ? [number] : [];
        }

        var wanted = name.Replace('_', '-').ToLowerInvariant();
        switch (protocol)
        {
            case NetlinkProtocol.Route:
                var index = Array.IndexOf(RouteGroups, wanted.StartsWith("rtnlgrp-", StringComparison.Ordinal) ? wanted[8..] : wanted);
                if (index > 0)
                {
                    return [index];
                }

                foreach (var table in Enum.GetValues<RouteTable>())
                {
                    if (table.ToString().Equals(name, StringComparison.OrdinalIgnoreCase))
                    {
                        return RouteMessages.MulticastGroups(table, 0);
                    }
                }

                return [];
            case NetlinkProtocol.Uevent:
                return wanted switch { "kernel" => [1], "udev" => [2], _ => [] };
            case NetlinkProtocol.Generic when family is not null:
                return [.. family.Groups.Where(g => g.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(g => (int)g.Id)];
            default:
                return [];
        }
    }
}
