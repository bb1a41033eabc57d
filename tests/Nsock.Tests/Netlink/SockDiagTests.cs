using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using Nsock.Netlink;
using Nsock.Terminal;

namespace Nsock.Tests.Netlink;

[System.Runtime.Versioning.SupportedOSPlatform("linux")] // netlink is Linux\'s
public sealed class SockDiagTests
{
    // Captured on this machine (python3, NETLINK_SOCK_DIAG dumps with the requests nsock sends):
    // a TCP listener on 127.0.0.1:60963 with a backlog of 7, inode 5423471.
    internal const string TcpListener =
        "7c000000140002000100000059400000020a0000ee2300007f0000010000000000000000000000000000000000000000000000000000000000000000f500000000000000000000000000000007000000000000006fc15200050008000000000008000f00000000000c00150001000000000000000600160052000000";

    // A UDP socket bound on [::1]:45671, inode 5425354.
    internal const string UdpOnLoopback6 =
        "840000001400020001000000f24300000a070000b2670000000000000000000000000000000000010000000000000000000000000000000000000000fd0000000000000000000000000000000000000000000000cac85200050008000000000005000b000100000008000f00000000000c00150001000000000000000600160010000000";

    // A unix stream listener on /tmp/diag/x.sock, backlog 5, one connection waiting to be accepted.
    internal const string UnixPathListener =
        "580000001400020001000000f243000001010a00c2c85200f900000000000000150000002f746d702f646961672f782e736f636b000000000c0001000401b2000000e00f0c00040001000000050000000500060000000000";

    // A unix stream listener on the abstract name "nsock-fixture", backlog 3.
    internal const string UnixAbstractListener =
        "480000001400020001000000f243000001010a00c3c85200fc0000000000000012000000006e736f636b2d6669787475726500000c00040000000000030000000500060000000000";

    // One end of an unnamed connected pair (inode 1520, peer 1519).
    internal const string UnixUnnamedPair =
        "3c0000001400020001000000f243000001010100f0050000f30000000000000008000200ef0500000c00040000000000000000000500060000000000";

    // An unconnected datagram socket on the abstract name "dg".
    internal const string UnixDatagram =
        "3c0000001400020001000000f243000001020700c5c85200fb0000000000000007000000006467000c00040000000000000000000500060000000000";

    internal static NetlinkMessage Message(string hex)
    {
        var messages = NetlinkMessage.Split(Convert.FromHexString(hex), out var problem);
        Assert.Null(problem);
        return Assert.Single(messages);
    }

    [Theory]
    [InlineData(TcpListener, "Tcp", "tcp LISTEN 0 7 127.0.0.1:60963 0.0.0.0:* ino 5423471 uid 0")]
    [InlineData(UdpOnLoopback6, "Udp", "udp UNCONN 0 0 [::1]:45671 [::]:* ino 5425354 uid 0")]
    [InlineData(UnixPathListener, "Unix", "u_str LISTEN 1 5 /tmp/diag/x.sock 5425346 * 0")]
    [InlineData(UnixAbstractListener, "Unix", "u_str LISTEN 0 3 @nsock-fixture 5425347 * 0")]
    [InlineData(UnixUnnamedPair, "Unix", "u_str ESTAB 0 0 * 1520 * 1519")]
    [InlineData(UnixDatagram, "Unix", "u_dgr UNCONN 0 0 @dg 5425349 * 0")]
    public void Captured_answers_read_like_ss(string hex, string kindName, string line)
    {
        var kind = Enum.Parse<SockDiagKind>(kindName);
        var record = SockDiag.Decode(Message(hex), kind);
        Assert.NotNull(record);
        Assert.Equal(line, record.Line);
        Assert.Equal(kind.ToString().ToLowerInvariant(), record.Kind);
    }

    [Fact]
    public void Inet_json_has_ss_columns()
    {
        var record = SockDiag.Decode(Message(TcpListener), SockDiagKind.Tcp)!;
        Assert.Equal(
            """{"netid":"tcp","family":"inet","state":"LISTEN","recv_q":0,"send_q":7,"local":"127.0.0.1","local_port":60963,"peer":"0.0.0.0","peer_port":0,"inode":5423471,"uid":0}""",
            record.ToJson());
        var udp = SockDiag.Decode(Message(UdpOnLoopback6), SockDiagKind.Udp)!;
        Assert.Equal("inet6", udp.Fields["family"]);
        Assert.Equal("::1", udp.Fields["local"]);
    }

