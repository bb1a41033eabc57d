using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Nsock.EndToEnd;

/// <summary>
/// The options of SPEC.md one by one, each seen from outside: --crlf, --hex, --send-only,
/// --recv-only, -s/--source, -4/-6 and dual stack, --interactive, the -v messages, and the
/// terminal-stdin exception to half-close. What an option does on every stream family is tested
/// with the family (TCP on 127.0.0.1 and ::1, unix stream) as a parameter, and the role where
/// it applies to both.
/// </summary>
public sealed class OptionTests
{
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // ---- --crlf ----

    [Theory]
    [MemberData(nameof(Families.InBothRoles), MemberType = typeof(Families))]
    public async Task Crlf_turns_LF_into_CRLF_in_what_is_sent_and_leaves_what_is_received_alone(Family family, Role role)
    {
        await using var session = await Session.OpenAsync(family, role, "--crlf");
        var (nsock, peer) = (session.Nsock, session.Peer);

        // The peer's data first: it must reach stdout byte for byte, lone LFs and CRs included.
        var fromPeer = "x\ny\n\rz\r\n"u8.ToArray();
        await Loopback.SendAllAsync(peer, fromPeer);
        peer.Shutdown(SocketShutdown.Send);
        await nsock.Stdout.WaitForAsync(b => b.Length >= fromPeer.Length, RunningProcess.DefaultWait, "the peer's bytes");

        await nsock.WriteStdinAsync("a\nb\r\nc\n");
        await nsock.CloseStdinAsync();

        Assert.Equal("a\r\nb\r\nc\r\n", Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(peer)));
        await nsock.AssertExitCodeAsync(0);
        Bytes.AssertSame(fromPeer, nsock.Stdout.ToArray(), "stdout under --crlf");
    }

    [Theory]
    [MemberData(nameof(Families.All), MemberType = typeof(Families))]
    public async Task Crlf_does_not_double_a_CRLF_whose_CR_and_LF_arrive_in_separate_stdin_writes(Family family)
    {
        await using var session = await Session.OpenAsync(family, Role.NsockConnects, "--crlf");
        var (nsock, peer) = (session.Nsock, session.Peer);

        await nsock.WriteStdinAsync("line\r");
        // The peer has it: nsock has read and sent the CR on its own before the LF exists.
        Assert.Equal("line\r", Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(peer, 5)));
        await nsock.WriteStdinAsync("\nnext\n");
        await nsock.CloseStdinAsync();

        Assert.Equal("\nnext\r\n", Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(peer)));
        peer.Shutdown(SocketShutdown.Send);
        await nsock.AssertExitCodeAsync(0);
    }

    [Theory]
    [MemberData(nameof(Families.All), MemberType = typeof(Families))]
    public async Task Listen_echo_with_crlf_echoes_CRLF_and_copies_the_original_to_stdout(Family family)
    {
        await using var server = await NsockServer.StartAsync(family, "--echo", "--crlf");
        var nsock = server.Nsock;
        using var client = await server.ConnectAsync();

        await Loopback.SendAllAsync(client, "one\ntwo\r\nthree\n"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal("one\r\ntwo\r\nthree\r\n", Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(client)));
        await nsock.AssertExitCodeAsync(0);
        Assert.Equal("one\ntwo\r\nthree\n", nsock.Stdout.Text);
    }

    // ---- --hex ----

    [Theory]
    [MemberData(nameof(Families.All), MemberType = typeof(Families))]
    public async Task Hex_dumps_both_directions_to_stderr_and_leaves_stdout_raw(Family family)
    {
        await using var session = await Session.OpenAsync(family, Role.NsockConnects, "--hex");
        var (nsock, peer) = (session.Nsock, session.Peer);

        await nsock.WriteStdinAsync("hello");
        Assert.Equal("hello", Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(peer, 5)));
        byte[] fromPeer = [.. "world!"u8, 0x00, 0xff];
        await Loopback.SendAllAsync(peer, fromPeer);
        await nsock.Stdout.WaitForAsync(b => b.Length >= fromPeer.Length, RunningProcess.DefaultWait, "the peer's bytes");

        await nsock.CloseStdinAsync();
        Assert.Empty(await Loopback.ReadToEndAsync(peer));
        peer.Shutdown(SocketShutdown.Send);
        await nsock.AssertExitCodeAsync(0);

        Bytes.AssertSame(fromPeer, nsock.Stdout.ToArray(), "stdout under --hex");
        var lines = nsock.StderrLines;
        Assert.Contains(lines, l => l.StartsWith('>') && l.Contains("68 65 6c 6c 6f") && l.EndsWith("|hello|"));
        Assert.Contains(lines, l => l.StartsWith('<') && l.Contains("77 6f 72 6c 64 21 00 ff") && l.EndsWith("|world!..|"));
        // Nothing but the dump, every line marked with its direction; nothing received shows as sent.
        Assert.All(lines, l => Assert.Matches("^[<>] ", l));
        Assert.DoesNotContain(lines, l => l.StartsWith('>') && l.Contains("77 6f 72"));
        Assert.DoesNotContain(lines, l => l.StartsWith('<') && l.Contains("68 65 6c"));
    }

    // ---- --send-only ----

    [Theory]
    [MemberData(nameof(Families.All), MemberType = typeof(Families))]
    public async Task Send_only_sends_stdin_and_discards_what_the_peer_sends(Family family)
    {
        // --hex shows when nsock has received the peer's bytes, so their absence on stdout means something.
        await using var session = await Session.OpenAsync(family, Role.NsockConnects, "--send-only", "--hex");
        var (nsock, peer) = (session.Nsock, session.Peer);

        await Loopback.SendAllAsync(peer, "from the peer"u8.ToArray());
        await nsock.WaitForStderrAsync(@"^<.*\|from the peer\|$");
        await nsock.WriteStdinAsync("to the peer\n");
        await nsock.CloseStdinAsync();

        Assert.Equal("to the peer\n", Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(peer)));
        await nsock.AssertExitCodeAsync(0);
        Assert.Equal(0, nsock.Stdout.Length);
    }

    [Theory]
    [MemberData(nameof(Families.InBothRoles), MemberType = typeof(Families))]
    public async Task Send_only_ends_at_stdin_EOF_while_the_peer_keeps_its_side_open(Family family, Role role)
    {
        await using var session = await Session.OpenAsync(family, role, "--send-only");
        var (nsock, peer) = (session.Nsock, session.Peer);

        await Loopback.SendAllAsync(peer, "unread\n"u8.ToArray());
        await nsock.WriteStdinAsync("data\n");
        await nsock.CloseStdinAsync();

        // The peer never shuts down or closes until nsock has gone.
        Assert.Equal("data\n", Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(peer)));
        await nsock.AssertExitCodeAsync(0);
        Assert.Equal(0, nsock.Stdout.Length);
    }

    // ---- --recv-only ----

    [Theory]
    [MemberData(nameof(Families.InBothRoles), MemberType = typeof(Families))]
    public async Task Recv_only_never_reads_stdin_nor_half_closes_and_ends_at_the_peers_EOF(Family family, Role role)
    {
        await using var session = await Session.OpenAsync(family, role, "--recv-only");
        var (nsock, peer) = (session.Nsock, session.Peer);

        // Data and EOF on stdin: neither may reach the peer.
        await nsock.WriteStdinAsync("must not be sent\n");
        await nsock.CloseStdinAsync();
        await Loopback.SendAllAsync(peer, "from the peer\n"u8.ToArray());
        await nsock.Stdout.WaitForTextAsync("from the peer\n", RunningProcess.DefaultWait);

        // The wait is the assertion: for half a second the peer can read neither data nor EOF.
        var readable = await Task.Run(() => peer.Poll(TimeSpan.FromMilliseconds(500), SelectMode.SelectRead), Ct);
        Assert.False(readable, "the peer got data or EOF from a --recv-only nsock");
        Assert.False(nsock.HasExited);

        await Loopback.SendAllAsync(peer, "more\n"u8.ToArray());
        peer.Shutdown(SocketShutdown.Send);
        await nsock.AssertExitCodeAsync(0);
        Assert.Equal("from the peer\nmore\n", nsock.Stdout.Text);
        Assert.Empty(await Loopback.ReadToEndAsync(peer));
    }

    // ---- -s/--source ----

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1:{0}")]
    [InlineData("127.0.0.1", ":{0}")]
    [InlineData("::1", "[::1]:{0}")]
    public async Task Source_with_a_port_is_the_port_the_peer_sees(string target, string sourceFormat)
    {
        var address = IPAddress.Parse(target);
        using var listener = Loopback.Listen(address);
        var sourcePort = Loopback.FreePort(address);
        var source = string.Format(System.Globalization.CultureInfo.InvariantCulture, sourceFormat, sourcePort);
        await using var nsock = RunningProcess.Nsock("connect", "-s", source, target, Loopback.PortOf(listener).ToString());
        using var peer = await Loopback.AcceptAsync(listener);

        var seen = (IPEndPoint)peer.RemoteEndPoint!;
        Assert.Equal(sourcePort, seen.Port);
        Assert.Equal(address, seen.Address);
        await Exchange.BothWaysAsync(nsock, peer, "ping\n"u8.ToArray(), "pong\n"u8.ToArray());
    }

    [Theory]
    [InlineData("-s")]
    [InlineData("--source")]
    public async Task Source_address_alone_binds_it_with_any_port(string option)
    {
        using var listener = Loopback.Listen();
        await using var nsock = RunningProcess.Nsock("connect", option, "127.0.0.1", "127.0.0.1", Loopback.PortOf(listener).ToString());
        using var peer = await Loopback.AcceptAsync(listener);

        var seen = (IPEndPoint)peer.RemoteEndPoint!;
        Assert.Equal(IPAddress.Loopback, seen.Address);
        Assert.NotEqual(0, seen.Port);
        await Exchange.BothWaysAsync(nsock, peer, "ping\n"u8.ToArray(), "pong\n"u8.ToArray());
    }

    // ---- -4 / -6 / dual stack ----

    [Fact]
    public async Task Listen_without_host_accepts_IPv4_and_IPv6_clients()
    {
        await using var nsock = RunningProcess.Nsock("listen", "-k", "-v", "0");
        var port = await nsock.WaitForListeningPortAsync();

        using var v4 = await Loopback.ConnectAsync(port, IPAddress.Loopback);
        await Loopback.SendAllAsync(v4, "over v4;"u8.ToArray());
        await nsock.Stdout.WaitForTextAsync("over v4;", RunningProcess.DefaultWait);
        await nsock.WaitForStderrAsync($@"^connection from 127\.0\.0\.1:{Loopback.PortOf(v4)}$");

        using var v6 = await Loopback.ConnectAsync(port, IPAddress.IPv6Loopback);
        await Loopback.SendAllAsync(v6, "over v6;"u8.ToArray());
        await nsock.Stdout.WaitForTextAsync("over v6;", RunningProcess.DefaultWait);
        await nsock.WaitForStderrAsync($@"^connection from \[::1\]:{Loopback.PortOf(v6)}$");

        Assert.Equal("over v4;over v6;", nsock.Stdout.Text);
    }

    [Fact]
    public async Task Listen_without_host_serves_an_IPv6_client_without_keep_open()
    {
        await using var nsock = RunningProcess.Nsock("listen", "-v", "0");
        var port = await nsock.WaitForListeningPortAsync();
        using var peer = await Loopback.ConnectAsync(port, IPAddress.IPv6Loopback);
        await Exchange.BothWaysAsync(nsock, peer, "ping\n"u8.ToArray(), "pong\n"u8.ToArray());
    }

    [Theory]
    [InlineData("-4")]
    [InlineData("--ipv4")]
    public async Task Listen_4_refuses_IPv6_clients_and_serves_IPv4(string option)
    {
        await using var nsock = RunningProcess.Nsock("listen", option, "-v", "0");
        var port = await nsock.WaitForListeningPortAsync();

        var refused = await Assert.ThrowsAsync<SocketException>(async () => (await Loopback.ConnectAsync(port, IPAddress.IPv6Loopback)).Dispose());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        using var peer = await Loopback.ConnectAsync(port, IPAddress.Loopback);
        await Exchange.BothWaysAsync(nsock, peer, "ping\n"u8.ToArray(), "pong\n"u8.ToArray());
    }

    [Theory]
    [InlineData("-6")]
    [InlineData("--ipv6")]
    public async Task Listen_6_refuses_IPv4_clients_and_serves_IPv6(string option)
    {
        await using var nsock = RunningProcess.Nsock("listen", option, "-v", "0");
        var port = await nsock.WaitForListeningPortAsync();

        var refused = await Assert.ThrowsAsync<SocketException>(async () => (await Loopback.ConnectAsync(port, IPAddress.Loopback)).Dispose());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        using var peer = await Loopback.ConnectAsync(port, IPAddress.IPv6Loopback);
        await Exchange.BothWaysAsync(nsock, peer, "ping\n"u8.ToArray(), "pong\n"u8.ToArray());
    }

    [Fact]
    public async Task Connect_localhost_reaches_a_listener_on_its_last_address()
    {
        // Addresses are tried in turn. Where localhost has several (::1 and 127.0.0.1), the
        // listener sits on the last one only, so nsock must get past the refused ones. Where
        // localhost has one address (here /etc/hosts gives 127.0.0.1 alone), this reduces to
        // resolving the name and connecting to that address.
        var addresses = await Dns.GetHostAddressesAsync("localhost", Ct);
        var last = addresses[^1];
        using var listener = Loopback.Listen(last);
        var port = Loopback.PortOf(listener);
        await using var nsock = RunningProcess.Nsock("connect", "-v", "localhost", port.ToString());
        using var peer = await Loopback.AcceptAsync(listener);

        var expected = last.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{last}]:{port}" : $"{last}:{port}";
        await nsock.WaitForStderrAsync($"^connected to {Regex.Escape(expected)}");
        await Exchange.BothWaysAsync(nsock, peer, "ping\n"u8.ToArray(), "pong\n"u8.ToArray());
    }

    // ---- --interactive ----

    [Theory]
    [MemberData(nameof(Families.All), MemberType = typeof(Families))]
    public async Task Interactive_sends_non_empty_lines_until_close_then_ends_without_waiting_for_the_peer(Family family)
    {
        await using var session = await Session.OpenAsync(family, Role.NsockConnects, "--interactive");
        var (nsock, peer) = (session.Nsock, session.Peer);

        await Loopback.SendAllAsync(peer, "greeting\n"u8.ToArray());
        await nsock.Stdout.WaitForTextAsync("greeting\n", RunningProcess.DefaultWait);

        // stdin stays open, and the peer never closes: "close" alone ends the session.
        await nsock.WriteStdinAsync("hello\n\n\nworld\nclose\nnot sent\n");

        Assert.Equal("hello\nworld\n", Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(peer)));
        await nsock.AssertExitCodeAsync(0);
        Assert.Equal("greeting\n", nsock.Stdout.Text);
        Assert.Contains("> ", nsock.Stderr);
    }

    // ---- -v ----

    [Theory]
    [MemberData(nameof(Families.All), MemberType = typeof(Families))]
    public async Task Verbose_connect_says_connected_to_and_the_byte_counts(Family family)
    {
        await using var session = await Session.OpenAsync(family, Role.NsockConnects, "-v");
        var (nsock, peer) = (session.Nsock, session.Peer);
        await nsock.WaitForStderrAsync($"^connected to {Regex.Escape(session.PeerName)}$");

        await nsock.WriteStdinAsync("12345");
        await nsock.CloseStdinAsync();
        Assert.Equal("12345", Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(peer)));
        await Loopback.SendAllAsync(peer, "abcdefghij"u8.ToArray());
        peer.Shutdown(SocketShutdown.Send);

        await nsock.AssertExitCodeAsync(0);
        Assert.Equal("abcdefghij", nsock.Stdout.Text);
        Assert.Contains(nsock.StderrLines, l => l.Contains(session.PeerName) && l.EndsWith("sent 5 bytes, received 10 bytes"));
    }

    [Theory]
    [MemberData(nameof(Families.All), MemberType = typeof(Families))]
    public async Task Verbose_listen_says_connection_from_and_the_byte_counts(Family family)
    {
        await using var session = await Session.OpenAsync(family, Role.NsockListens, "--verbose");
        var (nsock, client) = (session.Nsock, session.Peer);
        await nsock.WaitForStderrAsync($"^connection from {Regex.Escape(session.PeerName)}$");

        await Loopback.SendAllAsync(client, "seven!!"u8.ToArray());
        client.Shutdown(SocketShutdown.Send);
        await nsock.WriteStdinAsync("abc");
        await nsock.CloseStdinAsync();

        Assert.Equal("abc", Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(client)));
        await nsock.AssertExitCodeAsync(0);
        Assert.Equal("seven!!", nsock.Stdout.Text);
        Assert.Contains(nsock.StderrLines, l => l.Contains(session.PeerName) && l.EndsWith("sent 3 bytes, received 7 bytes"));
    }

    [Theory]
    [MemberData(nameof(Families.All), MemberType = typeof(Families))]
    public async Task Verbose_byte_counts_are_of_the_bytes_on_the_wire_under_crlf(Family family)
    {
        await using var session = await Session.OpenAsync(family, Role.NsockConnects, "-v", "--crlf");
        var (nsock, peer) = (session.Nsock, session.Peer);

        await nsock.WriteStdinAsync("a\nb\n");
        await nsock.CloseStdinAsync();
        Assert.Equal("a\r\nb\r\n", Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(peer)));
        peer.Shutdown(SocketShutdown.Send);

        await nsock.AssertExitCodeAsync(0);
        Assert.Contains(nsock.StderrLines, l => l.EndsWith("sent 6 bytes, received 0 bytes"));
    }

    // ---- terminal stdin ----

    [Theory]
    [MemberData(nameof(FamiliesWithTerminalStdout))]
    public async Task Terminal_stdin_session_ends_at_socket_EOF_without_any_typing(Family family, bool stdoutOnTerminalToo)
    {
        using var listener = PeerListener.Open(family);
        await using var nsock = PseudoTerminal.Nsock(stdoutOnTerminalToo, listener.NsockArgs());
        using var peer = await listener.AcceptAsync();

        await Loopback.SendAllAsync(peer, "bye"u8.ToArray());
        var clock = Stopwatch.StartNew();
        peer.Close();

        await nsock.AssertExitCodeAsync(0, Promptly);
        clock.Stop();
        Assert.True(clock.Elapsed < Promptly, $"took {clock.Elapsed.TotalSeconds:0.00} s to end after the peer closed");
        if (stdoutOnTerminalToo)
        {
            Assert.Contains("bye", nsock.Stdout.Text);
        }
        else
        {
            Assert.Equal("bye", nsock.Stdout.Text);
            Assert.Empty(nsock.StderrLines);
        }
    }

    [Theory]
    [MemberData(nameof(Families.All), MemberType = typeof(Families))]
    public async Task Terminal_stdin_typed_lines_reach_the_peer(Family family)
    {
        using var listener = PeerListener.Open(family);
        await using var nsock = PseudoTerminal.Nsock(false, listener.NsockArgs());
        using var peer = await listener.AcceptAsync();

        await nsock.WriteStdinAsync("typed\n");
        Assert.Equal("typed\n", Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(peer, 6)));
        await nsock.WriteStdinAsync("second line\n");
        Assert.Equal("second line\n", Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(peer, 12)));

        await Loopback.SendAllAsync(peer, "bye"u8.ToArray());
        peer.Shutdown(SocketShutdown.Send);

        await nsock.AssertExitCodeAsync(0, Promptly);
        Assert.Equal("bye", nsock.Stdout.Text);
        // The session is over: nsock closed its socket without waiting for more typing.
        Assert.Empty(await Loopback.ReadToEndAsync(peer));
    }

    // ---- helpers ----

    public static TheoryData<Family, bool> FamiliesWithTerminalStdout
    {
        get
        {
            var data = new TheoryData<Family, bool>();
            foreach (var family in Families.Each)
            {
                data.Add(family, false);
                data.Add(family, true);
            }

            return data;
        }
    }
}
