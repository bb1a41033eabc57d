using System.Globalization;
using System.Runtime.InteropServices;
using Nsock.Terminal;

namespace Nsock.Netlink;

/// <summary>
/// RTM_NEWROUTE/RTM_DELROUTE (struct rtmsg and RTA_* attributes) as <c>ip -o route show table
/// all</c> prints them, and with <c>ip -j</c>'s names. ip's rules are kept: the type only when
/// not unicast, the table only when not main, the protocol only when not boot, the scope only
/// when not global (neither for a cached route), "default" for a /0 without a destination.
/// Not decoded: encapsulations, cache flags. ip -j's arrays of objects ("nexthops", "metrics")
/// are a list of strings and a nested object here (JsonFields holds no arrays of objects).
/// </summary>
internal static class RouteRoutes
{
    public const int HeaderSize = 12; // struct rtmsg

    private const ushort Dst = 1, Src = 2, InputInterface = 3, OutputInterface = 4, Gateway = 5, Priority = 6, PrefSrc = 7;
    private const ushort Metrics = 8, Multipath = 9, CacheInfo = 12, Table = 15, Mark = 16, Via = 18, Pref = 20, Uid = 25, NextHopId = 30;
    private const uint Cloned = 0x200;
    private const int UserHz = 100; // the kernel reports expiry in clock ticks of USER_HZ

    /// <summary>RTNH_F_* and RTM_F_* in ip's order (print_rt_flags).</summary>
    private static readonly (uint Bit, string Name)[] Flags =
    [
        (0x1, "dead"), (0x4, "onlink"), (0x2, "pervasive"), (0x8, "offload"), (0x40, "trap"), (0x100, "notify"),
        (0x10, "linkdown"), (0x20, "unresolved"), (0x4000, "rt_offload"), (0x8000, "rt_trap"), (0x20000000, "rt_offload_failed"),
    ];

    /// <summary>RTAX_* names (ip's mx_names), from RTAX_MTU (2) on.</summary>
    private static readonly string[] MetricNames =
    [
        "mtu", "window", "rtt", "rttvar", "sstresh", "cwnd", "advmss", "reordering", "hoplimit", "initcwnd",
        "features", "rto_min", "initrwnd", "quickack", "congctl", "fastopen_no_cookie",
    ];

    public static NetlinkRecord Decode(NetlinkMessage message, Func<int, string?> linkName)
    {
        var (header, attributes) = RouteAttributes.Of(message, HeaderSize, "rtmsg");
        var span = header.Span;
        var (family, dstLength, srcLength, tos) = (span[0], span[1], span[2], span[3]);
        var (protocol, scope, type) = (span[5], span[6], span[7]);
        var flags = MemoryMarshal.Read<uint>(span[8..]);
        var table = attributes.U32(Table) ?? span[4];

        var words = new List<string>();
        var json = new JsonFields();
        void Put(string word, string name, string value)
        {
            words.Add(word);
            json.Add(name, value);
        }

        if (type != 1)
        {
            Put(RouteNames.RouteType(type), "type", RouteNames.RouteType(type));
        }

        var dst = Prefix(attributes, Dst, family, dstLength) ?? (dstLength != 0 ? $"0/{dstLength}" : "default");
        Put(dst, "dst", dst);
        if (Prefix(attributes, Src, family, srcLength) is { } from)
        {
            Put("from " + from, "from", from);
        }
        else if (srcLength != 0)
        {
            Put($"from 0/{srcLength}", "src", $"0/{srcLength}");
        }

        if (attributes.U32(NextHopId) is { } nhid)
        {
            words.Add($"nhid {nhid}");
            json.Add("nhid", (long)nhid);
        }

        if (tos != 0)
        {
            Put($"tos 0x{tos:x2}", "tos", $"0x{tos:x2}");
        }

        AddNextHop(words, json, attributes, family);
        if (attributes.U32(OutputInterface) is { } oif)
        {
            var dev = Name(oif, linkName);
            Put("dev " + SafeText.Escape(dev), "dev", dev);
        }

        if (table != 0 && table != 254)
        {
            Put("table " + RouteNames.Table(table), "table", RouteNames.Table(table));
        }

        if ((flags & Cloned) == 0)
        {
            if (protocol != 3)
            {
                Put("proto " + RouteNames.Protocol(protocol), "protocol", RouteNames.Protocol(protocol));
            }

            if (scope != 0)
            {
                Put("scope " + RouteNames.Scope(scope), "scope", RouteNames.Scope(scope));
            }
        }

        if (attributes.Address(PrefSrc, family) is { } prefsrc)
        {
            Put("src " + prefsrc, "prefsrc", prefsrc);
        }

        if (attributes.U32(Priority) is { } metric)
        {
            words.Add($"metric {metric}");
            json.Add("metric", (long)metric);
        }

        json.Add("flags", FlagNames(flags, words));
        if (attributes.U32(Mark) is { } mark and not 0)
        {
            words.Add(mark >= 16 ? $"mark 0x{mark:x}" : $"mark {mark}");
            json.Add("mark", (long)mark);
        }

        if (attributes.U32(Uid) is { } uid)
        {
            words.Add($"uid {uid}");
            json.Add("uid", (long)uid);
        }

        AddCacheInfo(words, json, attributes);
        if (attributes[Metrics] is { } metrics)
        {
            AddMetrics(words, json, attributes.Nested(metrics));
        }

        if (attributes.U32(InputInterface) is { } iif)
        {
            var name = Name(iif, linkName);
            Put("iif " + SafeText.Escape(name), "iif", name);
        }

        if (attributes.U8(Pref) is { } pref)
        {
            var prefName = pref switch { 0 => "medium", 1 => "high", 3 => "low", _ => RouteNames.Number(pref) };
            Put("pref " + prefName, "pref", prefName);
        }

        if (attributes[Multipath] is { } multipath)
        {
            json.Add("nexthops", NextHops(words, attributes, multipath.Value, family, linkName));
        }

        return new NetlinkRecord("route", string.Join(' ', words), json);
    }