    [Fact]
    public void Unix_json_has_the_path_the_queues_and_the_file()
    {
        var record = SockDiag.Decode(Message(UnixPathListener), SockDiagKind.Unix)!;
        Assert.Equal(
            """{"netid":"u_str","family":"unix","state":"LISTEN","recv_q":1,"send_q":5,"local":"/tmp/diag/x.sock","inode":5425346,"vfs_inode":11665668,"vfs_dev":266338304}""",
            record.ToJson());
        var pair = SockDiag.Decode(Message(UnixUnnamedPair), SockDiagKind.Unix)!;
        Assert.Null(pair.Fields["local"]);
        Assert.Equal(1519L, pair.Fields["peer_inode"]);
        var named = SockDiag.Decode(Message(UnixAbstractListener), SockDiagKind.Unix)!;
        Assert.Equal("@nsock-fixture", named.Fields["local"]);
        Assert.Equal(true, named.Fields["abstract"]);
    }

    [Fact]
    public void Tcp_requests_ask_for_both_families_and_the_chosen_states()
    {
        var requests = SockDiag.DumpRequests(SockDiagKind.Tcp, listening: true, firstSequence: 5);
        Assert.Equal(2, requests.Count);
        for (var i = 0; i < 2; i++)
        {
            var message = Assert.Single(NetlinkMessage.Split(requests[i], out _));
            Assert.Equal(SockDiag.ByFamily, message.Type);
            Assert.Equal(NetlinkHeader.Request | NetlinkHeader.Dump, message.Header.Flags);
            Assert.Equal(5u + (uint)i, message.Header.Sequence);
            Assert.Equal(56, message.Payload.Length);
            Assert.Equal(i == 0 ? 2 : 10, message.Payload.Span[0]);
            Assert.Equal(6, message.Payload.Span[1]);
            Assert.Equal(1u << 10, MemoryMarshal.Read<uint>(message.Payload.Span[4..]));
        }

        var udp = Assert.Single(NetlinkMessage.Split(SockDiag.DumpRequests(SockDiagKind.Udp, true, 1)[1], out _));
        Assert.Equal(17, udp.Payload.Span[1]);
        Assert.Equal(1u << 7, MemoryMarshal.Read<uint>(udp.Payload.Span[4..]));
        var all = Assert.Single(NetlinkMessage.Split(SockDiag.DumpRequests(SockDiagKind.Udp, false, 1)[0], out _));
        Assert.Equal(uint.MaxValue, MemoryMarshal.Read<uint>(all.Payload.Span[4..]));
    }

    [Fact]
    public void Unix_request_asks_for_names_peers_and_queues()
    {
        var request = Assert.Single(SockDiag.DumpRequests(SockDiagKind.Unix, listening: true, firstSequence: 9));
        var message = Assert.Single(NetlinkMessage.Split(request, out _));
        Assert.Equal(9u, message.Header.Sequence);
        Assert.Equal(24, message.Payload.Length);
        Assert.Equal(1, message.Payload.Span[0]);
        Assert.Equal((1u << 10) | (1u << 7), MemoryMarshal.Read<uint>(message.Payload.Span[4..]));
        Assert.Equal(0x17u, MemoryMarshal.Read<uint>(message.Payload.Span[12..]));
    }

    [Fact]
    public void Other_messages_and_families_are_not_sockets()
    {
        var done = new NetlinkRequest(NetlinkHeader.Done, NetlinkHeader.Multi).Zeros(4).ToArray();
        Assert.Null(SockDiag.Decode(Message(Convert.ToHexString(done)), SockDiagKind.Tcp));
        var netlinkFamily = new NetlinkRequest(SockDiag.ByFamily, 0).Bytes([16]).Zeros(60).ToArray();
        Assert.Null(SockDiag.Decode(Message(Convert.ToHexString(netlinkFamily)), SockDiagKind.Tcp));
    }

