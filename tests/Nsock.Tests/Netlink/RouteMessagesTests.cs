using Nsock.Netlink;

namespace Nsock.Tests.Netlink;

/// <summary>
/// The rtnetlink decoders on messages the kernel sent (<see cref="RouteFixtures"/>): every line is
/// what <c>ip -o</c> printed for the same object in the same namespace (without ip's trailing space
/// and backslash line breaks), every JSON object has <c>ip -j</c>'s fields and values.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // netlink is Linux\'s
public sealed class RouteMessagesTests
{
    private static readonly Dictionary<int, string> Names = new() { [1] = "lo", [2] = "v1", [3] = "v0", [4] = "br0" };

    internal static NetlinkMessage Message(string hex) => Message(Convert.FromHexString(hex));

    internal static NetlinkMessage Message(byte[] bytes)
    {
        var messages = NetlinkMessage.Split(bytes, out var problem);
        Assert.Null(problem);
        return Assert.Single(messages);
    }

    private static NetlinkRecord Decode(string hex) => Assert.IsType<NetlinkRecord>(RouteMessages.Decode(Message(hex), i => Names.GetValueOrDefault(i)));

    [Theory]
    [InlineData(0, "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000 link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00")]
    [InlineData(1, "2: v1@v0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master br0 state UP mode DEFAULT group default qlen 1000 link/ether 5e:e7:7d:27:88:8a brd ff:ff:ff:ff:ff:ff")]
    [InlineData(2, "3: v0@v1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000 link/ether ee:22:69:ef:e4:5e brd ff:ff:ff:ff:ff:ff")]
    [InlineData(3, "4: br0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000 link/ether 5e:e7:7d:27:88:8a brd ff:ff:ff:ff:ff:ff")]
    public void Links_print_as_ip_link_does(int index, string line)
    {
        var record = Decode(RouteFixtures.Links[index]);
        Assert.Equal("link", record.Kind);
        Assert.Equal(line, record.Line);
    }

    [Fact]
    public void Link_json_has_ip_j_link_fields_then_the_extras()
    {
        Assert.Equal(
            """{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00","min_mtu":0,"max_mtu":0}""",
            Decode(RouteFixtures.Links[0]).ToJson());
        Assert.Equal(
            """{"ifindex":2,"link":"v0","ifname":"v1","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","master":"br0","operstate":"UP","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","address":"5e:e7:7d:27:88:8a","broadcast":"ff:ff:ff:ff:ff:ff","min_mtu":68,"max_mtu":65535,"linkinfo":{"info_kind":"veth","info_slave_kind":"bridge"}}""",
            Decode(RouteFixtures.Links[1]).ToJson());
        Assert.Equal(
            """{"ifindex":4,"ifname":"br0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","address":"5e:e7:7d:27:88:8a","broadcast":"ff:ff:ff:ff:ff:ff","min_mtu":68,"max_mtu":65535,"linkinfo":{"info_kind":"bridge"}}""",
            Decode(RouteFixtures.Links[3]).ToJson());
    }

    [Theory]
    [InlineData(0, "1: lo    inet 127.0.0.1/8 scope host lo valid_lft forever preferred_lft forever")]
    [InlineData(1, "3: v0    inet 10.9.0.1/24 scope global v0 valid_lft forever preferred_lft forever")]
    [InlineData(2, "3: v0    inet 10.9.0.5 peer 10.9.0.6/32 scope global v0:p valid_lft forever preferred_lft forever")]
    [InlineData(3, "1: lo    inet6 ::1/128 scope host valid_lft forever preferred_lft forever")]
    [InlineData(4, "2: v1    inet6 fe80::5ce7:7dff:fe27:888a/64 scope link valid_lft forever preferred_lft forever")]
    [InlineData(5, "3: v0    inet6 fd00:9::1/64 scope global nodad valid_lft forever preferred_lft forever")]
    [InlineData(7, "4: br0    inet6 fe80::5ce7:7dff:fe27:888a/64 scope link tentative valid_lft forever preferred_lft forever")]
    public void Addresses_print_as_ip_addr_does(int index, string line)
    {
        var record = Decode(RouteFixtures.Addrs[index]);
        Assert.Equal("addr", record.Kind);
        Assert.Equal(line, record.Line);
    }