    private static string Name(uint index, Func<int, string?> linkName) => linkName((int)index) ?? $"if{index}";

    /// <summary>An address with its prefix length, the length left out for a single host (ip's way).</summary>
    private static string? Prefix(RouteAttributes attributes, ushort type, int family, int length)
    {
        if (attributes.Bytes(type) is not { } bytes)
        {
            return null;
        }

        var address = attributes.FormatAddress(family, bytes.Span, type);
        return length == bytes.Length * 8 ? address : $"{address}/{length}";
    }

    private static void AddNextHop(List<string> words, JsonFields json, RouteAttributes attributes, int family)
    {
        if (attributes.Address(Gateway, family) is { } gateway)
        {
            words.Add("via " + gateway);
            json.Add("gateway", gateway);
        }

        if (attributes.Bytes(Via) is { } via)
        {
            // struct rtvia: a 2-byte family, then the address (an IPv6 next hop of an IPv4 route).
            if (via.Length < 2)
            {
                throw new NetlinkFormatException($"{attributes.What}: RTA_VIA has {via.Length} bytes, less than its 2-byte family");
            }

            var viaFamily = MemoryMarshal.Read<ushort>(via.Span);
            var host = attributes.FormatAddress(viaFamily, via.Span[2..], Via);
            var familyName = RouteNames.Family(viaFamily) ?? "???";
            words.Add($"via {familyName} {host}");
            json.Add("via", new JsonFields().Add("family", familyName).Add("host", host));
        }
    }

    private static List<string> FlagNames(uint flags, List<string> words)
    {
        var names = Flags.Where(f => (flags & f.Bit) != 0).Select(f => f.Name).ToList();
        words.AddRange(names);
        return names;
    }

    private static void AddCacheInfo(List<string> words, JsonFields json, RouteAttributes attributes)
    {
        if (attributes[CacheInfo] is not { } info)
        {
            return;
        }

        // struct rta_cacheinfo: clntref, lastuse, expires (signed), error, used, id, ts, tsage.
        if (info.Value.Length < 16)
        {
            throw attributes.Short(info, 16);
        }

        var expires = MemoryMarshal.Read<int>(info.Value.Span[8..]);
        var error = MemoryMarshal.Read<uint>(info.Value.Span[12..]);
        if (expires != 0)
        {
            words.Add($"expires {expires / UserHz}sec");
            json.Add("expires", expires / UserHz);
        }

        if (error != 0)
        {
            words.Add($"error {error}");
            json.Add("error", (long)error);
        }
    }

    /// <summary>RTA_METRICS as ip prints the simple ones: name, "lock" when locked, value.</summary>
    private static void AddMetrics(List<string> words, JsonFields json, RouteAttributes metrics)
    {
        var locked = metrics.U32(1) ?? 0;
        var fields = new JsonFields();
        for (ushort i = 2; i < MetricNames.Length + 2; i++)
        {
            var isLocked = i < 32 && (locked & (1u << i)) != 0;
            if (!metrics.Has(i) && !isLocked)
            {
                continue;
            }

            var name = MetricNames[i - 2];
            if (i == 16)
            {
                var algorithm = metrics.String(i) ?? "";
                words.Add($"{name} {(isLocked ? "lock " : "")}{SafeText.Escape(algorithm)}");
                fields.Add("congestion", algorithm);
                continue;
            }

            var value = metrics.U32(i) ?? 0;
            if (i == 10 && (int)value == -1)
            {
                continue;
            }

            value = i switch { 4 => value / 8, 5 => value / 4, _ => value }; // rtt and rttvar are kept scaled
            var shown = i is 4 or 5 or 13
                ? (value >= 1000 ? string.Create(CultureInfo.InvariantCulture, $"{value / 1e3:0.###}s") : $"{value}ms")
                : RouteNames.Number(value);
            words.Add($"{name} {(isLocked ? "lock " : "")}{shown}");
            fields.Add(name, (long)value);
        }

        json.Add("metrics", fields);
    }

    /// <summary>RTA_MULTIPATH: struct rtnexthop (len, flags, hops, ifindex) each followed by its attributes.</summary>
    private static List<string> NextHops(List<string> words, RouteAttributes attributes, ReadOnlyMemory<byte> bytes, int family, Func<int, string?> linkName)
    {
        const int NextHopSize = 8;
        var list = new List<string>();
        while (bytes.Length >= NextHopSize)
        {
            var length = MemoryMarshal.Read<ushort>(bytes.Span);
            if (length < NextHopSize || length > bytes.Length)
            {
                throw new NetlinkFormatException($"{attributes.What}: a next hop of {length} bytes where {bytes.Length} are left");
            }

            var (flags, hops) = (bytes.Span[2], bytes.Span[3]);
            var index = MemoryMarshal.Read<int>(bytes.Span[4..]);
            var hop = new List<string>();
            AddNextHop(hop, new JsonFields(), attributes.Parse(bytes[NextHopSize..length]), family);
            var dev = Name((uint)index, linkName);
            var weight = $"weight {hops + 1}";
            var flagNames = FlagNames(flags, []);
            words.Add("nexthop");
            words.AddRange([.. hop, "dev " + SafeText.Escape(dev), weight, .. flagNames]);
            list.Add(string.Join(' ', [.. hop, "dev " + dev, weight, .. flagNames]));
            bytes = bytes[Math.Min(NetlinkHeader.Align(length), bytes.Length)..];
        }

        return list;
    }
}