    [Fact]
    public void Unknown_states_and_types_print_as_numbers()
    {
        var bytes = Convert.FromHexString(UnixDatagram);
        bytes[16 + 1] = 9; // type
        bytes[16 + 2] = 42; // state
        var record = SockDiag.Decode(Message(Convert.ToHexString(bytes)), SockDiagKind.Unix)!;
        Assert.StartsWith("9 42 0 0 @dg ", record.Line);
    }

    [Theory]
    [InlineData("")] // no family byte
    [InlineData("02")] // an inet family, and nothing more
    [InlineData("0206000000000000")] // inet_diag_msg cut short
    [InlineData("0101")] // unix_diag_msg cut short
    public void Short_messages_are_malformed(string payloadHex)
    {
        var bytes = new NetlinkRequest(SockDiag.ByFamily, NetlinkHeader.Multi).Bytes(Convert.FromHexString(payloadHex)).ToArray();
        // Keep the exact length: Bytes() pads, but the header must say how many bytes there are.
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)(16 + (payloadHex.Length / 2)));
        var message = Assert.Single(NetlinkMessage.Split(bytes, out _));
        Assert.Throws<NetlinkFormatException>(() => SockDiag.Decode(message, SockDiagKind.Unix));
        Assert.Throws<NetlinkFormatException>(() => SockDiag.Decode(message, SockDiagKind.Tcp));
    }

    [Fact]
    public void A_cut_attribute_or_a_short_queue_attribute_is_malformed()
    {
        var unix = new byte[16];
        unix[0] = 1;
        unix[1] = 1;
        var cut = new NetlinkRequest(SockDiag.ByFamily, 0).Bytes(unix).Bytes([40, 0, 0, 0, (byte)'x', 0, 0, 0]).ToArray();
        Assert.Throws<NetlinkFormatException>(() => SockDiag.Decode(Message(Convert.ToHexString(cut)), SockDiagKind.Unix));
        var shortQueues = new NetlinkRequest(SockDiag.ByFamily, 0).Bytes(unix).U32Attribute(4, 1).ToArray();
        Assert.Throws<NetlinkFormatException>(() => SockDiag.Decode(Message(Convert.ToHexString(shortQueues)), SockDiagKind.Unix));
        var shortPeer = new NetlinkRequest(SockDiag.ByFamily, 0).Bytes(unix).U16Attribute(2, 1).ToArray();
        Assert.Throws<NetlinkFormatException>(() => SockDiag.Decode(Message(Convert.ToHexString(shortPeer)), SockDiagKind.Unix));
        var cutInet = Convert.FromHexString(TcpListener);
        cutInet[16 + 72] = 200; // the first attribute's length runs past the end
        Assert.Throws<NetlinkFormatException>(() => SockDiag.Decode(Message(Convert.ToHexString(cutInet)), SockDiagKind.Tcp));
    }

    [Fact]
    public void An_inet_socket_in_a_unix_dump_is_malformed() =>
        Assert.Throws<NetlinkFormatException>(() => SockDiag.Decode(Message(TcpListener), SockDiagKind.Unix));

    [Fact]
    public void A_hostile_abstract_name_is_escaped_in_the_line_and_raw_in_json()
    {
        var name = "\0evil\n\u001b[2J\u202eexe"u8.ToArray();
        var unix = new byte[16];
        unix[0] = 1;
        unix[1] = 2;
        unix[2] = 7;
        var bytes = new NetlinkRequest(SockDiag.ByFamily, 0).Bytes(unix).Attribute(0, name).ToArray();
        var record = SockDiag.Decode(Message(Convert.ToHexString(bytes)), SockDiagKind.Unix)!;
        Assert.DoesNotContain('\n', record.Line);
        Assert.DoesNotContain('\u001b', record.Line);
        Assert.DoesNotContain('\u202e', record.Line);
        Assert.Contains("@evil" + SafeText.Escape("\n\u001b[2J\u202eexe"), record.Line);
        Assert.Equal("@evil\n\u001b[2J\u202eexe", record.Fields["local"]);
    }

    [Fact]
    public async Task A_tcp_listener_is_listed_with_its_port_backlog_and_inode()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(17);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        var records = await DumpAsync(SockDiagKind.Tcp, listening: true);
        var mine = Assert.Single(records, r => (long?)r.Fields["local_port"] == port && (string?)r.Fields["local"] == "127.0.0.1");
        Assert.Equal("tcp", mine.Kind);
        Assert.Equal("LISTEN", mine.Fields["state"]);
        Assert.Equal(17L, mine.Fields["send_q"]);
        Assert.Equal(InodeOf(listener), mine.Fields["inode"]);
        Assert.StartsWith($"tcp LISTEN 0 17 127.0.0.1:{port} 0.0.0.0:* ino {InodeOf(listener)} uid ", mine.Line);
        Assert.All(records, r => Assert.Equal("LISTEN", r.Fields["state"]));
    }

    [Fact]
    public async Task A_udp_socket_on_ipv6_loopback_is_listed_unconnected()
    {
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;

        var records = await DumpAsync(SockDiagKind.Udp, listening: false);
        var mine = Assert.Single(records, r => (long?)r.Fields["local_port"] == port && (string?)r.Fields["local"] == "::1");
        Assert.Equal("udp", mine.Kind);
        Assert.Equal("inet6", mine.Fields["family"]);
        Assert.Contains($" UNCONN 0 0 [::1]:{port} [::]:* ino {InodeOf(socket)} ", mine.Line);
    }

    [Fact]
    public async Task Unix_listeners_are_listed_by_path_and_by_abstract_name()
    {
        var directory = Directory.CreateTempSubdirectory("nsock-diag-");
        try
        {
            var path = Path.Combine(directory.FullName, "x.sock");
            var abstractName = "nsock-diag-" + Guid.NewGuid().ToString("N");
            using var byPath = Listen(path);
            using var byName = Listen("\0" + abstractName);

            var records = await DumpAsync(SockDiagKind.Unix, listening: true);
            var first = Assert.Single(records, r => (string?)r.Fields["local"] == path);
            Assert.Equal($"u_str LISTEN 0 4 {path} {InodeOf(byPath)} * 0", first.Line);
            var second = Assert.Single(records, r => (string?)r.Fields["local"] == "@" + abstractName);
            Assert.Equal($"u_str LISTEN 0 4 @{abstractName} {InodeOf(byName)} * 0", second.Line);
            Assert.All(records, r => Assert.Contains(r.Fields["state"], new[] { "LISTEN", "UNCONN" }));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_hostile_unix_path_is_escaped_in_the_line_and_raw_in_json()
    {
        var directory = Directory.CreateTempSubdirectory("nsock-diag-");
        try
        {
            var path = Path.Combine(directory.FullName, "a\nb\u001b[31mc\u202egpj.sock");
            using var socket = Listen(path);

            var records = await DumpAsync(SockDiagKind.Unix, listening: false);
            var mine = Assert.Single(records, r => (long?)r.Fields["inode"] == InodeOf(socket));
            Assert.DoesNotContain('\n', mine.Line);
            Assert.DoesNotContain('\u001b', mine.Line);
            Assert.DoesNotContain('\u202e', mine.Line);
            Assert.Contains(SafeText.Escape(path), mine.Line);
            Assert.NotEqual(path, SafeText.Escape(path));
            using var json = JsonDocument.Parse(mine.ToJson());
            Assert.Equal(path, json.RootElement.GetProperty("local").GetString());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static Socket Listen(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen(4);
        return socket;
    }

    private static async Task<List<NetlinkRecord>> DumpAsync(SockDiagKind kind, bool listening)
    {
        var messages = await LiveNetlink.ExchangeAsync(NetlinkProtocol.SockDiag, SockDiag.DumpRequests(kind, listening, 1));
        Assert.DoesNotContain(messages, m => m.IsError);
        return [.. messages.Select(m => SockDiag.Decode(m, kind)).OfType<NetlinkRecord>()];
    }

    /// <summary>The socket's inode, from its /proc/self/fd link ("socket:[12345]").</summary>
    private static long InodeOf(Socket socket)
    {
        var link = new FileInfo($"/proc/self/fd/{socket.SafeHandle.DangerousGetHandle()}").LinkTarget!;
        return long.Parse(link["socket:[".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