    [Theory]
    [InlineData(0, """{"ifindex":1,"ifname":"lo","family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo","valid_life_time":4294967295,"preferred_life_time":4294967295}""")]
    [InlineData(2, """{"ifindex":3,"ifname":"v0","family":"inet","local":"10.9.0.5","address":"10.9.0.6","prefixlen":32,"scope":"global","label":"v0:p","valid_life_time":4294967295,"preferred_life_time":4294967295}""")]
    [InlineData(3, """{"ifindex":1,"ifname":"lo","family":"inet6","local":"::1","prefixlen":128,"scope":"host","valid_life_time":4294967295,"preferred_life_time":4294967295}""")]
    [InlineData(5, """{"ifindex":3,"ifname":"v0","family":"inet6","local":"fd00:9::1","prefixlen":64,"scope":"global","nodad":true,"valid_life_time":4294967295,"preferred_life_time":4294967295}""")]
    [InlineData(7, """{"ifindex":4,"ifname":"br0","family":"inet6","local":"fe80::5ce7:7dff:fe27:888a","prefixlen":64,"scope":"link","tentative":true,"valid_life_time":4294967295,"preferred_life_time":4294967295}""")]
    public void Address_json_is_ip_j_addr_info_with_the_link(int index, string json) =>
        Assert.Equal(json, Decode(RouteFixtures.Addrs[index]).ToJson());

    [Theory]
    [InlineData(0, "blackhole 10.30.0.0/16 table 100")]
    [InlineData(1, "10.9.0.0/24 dev v0 proto kernel scope link src 10.9.0.1")]
    [InlineData(2, "10.9.0.6 dev v0 proto kernel scope link src 10.9.0.5")]
    [InlineData(3, "10.20.0.0/16 via 10.9.0.2 dev v0 proto static metric 50")]
    [InlineData(4, "10.40.0.0/16 nexthop via 10.9.0.2 dev v0 weight 1 nexthop via 10.9.0.3 dev v0 weight 2")]
    [InlineData(5, "local 10.9.0.1 dev v0 table local proto kernel scope host src 10.9.0.1")]
    [InlineData(7, "broadcast 10.9.0.255 dev v0 table local proto kernel scope link src 10.9.0.1")]
    [InlineData(8, "local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1")]
    [InlineData(9, "local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1")]
    [InlineData(10, "broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1")]
    [InlineData(11, "fd00:9::/64 dev v0 proto kernel metric 256 pref medium")]
    [InlineData(13, "fe80::/64 dev v0 proto kernel metric 256 pref medium")]
    [InlineData(15, "local ::1 dev lo table local proto kernel metric 0 pref medium")]
    [InlineData(18, "local fe80::ec22:69ff:feef:e45e dev v0 table local proto kernel metric 0 pref medium")]
    [InlineData(21, "multicast ff00::/8 dev br0 table local proto kernel metric 256 pref medium")]
    public void Routes_print_as_ip_route_show_table_all_does(int index, string line)
    {
        var record = Decode(RouteFixtures.Routes[index]);
        Assert.Equal("route", record.Kind);
        Assert.Equal(line, record.Line);
    }

    [Theory]
    [InlineData(0, """{"type":"blackhole","dst":"10.30.0.0/16","table":"100","flags":[]}""")]
    [InlineData(3, """{"dst":"10.20.0.0/16","gateway":"10.9.0.2","dev":"v0","protocol":"static","metric":50,"flags":[]}""")]
    [InlineData(9, """{"type":"local","dst":"127.0.0.1","dev":"lo","table":"local","protocol":"kernel","scope":"host","prefsrc":"127.0.0.1","flags":[]}""")]
    [InlineData(15, """{"type":"local","dst":"::1","dev":"lo","table":"local","protocol":"kernel","metric":0,"flags":[],"pref":"medium"}""")]
    [InlineData(4, """{"dst":"10.40.0.0/16","flags":[],"nexthops":["via 10.9.0.2 dev v0 weight 1","via 10.9.0.3 dev v0 weight 2"]}""")]
    public void Route_json_has_ip_j_route_fields(int index, string json) =>
        Assert.Equal(json, Decode(RouteFixtures.Routes[index]).ToJson());

