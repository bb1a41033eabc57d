using System.Text;
using Nsock.Netlink;
using NetlinkSockets = Nsock.Endpoints.Netlink;

namespace Nsock.Tests.Netlink;

[System.Runtime.Versioning.SupportedOSPlatform("linux")] // netlink is Linux\'s
public sealed class NetlinkAnnotatorTests
{
    /// <summary>RTM_GETADDR dump, first datagram: lo's 127.0.0.1/8 and ::1 (captured in a fresh `unshare -n`).</summary>
    private const string AddressDump =
        "4c00000014000200010000003d520000020880fe01000000080001007f000001080002007f000001070003006c6f0000080008008000000014000600ffffffff"
        + "ffffffff9ddf10009ddf10005000000014000200010000003d5200000a8080fe0100000014000100000000000000000000000000000000011400060"
        + "0ffffffffffffffff9ddf10009ddf1000080008008000000005000b0001000000";

    /// <summary>The kernel's answer to RTM_NEWADDR 10.0.0.1/40 on lo with NLM_F_ACK: EINVAL and an extended ACK message.</summary>
    private const string PrefixError =
        "540000000200000201000000ab520000eaffffff200000001400050001000000000000000228000001000000080002000a000001200001006970763"
        + "43a20496e76616c696420707265666978206c656e67746800";

    /// <summary>sock_diag answer for a unix stream socket listening on the abstract name "\0annot-test".</summary>
    private const string UnixListener =
        "380000001400020001000000dc52000001010a00f40c5300fe100000000000000f00000000616e6e6f742d74657374000500060000000000";

    private static readonly TimeSpan LiveTimeout = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void A_captured_address_dump_names_every_field_and_attribute()
    {
        const string expected = """
            nlmsghdr len 76 type RTM_NEWADDR (20) flags 0x2 <MULTI> seq 1 port 21053
              ifaddrmsg family 2 (inet) prefixlen 8 flags 0x80 <PERMANENT> scope 254 (host) index 1
              IFA_ADDRESS (1) len 4: 127.0.0.1
              IFA_LOCAL (2) len 4: 127.0.0.1
              IFA_LABEL (3) len 3: "lo"
              IFA_FLAGS (8) len 4: 0x80 <PERMANENT>
              IFA_CACHEINFO (6) len 16: ff ff ff ff ff ff ff ff 9d df 10 00 9d df 10 00
            nlmsghdr len 80 type RTM_NEWADDR (20) flags 0x2 <MULTI> seq 1 port 21053
              ifaddrmsg family 10 (inet6) prefixlen 128 flags 0x80 <PERMANENT> scope 254 (host) index 1
              IFA_ADDRESS (1) len 16: ::1
              IFA_CACHEINFO (6) len 16: ff ff ff ff ff ff ff ff 9d df 10 00 9d df 10 00
              IFA_FLAGS (8) len 4: 0x80 <PERMANENT>
              IFA_PROTO (11) len 1: 1

            """;
        Assert.Equal(expected, NetlinkAnnotator.Annotate(0, Convert.FromHexString(AddressDump)));
    }

    [Fact]
    public void A_captured_error_shows_the_errno_the_echoed_request_and_the_extended_ack()
    {
        const string expected = """
            nlmsghdr len 84 type NLMSG_ERROR (2) flags 0x200 <ACK_TLVS> seq 1 port 21163
              error -22 (invalid argument)
              request nlmsghdr len 32 type RTM_NEWADDR (20) flags 0x5 <REQUEST,ACK> seq 1 port 0
                ifaddrmsg family 2 (inet) prefixlen 40 flags 0x0 scope 0 (universe) index 1
                IFA_LOCAL (2) len 4: 10.0.0.1
              NLMSGERR_ATTR_MSG (1) len 28: "ipv4: Invalid prefix length"

            """;
        Assert.Equal(expected, NetlinkAnnotator.Annotate(0, Convert.FromHexString(PrefixError)));
    }

