using System.Buffers.Binary;
using Nsock.Netlink;

namespace Nsock.Tests.Netlink;

/// <summary>Hand-built rtnetlink messages for what the captured ones do not show.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // netlink is Linux\'s
public sealed class RouteEdgeCaseTests
{
    private const ushort NewLink = 16, DelLink = 17, NewAddr = 20, NewRoute = 24, NewNeigh = 28, NewRule = 32;

    internal static byte[] IfInfo(int index, uint flags, ushort linkType = 1)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), linkType);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), index);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), flags);
        return header;
    }

    private static byte[] IfAddr(byte family, byte prefix, byte flags, byte scope, int index)
    {
        var header = new byte[8];
        (header[0], header[1], header[2], header[3]) = (family, prefix, flags, scope);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), index);
        return header;
    }

    private static NetlinkRecord Decode(NetlinkRequest request, Func<int, string?>? names = null) =>
        Assert.IsType<NetlinkRecord>(RouteMessages.Decode(RouteMessagesTests.Message(request.ToArray()), names ?? (_ => null)));

    [Fact]
    public void Kernel_strings_are_escaped_in_lines_and_raw_in_json()
    {
        var record = Decode(new NetlinkRequest(NewLink, 0).Bytes(IfInfo(9, 0x10043))
            .StringAttribute(3, "ev\u001b[2Jil").StringAttribute(6, "q\ndisc"));
        Assert.Equal(@"9: ev\x1b[2Jil: <BROADCAST,UP,LOWER_UP> qdisc q\x0adisc link/ether", record.Line);
        Assert.Equal("ev\u001b[2Jil", record.Fields["ifname"]);
        Assert.Contains("\"ifname\":\"ev\\u001B[2Jil\"", record.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_up_without_carrier_says_so_first_and_unknown_bits_last_in_hex()
    {
        // IFF_UP | IFF_MULTICAST, not RUNNING, plus a bit ip has no name for (0x80000).
        var record = Decode(new NetlinkRequest(NewLink, 0).Bytes(IfInfo(5, 0x1001 | 0x80000)).StringAttribute(3, "d0"));
        Assert.Equal(["NO-CARRIER", "MULTICAST", "UP", "80000"], (IReadOnlyList<string>)record.Fields["flags"]!);
        Assert.StartsWith("5: d0: <NO-CARRIER,MULTICAST,UP,80000> ", record.Line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_peer_in_another_namespace_is_named_by_its_index()
    {
        var record = Decode(new NetlinkRequest(NewLink, 0).Bytes(IfInfo(3, 0x11043)).StringAttribute(3, "v0")
            .U32Attribute(5, 7).U32Attribute(37, 0).Attribute(1, [2, 0, 0, 0, 0, 1]), _ => "wrong");
        Assert.Equal("3: v0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> link/ether 02:00:00:00:00:01 link-netnsid 0", record.Line);
        Assert.Equal("""{"ifindex":3,"link_index":7,"ifname":"v0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"link_type":"ether","address":"02:00:00:00:00:01","link_netnsid":0}""", record.ToJson());
    }

    [Fact]
    public void Tunnel_endpoints_and_point_to_point_peers_print_as_ip_prints_them()
    {
        // An ipip tunnel (ARPHRD_TUNNEL): its link-layer addresses are IPv4 addresses.
        var record = Decode(new NetlinkRequest(NewLink, 0).Bytes(IfInfo(6, 0xd1, 768)).StringAttribute(3, "tun0")
            .Attribute(1, [192, 0, 2, 1]).Attribute(2, [192, 0, 2, 9]).U32Attribute(5, 0));
        Assert.Equal("6: tun0@NONE: <POINTOPOINT,NOARP,UP> link/ipip 192.0.2.1 peer 192.0.2.9", record.Line);
        Assert.Equal(true, record.Fields["link_pointtopoint"]);
    }

    [Fact]
    public void A_deleted_link_decodes_like_a_new_one()
    {
        var request = new NetlinkRequest(DelLink, 0).Bytes(IfInfo(5, 0x1002)).StringAttribute(3, "v9");
        Assert.True(RouteMessages.IsDeletion(DelLink));
        Assert.Equal("5: v9: <BROADCAST,MULTICAST> link/ether", Decode(request).Line);
    }

    [Fact]
    public void Unknown_attributes_and_unknown_numbers_are_skipped_or_printed_as_numbers()
    {
        var record = Decode(new NetlinkRequest(NewLink, 0).Bytes(IfInfo(5, 0, 4242)).StringAttribute(3, "x")
            .Attribute(999, [1, 2, 3]).Attribute(0x8000 | 998, []).Attribute(16, [9]).Attribute(17, [7]).U32Attribute(27, 5));
        Assert.Equal("5: x: <> state 0x9 mode 7 group 5 link/[4242]", record.Line);
        Assert.Equal("""{"ifindex":5,"ifname":"x","flags":[],"operstate_index":9,"linkmode_index":7,"group":"5","link_type":"[4242]"}""", record.ToJson());
    }

    [Fact]
    public void A_dynamic_address_prints_its_lifetimes_in_seconds()
    {
        var cacheInfo = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(cacheInfo, 1800); // preferred
        BinaryPrimitives.WriteUInt32LittleEndian(cacheInfo.AsSpan(4), 3600); // valid
        var record = Decode(new NetlinkRequest(NewAddr, 0).Bytes(IfAddr(2, 24, 0, 0, 2))
            .Attribute(1, [10, 0, 0, 5]).Attribute(2, [10, 0, 0, 5]).Attribute(4, [10, 0, 0, 255]).StringAttribute(3, "eth0")
            .U32Attribute(8, 0x01 | 0x200).Attribute(6, cacheInfo), i => i == 2 ? "eth0" : null);
        Assert.Equal("2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global secondary dynamic noprefixroute eth0 valid_lft 3600sec preferred_lft 1800sec", record.Line);
        Assert.Equal("""{"ifindex":2,"ifname":"eth0","family":"inet","local":"10.0.0.5","prefixlen":24,"broadcast":"10.0.0.255","scope":"global","secondary":true,"dynamic":true,"noprefixroute":true,"label":"eth0","valid_life_time":3600,"preferred_life_time":1800}""", record.ToJson());
    }

    [Fact]
    public void A_default_route_from_dhcp_prints_as_ip_prints_it()
    {
        // rtmsg: AF_INET, /0, main table, RTPROT_DHCP, universe, unicast.
        byte[] rtmsg = [2, 0, 0, 0, 254, 16, 0, 1, 0, 0, 0, 0];
        var record = Decode(new NetlinkRequest(NewRoute, 0).Bytes(rtmsg).U32Attribute(15, 254).U32Attribute(6, 100)
            .Attribute(5, [10, 0, 0, 1]).U32Attribute(4, 2).Attribute(7, [10, 0, 0, 5]), i => i == 2 ? "eth0" : null);
        Assert.Equal("default via 10.0.0.1 dev eth0 proto dhcp src 10.0.0.5 metric 100", record.Line);
        Assert.Equal("""{"dst":"default","gateway":"10.0.0.1","dev":"eth0","protocol":"dhcp","prefsrc":"10.0.0.5","metric":100,"flags":[]}""", record.ToJson());
    }

    [Fact]
    public void Route_flags_metrics_and_ipv6_gateways_of_ipv4_routes()
    {
        byte[] rtmsg = [2, 8, 0, 0, 254, 4, 0, 1, 0x14, 0, 0, 0]; // flags: onlink | linkdown
        var metrics = new NetlinkRequest(0, 0).U32Attribute(2, 1400).U32Attribute(4, 8 * 250).ToArray()[NetlinkHeader.Size..];
        var via = new byte[18];
        via[0] = 10;
        via[17] = 1;
        var record = Decode(new NetlinkRequest(NewRoute, 0).Bytes(rtmsg).Attribute(1, [10, 0, 0, 0]).Attribute(18, via)
            .Attribute(8, metrics).U32Attribute(4, 3).U32Attribute(16, 0x20));
        Assert.Equal("10.0.0.0/8 via inet6 ::1 dev if3 proto static onlink linkdown mark 0x20 mtu 1400 rtt 250ms", record.Line);
        Assert.Equal("""{"dst":"10.0.0.0/8","via":{"family":"inet6","host":"::1"},"dev":"if3","protocol":"static","flags":["onlink","linkdown"],"mark":32,"metrics":{"mtu":1400,"rtt":250}}""", record.ToJson());
    }

    [Fact]
    public void A_bridge_entry_without_an_address_and_a_neighbour_with_flags()
    {
        byte[] ndmsg = [7, 0, 0, 0, 4, 0, 0, 0, 0x80, 0, 0x02, 0]; // AF_BRIDGE, ifindex 4, PERMANENT, NTF_SELF
        var record = Decode(new NetlinkRequest(NewNeigh, 0).Bytes(ndmsg).Attribute(2, [0x33, 0x33, 0, 0, 0, 1]), i => i == 4 ? "br0" : null);
        Assert.Equal("dev br0 lladdr 33:33:00:00:00:01 PERMANENT", record.Line);

        byte[] proxy = [2, 0, 0, 0, 4, 0, 0, 0, 0x02 | 0x04, 0, 0x08 | 0x10, 0]; // REACHABLE|STALE, proxy|extern_learn
        record = Decode(new NetlinkRequest(NewNeigh, 0).Bytes(proxy).Attribute(1, [10, 0, 0, 9]).Attribute(12, [4]));
        Assert.Equal("10.0.0.9 dev if4 proxy extern_learn REACHABLE STALE proto static", record.Line);
        Assert.Equal("""{"dst":"10.0.0.9","dev":"if4","proxy":true,"extern_learn":true,"state":["REACHABLE","STALE"],"protocol":"static"}""", record.ToJson());
    }

    [Fact]
    public void Rules_with_ports_uids_and_a_protocol()
    {
        byte[] header = [10, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]; // AF_INET6, to table (in FRA_TABLE)
        var record = Decode(new NetlinkRequest(NewRule, 0).Bytes(header).U32Attribute(6, 200).U32Attribute(15, 1000)
            .Attribute(20, [0xe8, 3, 0, 0, 0xd0, 7, 0, 0]).Attribute(22, [6]).Attribute(24, [0x50, 0, 0x50, 0])
            .Attribute(23, [0, 4, 0xff, 4]).Attribute(21, [4]).StringAttribute(17, "eth1"));
        Assert.Equal("inet6 200:\tfrom all oif eth1 uidrange 1000-2000 ipproto tcp sport 1024-1279 dport 80 lookup 1000 proto static", record.Line);
        Assert.Equal("""{"family":"inet6","priority":200,"src":"all","oif":"eth1","uid_start":1000,"uid_end":2000,"ipproto":"tcp","sport_start":1024,"sport_end":1279,"dport":80,"table":"1000","protocol":"static"}""", record.ToJson());
    }
}