    [Theory]
    [InlineData(1, "10.9.0.2 dev v0 lladdr 52:54:00:12:34:56 PERMANENT", """{"dst":"10.9.0.2","dev":"v0","lladdr":"52:54:00:12:34:56","state":["PERMANENT"]}""")]
    [InlineData(10, "fd00:9::2 dev v0 lladdr 52:54:00:12:34:57 router PERMANENT", """{"dst":"fd00:9::2","dev":"v0","lladdr":"52:54:00:12:34:57","router":true,"state":["PERMANENT"]}""")]
    [InlineData(0, "224.0.0.22 dev br0 lladdr 01:00:5e:00:00:16 NOARP", """{"dst":"224.0.0.22","dev":"br0","lladdr":"01:00:5e:00:00:16","state":["NOARP"]}""")]
    public void Neighbours_print_as_ip_neigh_does(int index, string line, string json)
    {
        var record = Decode(RouteFixtures.Neighbors[index]);
        Assert.Equal("neigh", record.Kind);
        Assert.Equal(line, record.Line);
        Assert.Equal(json, record.ToJson());
    }

    [Theory]
    [InlineData(0, "inet 0:\tfrom all lookup local", """{"family":"inet","priority":0,"src":"all","table":"local"}""")]
    [InlineData(1, "inet 100:\tfrom 10.9.0.0/24 lookup 100", """{"family":"inet","priority":100,"src":"10.9.0.0","srclen":24,"table":"100"}""")]
    [InlineData(2, "inet 110:\tfrom all fwmark 0x10/0xff iif v0 lookup 100", """{"family":"inet","priority":110,"src":"all","fwmark":"0x10","fwmask":"0xff","iif":"v0","table":"100"}""")]
    [InlineData(3, "inet 120:\tfrom all to 10.50.0.0/16 blackhole", """{"family":"inet","priority":120,"src":"all","dst":"10.50.0.0","dstlen":16,"action":"blackhole"}""")]
    [InlineData(4, "inet 130:\tnot from all iif lo goto 32766", """{"family":"inet","priority":130,"not":true,"src":"all","iif":"lo","goto":32766}""")]
    [InlineData(5, "inet 32766:\tfrom all lookup main", """{"family":"inet","priority":32766,"src":"all","table":"main"}""")]
    [InlineData(6, "inet 32767:\tfrom all lookup default", """{"family":"inet","priority":32767,"src":"all","table":"default"}""")]
    [InlineData(9, "inet6 0:\tfrom all lookup local", """{"family":"inet6","priority":0,"src":"all","table":"local"}""")]
    public void Rules_print_as_ip_rule_does_with_the_family_named(int index, string line, string json)
    {
        var record = Decode(RouteFixtures.Rules[index]);
        Assert.Equal("rule", record.Kind);
        Assert.Equal(line, record.Line);
        Assert.Equal(json, record.ToJson());
    }