    [Fact]
    public void A_captured_unix_socket_answer_is_told_from_a_request_and_its_abstract_name_escaped()
    {
        var text = NetlinkAnnotator.Annotate(4, Convert.FromHexString(UnixListener));
        Assert.StartsWith("nlmsghdr len 56 type SOCK_DIAG_BY_FAMILY (20) flags 0x2 <MULTI> seq 1 port 21212\n"
            + "  unix_diag_msg family 1 (unix) type 1 (STREAM) state 10 (LISTEN) ino 5442804 cookie 0x10fe\n", text);
        Assert.Contains("  UNIX_DIAG_NAME (0) len 11: \"\\x00annot-test\"\n", text);

        var request = new NetlinkRequest(20, NetlinkHeader.Request | NetlinkHeader.Dump, 7)
            .Bytes([1, 0, 0, 0]).Struct(0xffffffffu).Struct(0u).Struct(1u).Struct(0xffffffffu).Struct(0xffffffffu).ToArray();
        Assert.Equal(
            "nlmsghdr len 40 type SOCK_DIAG_BY_FAMILY (20) flags 0x301 <REQUEST,DUMP> seq 7 port 0\n"
            + "  unix_diag_req family 1 (unix) protocol 0 states 0xffffffff <0x1,ESTABLISHED,SYN_SENT,SYN_RECV,FIN_WAIT1,FIN_WAIT2,TIME_WAIT,CLOSE,CLOSE_WAIT,LAST_ACK,LISTEN,CLOSING,NEW_SYN_RECV,"
            + string.Join(",", Enumerable.Range(13, 19).Select(bit => $"0x{1u << bit:x}")) + "> ino 0 show 0x1 <NAME> cookie 0xffffffffffffffff\n",
            NetlinkAnnotator.Annotate(4, request));
    }

    [Fact]
    public void A_dump_request_names_its_flags_as_a_GET_and_a_create_request_as_a_NEW()
    {
        Assert.Equal(
            "nlmsghdr len 32 type RTM_GETLINK (18) flags 0x301 <REQUEST,DUMP> seq 1 port 0\n"
            + "  ifinfomsg family 0 (unspec) type 0 index 0 flags 0x0 change 0x0\n",
            NetlinkAnnotator.Annotate(0, new NetlinkRequest(18, NetlinkHeader.Request | NetlinkHeader.Dump, 1).Zeros(16).ToArray()));

        Assert.StartsWith(
            "nlmsghdr len 28 type RTM_NEWNEIGH (28) flags 0x301 <REQUEST,REPLACE,EXCL> seq 1 port 0\n",
            NetlinkAnnotator.Annotate(0, new NetlinkRequest(28, NetlinkHeader.Request | NetlinkHeader.Dump, 1).Zeros(12).ToArray()));
        Assert.StartsWith(
            "nlmsghdr len 20 type 40 flags 0x305 <REQUEST,ACK,DUMP> seq 0 port 0\n",
            NetlinkAnnotator.Annotate(99, new NetlinkRequest(40, NetlinkHeader.Request | NetlinkHeader.Ack | NetlinkHeader.Dump).Zeros(4).ToArray()));

        var create = new NetlinkRequest(16, NetlinkHeader.Request | NetlinkHeader.Ack | NetlinkHeader.Create | NetlinkHeader.Exclusive, 2, 99)
            .Bytes([0, 0, 0x04, 0x03, 5, 0, 0, 0, 0x41, 0x10, 0x01, 0, 0, 0, 0, 0])
            .StringAttribute(3, "eth\u001b[2J0").U32Attribute(4, 1500).Attribute(1, [2, 0, 0, 0xab, 0xcd, 0xef]).Attribute(57, [1, 2, 3, 4, 5])
            .ToArray();
        Assert.Equal(
            "nlmsghdr len 80 type RTM_NEWLINK (16) flags 0x605 <REQUEST,ACK,EXCL,CREATE> seq 2 port 99\n"
            + "  ifinfomsg family 0 (unspec) type 772 (LOOPBACK) index 5 flags 0x11041 <UP,RUNNING,MULTICAST,LOWER_UP> change 0x0\n"
            + "  IFLA_IFNAME (3) len 9: \"eth\\x1b[2J0\"\n"
            + "  IFLA_MTU (4) len 4: 1500\n"
            + "  IFLA_ADDRESS (1) len 6: 02:00:00:ab:cd:ef\n"
            + "  IFLA_PARENT_DEV_BUS_NAME (57) len 5: \"\\x01\\x02\\x03\\x04\\x05\"\n",
            NetlinkAnnotator.Annotate(0, create));
    }

