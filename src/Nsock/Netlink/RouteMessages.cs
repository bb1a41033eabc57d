namespace Nsock.Netlink;

/// <summary>
/// rtnetlink (NETLINK_ROUTE) for <c>nsock netlink route</c>: the dump requests, which table a
/// message belongs to, the multicast groups a monitor joins, and the decoding of links, addresses,
/// routes, neighbours and rules into records printed the way iproute2's <c>ip -o</c> and
/// <c>ip -j</c> print them. Pure functions over bytes; malformed input is a
/// <see cref="NetlinkFormatException"/> and nothing else.
/// </summary>
internal static class RouteMessages
{
    // RTM_NEWLINK, and the first of each group of four (NEW, DEL, GET, SET) per table.
    private const ushort FirstType = 16, TypesPerTable = 4;

    /// <summary>
    /// The dump request of <paramref name="table"/> for one family (0: all, 2: IPv4, 10: IPv6). Links
    /// have no family: theirs is always 0, since an RTM_GETLINK of family 10 asks for IPv6's own
    /// per-link data instead of the links.
    /// </summary>
    public static byte[] DumpRequest(RouteTable table, int family, uint sequence)
    {
        // RTM_GET* and the size of its fixed header; the family is the header's first byte in every one.
        var (type, size) = table switch
        {
            RouteTable.Links => (18, RouteLinks.HeaderSize),
            RouteTable.Addrs => (22, RouteAddrs.HeaderSize),
            RouteTable.Routes => (26, RouteRoutes.HeaderSize),
            RouteTable.Neighbors => (30, RouteNeighbors.HeaderSize),
            RouteTable.Rules => (34, RouteRules.HeaderSize),
            _ => throw new ArgumentOutOfRangeException(nameof(table)),
        };
        var header = new byte[size];
        header[0] = table == RouteTable.Links ? (byte)0 : (byte)family;
        return NetlinkRequest.DumpOf((ushort)type, sequence).Bytes(header).ToArray();
    }

    /// <summary>The table of an RTM_NEW*, RTM_DEL* or RTM_GET* message, or null for any other type.</summary>
    public static RouteTable? TableOf(ushort messageType)
    {
        if (messageType < FirstType || messageType >= FirstType + (5 * TypesPerTable) || (messageType - FirstType) % TypesPerTable > 2)
        {
            return null;
        }

        return (RouteTable)((messageType - FirstType) / TypesPerTable);
    }

    /// <summary>Whether the message says an object went away (RTM_DELLINK, RTM_DELADDR, ...): a monitor's <c>-link</c>.</summary>
    public static bool IsDeletion(ushort messageType) => TableOf(messageType) is not null && (messageType - FirstType) % TypesPerTable == 1;

    /// <summary>
    /// Decodes an RTM_NEW* or RTM_DEL* message; null for any other type (NLMSG_DONE, RTM_GET*...).
    /// <paramref name="linkName"/> names an interface by its index (for an address's, a route's or a
    /// neighbour's device, a link's master and peer); where it returns null the device prints as
    /// <c>if7</c>, the name <c>ip</c> gives an index it cannot resolve.
    /// </summary>
    public static NetlinkRecord? Decode(NetlinkMessage message, Func<int, string?> linkName)
    {
        if (TableOf(message.Type) is not { } table || (message.Type - FirstType) % TypesPerTable > 1)
        {
            return null;
        }

        return table switch
        {
            RouteTable.Links => RouteLinks.Decode(message, linkName),
            RouteTable.Addrs => RouteAddrs.Decode(message, linkName),
            RouteTable.Routes => RouteRoutes.Decode(message, linkName),
            RouteTable.Neighbors => RouteNeighbors.Decode(message, linkName),
            _ => RouteRules.Decode(message),
        };
    }

    /// <summary>
    /// The RTNLGRP_* groups a monitor of <paramref name="table"/> joins; family 2 or 10 keeps that
    /// family's groups only (links and neighbours have one group for every family).
    /// </summary>
    public static IReadOnlyList<int> MulticastGroups(RouteTable table, int family)
    {
        const int Link = 1, Neigh = 3, Ipv4Addr = 5, Ipv4Route = 7, Ipv4Rule = 8, Ipv6Addr = 9, Ipv6Route = 11, Ipv6Rule = 19;
        var (v4, v6) = table switch
        {
            RouteTable.Links => (Link, Link),
            RouteTable.Neighbors => (Neigh, Neigh),
            RouteTable.Addrs => (Ipv4Addr, Ipv6Addr),
            RouteTable.Routes => (Ipv4Route, Ipv6Route),
            RouteTable.Rules => (Ipv4Rule, Ipv6Rule),
            _ => throw new ArgumentOutOfRangeException(nameof(table)),
        };
        return family switch
        {
            _ when v4 == v6 => [v4],
            2 => [v4],
            10 => [v6],
            _ => [v4, v6],
        };
    }

    /// <summary>The kernel's name of an rtnetlink message type, for error messages.</summary>
    public static string TypeName(ushort type)
    {
        string[] tables = ["LINK", "ADDR", "ROUTE", "NEIGH", "RULE"];
        string[] verbs = ["NEW", "DEL", "GET", "SET"];
        var i = type - FirstType;
        return i >= 0 && i < tables.Length * TypesPerTable ? $"RTM_{verbs[i % TypesPerTable]}{tables[i / TypesPerTable]}" : $"message type {type}";
    }
}