    [Fact]
    public void Every_fixture_decodes()
    {
        foreach (var hex in RouteFixtures.Links.Concat(RouteFixtures.Addrs).Concat(RouteFixtures.Routes).Concat(RouteFixtures.Neighbors).Concat(RouteFixtures.Rules))
        {
            var record = Decode(hex);
            Assert.NotEmpty(record.Line);
            Assert.StartsWith("{", record.ToJson(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_device_the_caller_cannot_name_prints_as_ip_prints_it()
    {
        var record = RouteMessages.Decode(Message(RouteFixtures.Addrs[1]), _ => null)!;
        Assert.StartsWith("3: if3    inet 10.9.0.1/24 ", record.Line, StringComparison.Ordinal);
        Assert.Equal("if3", record.Fields["ifname"]);
        var route = RouteMessages.Decode(Message(RouteFixtures.Routes[3]), _ => null)!;
        Assert.Equal("10.20.0.0/16 via 10.9.0.2 dev if3 proto static metric 50", route.Line);
    }

    [Fact]
    public void Dump_request_bytes_are_exact()
    {
        var bytes = RouteMessages.DumpRequest(RouteTable.Routes, 10, 7);
        Assert.Equal(
            "1c000000" // length 28: 16 header + 12 rtmsg
            + "1a00" // RTM_GETROUTE
            + "0103" // NLM_F_REQUEST | NLM_F_DUMP
            + "07000000" // sequence
            + "00000000" // port id: the kernel fills it in
            + "0a0000000000000000000000", // rtmsg, family AF_INET6
            Convert.ToHexStringLower(bytes));
    }

    [Theory]
    [InlineData((int)RouteTable.Links, 18, 16)]
    [InlineData((int)RouteTable.Addrs, 22, 8)]
    [InlineData((int)RouteTable.Routes, 26, 12)]
    [InlineData((int)RouteTable.Neighbors, 30, 12)]
    [InlineData((int)RouteTable.Rules, 34, 12)]
    public void Dump_requests_have_the_type_and_fixed_header_of_their_table(int tableNumber, int type, int fixedSize)
    {
        var table = (RouteTable)tableNumber;
        var message = Message(RouteMessages.DumpRequest(table, 2, 1));
        Assert.Equal(type, message.Type);
        Assert.Equal(NetlinkHeader.Request | NetlinkHeader.Dump, message.Header.Flags);
        Assert.Equal(fixedSize, message.Payload.Length);
        Assert.Equal(table == RouteTable.Links ? 0 : 2, message.Payload.Span[0]); // links have no family
        Assert.Equal(table, RouteMessages.TableOf((ushort)type));
    }

    [Theory]
    [InlineData(16, (int)RouteTable.Links, false)]
    [InlineData(17, (int)RouteTable.Links, true)]
    [InlineData(20, (int)RouteTable.Addrs, false)]
    [InlineData(21, (int)RouteTable.Addrs, true)]
    [InlineData(25, (int)RouteTable.Routes, true)]
    [InlineData(28, (int)RouteTable.Neighbors, false)]
    [InlineData(29, (int)RouteTable.Neighbors, true)]
    [InlineData(32, (int)RouteTable.Rules, false)]
    [InlineData(33, (int)RouteTable.Rules, true)]
    public void Message_types_map_to_tables_and_deletions(int type, int table, bool deletion)
    {
        Assert.Equal((RouteTable)table, RouteMessages.TableOf((ushort)type));
        Assert.Equal(deletion, RouteMessages.IsDeletion((ushort)type));
    }

    [Theory]
    [InlineData(3)] // NLMSG_DONE
    [InlineData(2)] // NLMSG_ERROR
    [InlineData(19)] // RTM_SETLINK
    [InlineData(36)] // RTM_NEWQDISC
    [InlineData(0xffff)]
    public void Other_message_types_are_not_decoded(int type)
    {
        Assert.False(RouteMessages.IsDeletion((ushort)type));
        var message = Message(new NetlinkRequest((ushort)type, 0).Zeros(16).ToArray());
        Assert.Null(RouteMessages.Decode(message, _ => null));
    }

    [Fact]
    public void Get_requests_belong_to_their_table_but_are_not_decoded()
    {
        Assert.Equal(RouteTable.Neighbors, RouteMessages.TableOf(30));
        Assert.Null(RouteMessages.Decode(Message(RouteMessages.DumpRequest(RouteTable.Neighbors, 0, 1)), _ => null));
    }

    [Theory]
    [InlineData((int)RouteTable.Links, 0, new[] { 1 })]
    [InlineData((int)RouteTable.Links, 10, new[] { 1 })]
    [InlineData((int)RouteTable.Addrs, 0, new[] { 5, 9 })]
    [InlineData((int)RouteTable.Addrs, 2, new[] { 5 })]
    [InlineData((int)RouteTable.Addrs, 10, new[] { 9 })]
    [InlineData((int)RouteTable.Routes, 0, new[] { 7, 11 })]
    [InlineData((int)RouteTable.Routes, 10, new[] { 11 })]
    [InlineData((int)RouteTable.Neighbors, 2, new[] { 3 })]
    [InlineData((int)RouteTable.Rules, 0, new[] { 8, 19 })]
    [InlineData((int)RouteTable.Rules, 2, new[] { 8 })]
    public void Monitors_join_the_groups_of_their_tables(int table, int family, int[] groups) =>
        Assert.Equal(groups, RouteMessages.MulticastGroups((RouteTable)table, family));
}