    [Fact]
    public void Nested_attributes_are_indented_unknown_ones_are_hex_and_long_hex_is_capped()
    {
        var inner = new NetlinkRequest(0, 0).StringAttribute(1, "veth").Attribute(2, Attribute(1, [1, 2, 3, 4])).ToArray()[NetlinkHeader.Size..];
        var unknownNest = Attribute(0x8000 | 77, Attribute(1, [9, 9]));
        var message = new NetlinkRequest(16, NetlinkHeader.Multi, 3, 4)
            .Zeros(16).Attribute(18, inner).Attribute(26, Attribute(10, Attribute(8, [1]))).Bytes(unknownNest).Attribute(999, [0xde, 0xad])
            .ToArray();
        var text = NetlinkAnnotator.Annotate(0, message);
        Assert.Equal(
            "nlmsghdr len 96 type RTM_NEWLINK (16) flags 0x2 <MULTI> seq 3 port 4\n"
            + "  ifinfomsg family 0 (unspec) type 0 index 0 flags 0x0 change 0x0\n"
            + "  IFLA_LINKINFO (18) nested len 24\n"
            + "    IFLA_INFO_KIND (1) len 5: \"veth\"\n"
            + "    IFLA_INFO_DATA (2) nested len 8\n"
            + "      attr 1 len 4: 01 02 03 04\n"
            + "  IFLA_AF_SPEC (26) nested len 12\n"
            + "    AF_INET6 (10) nested len 8\n"
            + "      IFLA_INET6_ADDR_GEN_MODE (8) len 1: 1\n"
            + "  attr 77 nested len 8\n"
            + "    attr 1 len 2: 09 09\n"
            + "  attr 999 len 2: de ad\n",
            text);

        var big = NetlinkAnnotator.Annotate(0, new NetlinkRequest(16, 0).Zeros(16).Attribute(7, new byte[100]).ToArray());
        Assert.Contains("IFLA_STATS (7) len 100: " + string.Join(" ", Enumerable.Repeat("00", 64)) + " ... (100 bytes)\n", big);
    }

    [Fact]
    public void Nesting_stops_at_eight_levels()
    {
        var value = Attribute(0x8000 | 1, [1, 2, 3, 4]);
        for (var i = 0; i < 20; i++)
        {
            value = Attribute(0x8000 | 1, value);
        }

        var text = NetlinkAnnotator.Annotate(99, new NetlinkRequest(20, 0).Bytes(value).ToArray());
        Assert.DoesNotContain("nested", text); // protocol 99: no tables, so the payload is hex

        text = NetlinkAnnotator.Annotate(16, new NetlinkRequest(30, 0).Bytes([1, 1, 0, 0]).Bytes(value).ToArray());
        Assert.Equal(8, text.Split('\n').Count(line => line.Contains(" nested len ", StringComparison.Ordinal)));
        Assert.Contains("nested deeper than 8 levels: ", text);
    }

    [Fact]
    public void Malformed_messages_are_described_with_the_hex_of_the_rest()
    {
        var good = new NetlinkRequest(3, NetlinkHeader.Multi, 5).Bytes([0, 0, 0, 0]).ToArray();
        var truncated = new byte[20];
        new NetlinkHeader(100, 16, 0, 6, 0).Write(truncated);
        Assert.Equal(
            "nlmsghdr len 20 type NLMSG_DONE (3) flags 0x2 <MULTI> seq 5 port 0\n"
            + "  done 0\n"
            + "malformed: message 2 at byte 20: header says 100 bytes, only 20 there\n"
            + "  64 00 00 00 10 00 00 00 06 00 00 00 00 00 00 00 00 00 00 00\n",
            NetlinkAnnotator.Annotate(0, (byte[])[.. good, .. truncated]));

        Assert.Equal("malformed: message 1 at byte 0: 3 bytes, less than a 16-byte header\n  01 02 03\n", NetlinkAnnotator.Annotate(0, new byte[] { 1, 2, 3 }));

        var shortFixed = new NetlinkRequest(24, 0).Bytes([2, 0, 0, 0]).ToArray();
        Assert.EndsWith("  malformed: rtmsg needs 12 bytes, the message has 4\n    02 00 00 00\n", NetlinkAnnotator.Annotate(0, shortFixed));

        var overlong = new NetlinkRequest(20, 0).Bytes([2, 8, 0, 0, 1, 0, 0, 0]).Bytes([0x2c, 0x01, 0x03, 0x00, 0x6c, 0x6f, 0, 0]).ToArray();
        Assert.EndsWith("  malformed: attribute 3 at byte 0: length 300, only 8 bytes there\n    2c 01 03 00 6c 6f 00 00\n", NetlinkAnnotator.Annotate(0, overlong));

        var shortError = new NetlinkRequest(2, 0).Bytes([0xfe, 0xff, 0xff, 0xff, 1, 2, 3, 4]).ToArray();
        Assert.EndsWith(
            "  error -2 (no such file or directory)\n  malformed: the echoed request has 4 bytes, less than a 16-byte header\n    01 02 03 04\n",
            NetlinkAnnotator.Annotate(0, shortError));
        Assert.Equal("empty: 0 bytes\n", NetlinkAnnotator.Annotate(0, ReadOnlyMemory<byte>.Empty));
    }

