using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nsock.EndToEnd;

/// <summary>
/// The command line a netcat user types: getopt-style flags and bundles, typos that never become
/// data, <c>--</c>, durations with units, the last of a repeated option winning, and netcat's
/// letters that mean the same here.
/// </summary>
public sealed class CommandLineTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    // Flags take no value, bundles work as getopt's do, a value may be glued: each server gets as far as listening.
    [Theory]
    [InlineData("listen", "-lvnp", "0")]
    [InlineData("listen", "-lkv", "127.0.0.1", "0")]
    [InlineData("listen", "-kv", "127.0.0.1", "0")]
    [InlineData("listen", "-4kv", "127.0.0.1", "0")]
    [InlineData("listen", "-vi2s", "127.0.0.1", "0")]
    [InlineData("listen", "-v", "-p", "0", "127.0.0.1")]
    [InlineData("listen", "-vp0")]
    [InlineData("udp-recv", "-vc1", "127.0.0.1", "0")]
    [InlineData("udp-recv", "-lvnp", "0")]
    public async Task Bundled_and_glued_short_options_are_read_as_getopt_reads_them(params string[] args)
    {
        await using var nsock = RunningProcess.Nsock(args);
        await nsock.WaitForStderrAsync("^listening on ", Wait);
        ToolPlatform.Needs(Need.PosixSignals); // the end is by SIGTERM; all before it is checked everywhere
        nsock.Signal(Signals.SigTerm);
        Assert.Equal(143, await nsock.WaitForExitAsync(Wait));
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    [Fact]
    public async Task A_flag_never_takes_the_next_word_as_its_value()
    {
        // "-v true 0": -v, then HOST "true" and PORT 0; with -n a name is refused, which shows "true" was read as HOST.
        await using var nsock = RunningProcess.Nsock("listen", "-n", "-v", "true", "0");
        await nsock.AssertExitCodeAsync(2);
        ErrorLine.AssertSole(nsock, "true", usage: true);
    }

    // Each names the option at fault (never the host, port or path after it) and says what was meant.
    [Theory]
    [InlineData("unknown option '-x' in '-lkx'", "listen", "-lkx", "0")]
    [InlineData("unknown option '-keep-open'; did you mean '--keep-open'?", "listen", "-keep-open", "9500")]
    [InlineData("unknown option '-verbose'; did you mean '--verbose'?", "connect", "-verbose", "127.0.0.1", "8080")]
    [InlineData("unknown option '-U' in '-lU': unix sockets have their own command", "unix", "-lU", "%D/s")]
    [InlineData("unknown option '--wiat'; did you mean '--wait'?", "udp-send", "127.0.0.1", "9", "ping", "--wiat", "2")]
    [InlineData("unknown option '--line'; did you mean '--lines'?", "udp-send", "127.0.0.1", "9", "--line")]
    [InlineData("unknown option '-h' in '-hello': help is -h on its own, or --help", "udp-send", "127.0.0.1", "9", "-hello")]
    [InlineData("unknown option '--helpme'", "connect", "--helpme", "127.0.0.1", "9")]
    [InlineData("unknown option '-u': UDP has its own commands: 'nsock udp-send HOST PORT' and 'nsock udp-recv PORT'", "connect", "-u", "127.0.0.1", "9")]
    [InlineData("unknown option '-e': nsock does not run a program per connection", "listen", "-e", "/bin/sh", "0")]
    [InlineData("unknown option '--exec': nsock does not run a program per connection", "listen", "-k", "--exec", "/bin/cat", "0")]
    [InlineData("--verbose takes no value, not 'yes'", "listen", "--verbose=yes", "0")]
    [InlineData("-w needs a value (DURATION)", "connect", "127.0.0.1", "9", "-w")]
    public async Task An_unknown_or_misused_option_is_a_usage_error_that_names_it(string expected, params string[] args)
    {
        using var dir = new UnixTempDir();
        await using var nsock = RunningProcess.Nsock([.. args.Select(a => a.Replace("%D", dir.FullName, StringComparison.Ordinal))]);
        await nsock.CloseStdinAsync();
        await nsock.AssertExitCodeAsync(2);
        var line = ErrorLine.AssertSole(nsock, null, usage: true);
        Assert.StartsWith($"nsock: {args[0]}: {expected}", line);
        Assert.Equal($"see 'nsock {args[0]} --help'", nsock.StderrLines[^1]);
        Assert.Empty(dir.Entries());
    }

    // What the issue found sent as data: now refused, and not one datagram leaves.
    [Theory]
    [InlineData("-hello")]
    [InlineData("ping", "--wiat", "2")]
    [InlineData("--line")]
    [InlineData("ping", "-x")]
    public async Task A_typo_among_udp_send_texts_sends_nothing(params string[] texts)
    {
        using var peer = new UdpPeer(IPAddress.Loopback);
        await using var nsock = RunningProcess.Nsock(["udp-send", "127.0.0.1", peer.Port.ToString(), .. texts]);
        await nsock.WriteStdinAsync("hi\n");
        await nsock.CloseStdinAsync();
        await nsock.AssertExitCodeAsync(2);

        // A marker sent after nsock has exited must be the first datagram the peer sees.
        await peer.SendToAsync("marker"u8.ToArray(), peer.Port, IPAddress.Loopback);
        var (data, _) = await peer.ReceiveAsync(Wait);
        Assert.Equal("marker", Encoding.UTF8.GetString(data));
    }

    // After --, and for a negative number, a TEXT starting with '-' is data.
    [Theory]
    [InlineData(new[] { "--", "--line", "-x" }, new[] { "--line", "-x" })]
    [InlineData(new[] { "-5", "-1.5" }, new[] { "-5", "-1.5" })]
    [InlineData(new[] { "a", "--", "-" }, new[] { "a", "-" })]
    public async Task Texts_after_double_dash_and_negative_numbers_are_sent_as_data(string[] args, string[] sent)
    {
        using var peer = new UdpPeer(IPAddress.Loopback);
        await using var nsock = RunningProcess.Nsock(["udp-send", "127.0.0.1", peer.Port.ToString(), .. args]);
        await nsock.CloseStdinAsync();
        await nsock.AssertExitCodeAsync(0);
        foreach (var text in sent)
        {
            var (data, _) = await peer.ReceiveAsync(Wait);
            Assert.Equal(text, Encoding.UTF8.GetString(data));
        }
    }

    [Fact]
    public async Task Double_dash_ends_options_for_a_unix_path()
    {
        ToolPlatform.NeedsUnix();
        using var dir = new UnixTempDir();
        await using var nsock = RunningProcess.NsockAfter($"cd '{dir.FullName}'", "unix", "-l", "-v", "--", "-weird.sock");
        await nsock.WaitForStderrAsync("^listening on .*-weird\\.sock", Wait);
        Assert.Equal(["-weird.sock"], dir.Entries());
        ToolPlatform.Needs(Need.PosixSignals); // the end is by SIGTERM; all before it is checked everywhere
        nsock.Signal(Signals.SigTerm);
        Assert.Equal(143, await nsock.WaitForExitAsync(Wait));
        Assert.Empty(dir.Entries());
    }

    // The last of a repeated single-value option wins: -c 5 -c 1 exits after one datagram.
    [Fact]
    public async Task The_last_of_a_repeated_option_wins()
    {
        await using var nsock = RunningProcess.Nsock("udp-recv", "-v", "-c", "5", "-c", "1", "-i", "1", "-i", "30", "127.0.0.1", "0");
        var port = await nsock.WaitForListeningPortAsync(Wait);
        using var peer = new UdpPeer(IPAddress.Loopback);
        await peer.SendToAsync("one"u8.ToArray(), port, IPAddress.Loopback);
        await nsock.AssertExitCodeAsync(0);
        Assert.Equal("one", Encoding.UTF8.GetString(nsock.Stdout.ToArray()));
    }

    [Fact]
    public async Task Connect_takes_the_timeout_twice_and_uses_the_last()
    {
        using var listener = Loopback.Listen();
        await using var nsock = RunningProcess.Nsock("connect", "-w", "1", "-w", "5", "127.0.0.1", Loopback.PortOf(listener).ToString());
        using var peer = await Loopback.AcceptAsync(listener, Wait);
        await nsock.CloseStdinAsync();
        peer.Shutdown(SocketShutdown.Send);
        await nsock.AssertExitCodeAsync(0);
    }

    // Durations with units wherever a duration is taken; the limits stated when crossed.
    [Theory]
    [InlineData("500ms")]
    [InlineData("0.5")]
    [InlineData("0.5s")]
    public async Task An_idle_timeout_takes_units(string duration)
    {
        await using var nsock = RunningProcess.Nsock("udp-recv", "-i", duration, "127.0.0.1", "0");
        await nsock.AssertExitCodeAsync(4, TimeSpan.FromSeconds(10));
        ErrorLine.AssertSole(nsock, null);
        Assert.Contains("idle for 0.5 s", nsock.StderrLines[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1m")]
    [InlineData("2h")]
    [InlineData("2147483")]
    public async Task Long_durations_within_the_limit_are_taken(string duration)
    {
        await using var nsock = RunningProcess.Nsock("listen", "-v", "-i", duration, "127.0.0.1", "0");
        await nsock.WaitForStderrAsync("^listening on ", Wait);
        ToolPlatform.Needs(Need.PosixSignals); // the end is by SIGTERM; all before it is checked everywhere
        nsock.Signal(Signals.SigTerm);
        Assert.Equal(143, await nsock.WaitForExitAsync(Wait));
    }

    [Theory]
    [InlineData("-i", "2x", "takes a duration such as 1.5, 500ms, 2s or 1m, not '2x'")]
    [InlineData("-i", "0.0001", "takes at least 1ms, not '0.0001'")]
    [InlineData("-i", "3000000", "takes at most 2147483s (24 days), not '3000000'")]
    [InlineData("-i", "600h", "takes at most 2147483s (24 days), not '600h'")]
    [InlineData("-q", "-1", "takes a duration such as 1.5, 500ms, 2s or 1m, not '-1'")]
    public async Task A_bad_duration_is_a_usage_error_stating_the_limit(string option, string value, string expected)
    {
        await using var nsock = RunningProcess.Nsock("listen", option, value, "127.0.0.1", "0");
        await nsock.AssertExitCodeAsync(2);
        var line = ErrorLine.AssertSole(nsock, null, usage: true);
        Assert.EndsWith(expected, line);
    }

    // nc -C: LF becomes CRLF in what is sent.
    [Fact]
    public async Task Netcat_C_sends_CRLF()
    {
        using var listener = Loopback.Listen();
        await using var nsock = RunningProcess.Nsock("connect", "-C", "127.0.0.1", Loopback.PortOf(listener).ToString());
        using var peer = await Loopback.AcceptAsync(listener, Wait);
        await nsock.WriteStdinAsync("GET / HTTP/1.0\n\n");
        await nsock.CloseStdinAsync();
        Assert.Equal("GET / HTTP/1.0\r\n\r\n", Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(peer, Wait)));
        peer.Shutdown(SocketShutdown.Send);
        await nsock.AssertExitCodeAsync(0);
    }

    // nc -d: stdin is never read; what arrives is printed.
    [Fact]
    public async Task Netcat_d_reads_no_stdin()
    {
        using var listener = Loopback.Listen();
        await using var nsock = RunningProcess.Nsock("connect", "-d", "127.0.0.1", Loopback.PortOf(listener).ToString());
        using var peer = await Loopback.AcceptAsync(listener, Wait);
        await nsock.WriteStdinAsync("never sent\n");
        await Loopback.SendAllAsync(peer, "from peer\n"u8.ToArray());
        peer.Shutdown(SocketShutdown.Send);
        await nsock.AssertExitCodeAsync(0);
        Assert.Equal("from peer\n", Encoding.ASCII.GetString(nsock.Stdout.ToArray()));
        Assert.Empty(await Loopback.ReadToEndAsync(peer, Wait));
    }

    // nc -n: a name is refused before any lookup; an address is fine.
    [Theory]
    [InlineData("connect", "-n", "localhost", "9")]
    [InlineData("connect", "-n", "-s", "localhost", "127.0.0.1", "9")]
    [InlineData("udp-send", "-n", "localhost", "9", "x")]
    [InlineData("listen", "-n", "localhost", "0")]
    public async Task Netcat_n_refuses_names(params string[] args)
    {
        await using var nsock = RunningProcess.Nsock(args);
        await nsock.CloseStdinAsync();
        await nsock.AssertExitCodeAsync(2);
        var line = ErrorLine.AssertSole(nsock, "localhost", usage: true);
        Assert.Contains("-n takes numeric addresses only", line, StringComparison.Ordinal);
    }

    // nc -q: after stdin ends, the peer gets at most that long; then exit 0 (the banner grab
    // against a server that never closes). nc -w does the same for connect, counting silence.
    [Theory]
    [InlineData("-q", "1")]
    [InlineData("-q1")]
    [InlineData("-w", "1")]
    [InlineData("-q", "300ms")]
    public async Task After_stdin_ends_a_server_that_stays_open_is_waited_for_only_so_long(params string[] wait)
    {
        using var listener = Loopback.Listen();
        await using var nsock = RunningProcess.Nsock(["connect", .. wait, "127.0.0.1", Loopback.PortOf(listener).ToString()]);
        using var peer = await Loopback.AcceptAsync(listener, Wait);
        await nsock.WriteStdinAsync("hi\n");
        await nsock.CloseStdinAsync();
        Assert.Equal("hi\n", Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(peer, Wait)));
        await Loopback.SendAllAsync(peer, "banner\n"u8.ToArray());

        await nsock.AssertExitCodeAsync(0, TimeSpan.FromSeconds(10));
        Assert.Equal("banner\n", Encoding.ASCII.GetString(nsock.Stdout.ToArray()));
        ErrorLine.AssertNone(nsock);
    }

    // -q is a limit, not a delay: a peer that closes at once ends the session at once.
    [Fact]
    public async Task Quit_after_does_not_delay_a_peer_that_closes()
    {
        using var listener = Loopback.Listen();
        await using var nsock = RunningProcess.Nsock("connect", "-q", "1h", "127.0.0.1", Loopback.PortOf(listener).ToString());
        using var peer = await Loopback.AcceptAsync(listener, Wait);
        await nsock.CloseStdinAsync();
        Assert.Empty(await Loopback.ReadToEndAsync(peer, Wait));
        peer.Shutdown(SocketShutdown.Send);
        await nsock.AssertExitCodeAsync(0, TimeSpan.FromSeconds(10));
    }

    // nc -N is accepted (nsock always half-closes); nc -p is the local port.
    [Fact]
    public async Task Netcat_s_and_p_choose_the_local_address_and_port_and_N_is_accepted()
    {
        using var listener = Loopback.Listen();
        var localPort = Loopback.FreePort();
        await using var nsock = RunningProcess.Nsock("connect", "-N", "-s", "127.0.0.1", "-p", localPort.ToString(), "127.0.0.1", Loopback.PortOf(listener).ToString());
        using var peer = await Loopback.AcceptAsync(listener, Wait);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, localPort), peer.RemoteEndPoint);
        await nsock.CloseStdinAsync();
        Assert.Empty(await Loopback.ReadToEndAsync(peer, Wait)); // stdin's end arrived as a FIN
        peer.Shutdown(SocketShutdown.Send);
        await nsock.AssertExitCodeAsync(0);
    }

    [Fact]
    public async Task The_local_port_given_twice_is_a_usage_error()
    {
        await using var nsock = RunningProcess.Nsock("connect", "-s", "127.0.0.1:4000", "-p", "4001", "127.0.0.1", "9");
        await nsock.AssertExitCodeAsync(2);
        Assert.Contains("the local port is given twice", ErrorLine.AssertSole(nsock, "-p", usage: true), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listen_with_p_and_a_port_operand_is_a_usage_error()
    {
        await using var nsock = RunningProcess.Nsock("listen", "-p", "0", "127.0.0.1", "0");
        await nsock.AssertExitCodeAsync(2);
        Assert.Contains("the port is given twice", ErrorLine.AssertSole(nsock, "-p", usage: true), StringComparison.Ordinal);
    }
}