    [Fact]
    public void Uevents_are_one_escaped_string_a_line()
    {
        var datagram = Encoding.UTF8.GetBytes("add@/devices/virtual/net/v0\0ACTION=add\0EVIL=\u001b]0;pwned\u0007\0\0SEQNUM=12");
        Assert.Equal(
            "uevent 65 bytes\n  add@/devices/virtual/net/v0\n  ACTION=add\n  EVIL=\\x1b]0;pwned\\x07\n  SEQNUM=12\n",
            NetlinkAnnotator.Annotate(15, datagram));
    }

    [Fact]
    public void Generic_families_other_protocols_and_control_messages_have_their_names()
    {
        var message = new NetlinkRequest(28, NetlinkHeader.Request | NetlinkHeader.Ack, 1).Bytes([5, 1, 0, 0]).U32Attribute(3, 7).ToArray();
        Assert.Equal(
            "nlmsghdr len 28 type nl80211 (28) flags 0x5 <REQUEST,ACK> seq 1 port 0\n"
            + "  genlmsghdr cmd 5 version 1\n"
            + "  attr 3 len 4: 07 00 00 00\n",
            NetlinkAnnotator.Annotate(16, message, 28, "nl80211"));
        Assert.StartsWith("nlmsghdr len 28 type 28 flags", NetlinkAnnotator.Annotate(16, message, 29, "nl80211"));
        Assert.StartsWith("nlmsghdr len 28 type bad\\x1bname (28)", NetlinkAnnotator.Annotate(16, message, null, "bad\u001bname"));

        var conntrack = new NetlinkRequest(0x0101, NetlinkHeader.Request | NetlinkHeader.Dump).Bytes([2, 0, 0, 0]).ToArray();
        Assert.Equal(
            "nlmsghdr len 20 type NFNL_SUBSYS_CTNETLINK/1 (257) flags 0x301 <REQUEST,DUMP> seq 0 port 0\n"
            + "  nfgenmsg family 2 (inet) version 0 res_id 0\n",
            NetlinkAnnotator.Annotate(12, conntrack));

        Assert.Equal(
            "nlmsghdr len 20 type 40 flags 0x1 <REQUEST> seq 0 port 0\n  01 02 03 04\n",
            NetlinkAnnotator.Annotate(99, new NetlinkRequest(40, NetlinkHeader.Request).Bytes([1, 2, 3, 4]).ToArray()));

        var ack = new NetlinkRequest(2, NetlinkHeader.Capped, 9).Bytes(new byte[4]).Bytes(new NetlinkRequest(16, 0x405, 9).ToArray()).ToArray();
        Assert.Equal(
            "nlmsghdr len 36 type NLMSG_ERROR (2) flags 0x100 <CAPPED> seq 9 port 0\n"
            + "  error 0 (ack)\n"
            + "  request nlmsghdr len 16 type RTM_NEWLINK (16) flags 0x405 <REQUEST,ACK,CREATE> seq 9 port 0\n",
            NetlinkAnnotator.Annotate(0, ack));
    }

    [Fact]
    public async Task A_live_link_dump_names_the_messages_and_lo()
    {
        var datagrams = await ExchangeAsync(0, new NetlinkRequest(18, NetlinkHeader.Request | NetlinkHeader.Dump, 1).Zeros(16).ToArray());
        var text = string.Concat(datagrams.Select(d => NetlinkAnnotator.Annotate(0, d)));
        Assert.Contains("type RTM_NEWLINK (16) flags 0x2 <MULTI> seq 1 port ", text);
        Assert.Contains("  ifinfomsg family 0 (unspec) type 772 (LOOPBACK) index 1 flags 0x", text);
        Assert.Contains("  IFLA_IFNAME (3) len 3: \"lo\"\n", text);
        Assert.Contains("  IFLA_AF_SPEC (26) nested len ", text);
        Assert.Contains("type NLMSG_DONE (3)", text);
        Assert.DoesNotContain("malformed", text);
    }

    [Fact]
    public async Task A_live_error_names_the_errno_and_echoes_the_request()
    {
        var request = new NetlinkRequest(18, NetlinkHeader.Request | NetlinkHeader.Ack, 2)
            .Bytes([0, 0, 0, 0, 0x9f, 0x86, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0]).ToArray();
        var text = NetlinkAnnotator.Annotate(0, (await ExchangeAsync(0, request))[0]);
        Assert.Contains("type NLMSG_ERROR (2)", text);
        Assert.Contains("\n  error -19 (no such device)\n", text);
        Assert.Contains("\n  request nlmsghdr len 32 type RTM_GETLINK (18) flags 0x5 <REQUEST,ACK> seq 2 port ", text);
        Assert.Contains("\n    ifinfomsg family 0 (unspec) type 0 index 99999 flags 0x0 change 0x0\n", text);
        Assert.DoesNotContain("malformed", text);
    }

    [Fact]
    public async Task A_live_generic_controller_dump_names_nlctrl_and_its_nests()
    {
        var datagrams = await ExchangeAsync(16, new NetlinkRequest(16, NetlinkHeader.Request | NetlinkHeader.Dump, 3).Bytes([3, 1, 0, 0]).ToArray());
        var text = string.Concat(datagrams.Select(d => NetlinkAnnotator.Annotate(16, d)));
        Assert.Contains("type GENL_ID_CTRL (16) flags 0x2 <MULTI> seq 3", text);
        Assert.Contains("  genlmsghdr cmd 1 (CTRL_CMD_NEWFAMILY) version ", text);
        Assert.Contains("  CTRL_ATTR_FAMILY_NAME (2) len 7: \"nlctrl\"\n", text);
        Assert.Contains("  CTRL_ATTR_FAMILY_ID (1) len 2: 16\n", text);
        Assert.Contains("  CTRL_ATTR_OPS (6) nested len ", text);
        Assert.Contains("    [1] nested len ", text);
        Assert.Contains("      CTRL_ATTR_OP_ID (1) len 4: 3\n", text);
        Assert.Contains("      CTRL_ATTR_MCAST_GRP_NAME (1) len 7: \"notify\"\n", text);
        Assert.DoesNotContain("malformed", text);
    }

    [Fact]
    public async Task Random_and_mutated_messages_never_throw_and_stay_bounded()
    {
        var seeds = new List<byte[]>
        {
            Convert.FromHexString(AddressDump), Convert.FromHexString(PrefixError), Convert.FromHexString(UnixListener),
            Encoding.UTF8.GetBytes("add@/devices/x\0ACTION=add\0SUBSYSTEM=net\0"),
        };
        seeds.AddRange(await ExchangeAsync(0, new NetlinkRequest(18, NetlinkHeader.Request | NetlinkHeader.Dump, 1).Zeros(16).ToArray()));
        seeds.AddRange(await ExchangeAsync(16, new NetlinkRequest(16, NetlinkHeader.Request | NetlinkHeader.Dump, 1).Bytes([3, 1, 0, 0]).ToArray()));

        var random = new Random(20240612);
        var inputs = 0;
        // On a thread of its own, so an annotator that loops fails the test instead of hanging the run.
        await Task.Run(() =>
        {
            foreach (var protocol in new[] { 0, 4, 12, 15, 16, 99 })
            {
                for (var i = 0; i < 1500; i++)
                {
                    var input = (i % 3) switch
                    {
                        0 => Mutate(random, seeds[random.Next(seeds.Count)]),
                        1 => Framed(random, protocol),
                        _ => RandomBytes(random, random.Next(0, 200)),
                    };
                    string text;
                    try
                    {
                        text = NetlinkAnnotator.Annotate(protocol, input, (uint)random.Next(16, 40), random.Next(2) == 0 ? null : "fam\u0007ily");
                    }
                    catch (Exception e)
                    {
                        Assert.Fail($"protocol {protocol}, input {Convert.ToHexString(input)}: {e}");
                        throw;
                    }

                    Assert.DoesNotContain("annotator could not read", text);
                    Assert.True(text.Length < (64 * input.Length) + 4096, $"{text.Length} characters for {input.Length} bytes");
                    Assert.EndsWith("\n", text);
                    Assert.False(text.Contains('\u001b', StringComparison.Ordinal) || text.Contains('\u0007', StringComparison.Ordinal), text);
                    inputs++;
                }
            }
        }, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.Equal(9000, inputs);
    }

    /// <summary>A real message with a few bit flips, a truncation, a length field rewritten or bytes added.</summary>
    private static byte[] Mutate(Random random, byte[] seed)
    {
        var bytes = (byte[])seed.Clone();
        for (var edits = random.Next(1, 4); edits > 0 && bytes.Length > 0; edits--)
        {
            switch (random.Next(5))
            {
                case 0:
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes = bytes[..random.Next(bytes.Length)];
                    break;
                case 2 when bytes.Length >= 4:
                    // a length field: the nlmsghdr's (offset 0) or, likely, an attribute's (any 4-aligned offset)
                    var at = random.Next(2) == 0 ? 0 : 4 * random.Next(bytes.Length / 4);
                    bytes[at] = (byte)random.Next(256);
                    bytes[at + 1] = (byte)(random.Next(4) == 0 ? random.Next(256) : 0);
                    break;
                case 3:
                    bytes = [.. bytes, .. RandomBytes(random, random.Next(1, 40))];
                    break;
                default:
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    break;
            }
        }

        return bytes;
    }

    /// <summary>
    /// Messages with consistent lengths, of types the protocol's tables know, each with a fixed
    /// header of the size they expect (family byte included) and random, often nested, attributes:
    /// inputs that get past the framing into the tables.
    /// </summary>
    private static byte[] Framed(Random random, int protocol)
    {
        (ushort Type, int Size)[] shapes = protocol switch
        {
            0 => [(16, 16), (20, 8), (24, 12), (28, 12), (32, 12), (36, 20), (80, 1), (88, 1), (104, 8), (2, 4), (3, 4)],
            4 => [(20, 72), (20, 16), (20, 56), (20, 24), (2, 4)],
            12 => [(0x0101, 4), (0x0a00, 4), (0x10, 4)],
            16 => [(16, 4), (17, 4), (30, 4), (2, 36)],
            _ => [((ushort)random.Next(65536), random.Next(0, 24))],
        };
        byte[] families = [0, 1, 2, 7, 10, 16];
        var datagram = new List<byte>();
        for (var count = random.Next(1, 4); count > 0; count--)
        {
            var (type, size) = shapes[random.Next(shapes.Length)];
            var fixedHeader = RandomBytes(random, size);
            if (size > 0)
            {
                fixedHeader[0] = families[random.Next(families.Length)];
            }

            var flags = (ushort)(random.Next(4) == 0 ? random.Next(65536) : random.Next(2) * NetlinkHeader.Request | random.Next(0x1000));
            var message = new NetlinkRequest(type, flags, (uint)random.Next()).Bytes(fixedHeader).Bytes(Attributes(random, random.Next(0, 5)));
            datagram.AddRange(message.ToArray());
        }

        return [.. datagram];
    }

    private static byte[] Attributes(Random random, int depth)
    {
        var bytes = new List<byte>();
        for (var count = random.Next(0, 6); count > 0; count--)
        {
            var type = (ushort)(random.Next(0, 70) | (random.Next(3) == 0 ? 0x8000 : 0));
            var value = depth > 0 && random.Next(2) == 0 ? Attributes(random, depth - 1) : RandomBytes(random, random.Next(0, 20));
            bytes.AddRange(Attribute(type, value));
        }

        return [.. bytes];
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>One attribute, padded, as it sits in a message.</summary>
    private static byte[] Attribute(int type, byte[] value) =>
        new NetlinkRequest(0, 0).Attribute((ushort)type, value).ToArray()[NetlinkHeader.Size..];

    /// <summary>Sends one request to the kernel and takes datagrams until one holds NLMSG_DONE or NLMSG_ERROR.</summary>
    private static async Task<List<byte[]>> ExchangeAsync(int protocol, byte[] request)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(LiveTimeout);
        using var channel = NetlinkSockets.Open(protocol, []);
        await channel.SendAsync(request, null, timeout.Token);
        var datagrams = new List<byte[]>();
        while (true)
        {
            var datagram = await channel.ReceiveAsync(timeout.Token);
            datagrams.Add(datagram);
            if (NetlinkMessage.Split(datagram, out _).Any(m => m.IsDone || m.IsError))
            {
                return datagrams;
            }
        }
    }
}
