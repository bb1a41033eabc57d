using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Nsock.EndToEnd;

/// <summary>
/// -z: is something there? TCP, UDP and unix probes, lists and ranges, several targets, records on
/// stdout, the exit codes scripts rely on, and --wait for what is not there yet.
/// </summary>
public sealed class ProbeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static JsonElement[] Records(RunningProcess nsock) =>
        [.. nsock.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

    private static int ClosedPort() => Loopback.FreePort(); // bound and released: nobody listens

    [Fact]
    public async Task An_open_port_exits_0_and_its_peer_receives_nothing()
    {
        using var listener = Loopback.Listen();
        await using var nsock = RunningProcess.Nsock("connect", "-z", "127.0.0.1", Loopback.PortOf(listener).ToString());
        await nsock.AssertExitCodeAsync(0);
        Assert.Equal(0, nsock.Stdout.Length);
        Assert.Empty(nsock.StderrLines);

        using var peer = await Loopback.AcceptAsync(listener, Wait);
        Assert.Empty(await Loopback.ReadToEndAsync(peer, Wait)); // a connection, then EOF: zero bytes
    }

    [Fact]
    public async Task A_closed_port_exits_1()
    {
        await using var nsock = RunningProcess.Nsock("connect", "-z", "-v", "127.0.0.1", ClosedPort().ToString());
        await nsock.AssertExitCodeAsync(1);
        Assert.Equal(0, nsock.Stdout.Length);
        Assert.Contains(nsock.StderrLines, l => l.Contains("/tcp closed", StringComparison.Ordinal)); // a single port: its state whatever it is
        Assert.Matches(@"^0 open, 1 closed, 0 timed out in \d+\.\d\d s$", nsock.StderrLines[^1]);
    }

    [Fact]
    public async Task A_list_mixing_open_and_closed_exits_1_and_reports_both()
    {
        using var listener = Loopback.Listen();
        var (open, closed) = (Loopback.PortOf(listener), ClosedPort());
        await using var nsock = RunningProcess.Nsock("connect", "-z", "--format", "json", "127.0.0.1", $"{closed},{open}");
        await nsock.AssertExitCodeAsync(1);
        var records = Records(nsock);
        var expected = new[] { (Math.Min(open, closed), open < closed ? "open" : "closed"), (Math.Max(open, closed), open < closed ? "closed" : "open") };
        Assert.Equal(expected, records.Select(r => (r.GetProperty("port").GetInt32(), r.GetProperty("state").GetString()!)));
        Assert.All(records, r =>
        {
            Assert.Equal("127.0.0.1", r.GetProperty("target").GetString());
            Assert.Equal("127.0.0.1", r.GetProperty("address").GetString());
            Assert.Equal("tcp", r.GetProperty("protocol").GetString());
            Assert.True(r.GetProperty("ms").GetDouble() >= 0);
        });
    }

    [Fact]
    public async Task A_range_finds_exactly_the_listeners_in_port_order()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => Loopback.Listen()).ToList();
        try
        {
            var ports = listeners.Select(Loopback.PortOf).Order().ToArray();
            var (low, high) = (ports[0] - 20, ports[^1] + 20);
            await using var nsock = RunningProcess.Nsock("connect", "-z", "--format", "line", "--open", "127.0.0.1", $"{high}-{low}"); // reversed: read the right way round
            await nsock.AssertExitCodeAsync(1);
            var found = nsock.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToList();
            Assert.Equal(ports, found.Select(f => int.Parse(f[2])));
            Assert.All(found, f => Assert.Equal("open", f[^1]));
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    [Fact]
    public async Task Two_targets_in_one_call_come_out_in_target_order()
    {
        using var v4 = Loopback.Listen();
        using var v6 = Loopback.Listen(IPAddress.IPv6Loopback);
        await using var nsock = RunningProcess.Nsock("connect", "-z", "--format", "json", "::1", Loopback.PortOf(v6).ToString(), "127.0.0.1", Loopback.PortOf(v4).ToString());
        await nsock.AssertExitCodeAsync(0);
        Assert.Equal(
            [("::1", Loopback.PortOf(v6)), ("127.0.0.1", Loopback.PortOf(v4))],
            Records(nsock).Select(r => (r.GetProperty("address").GetString()!, r.GetProperty("port").GetInt32())));
    }

    [Fact]
    public async Task Any_succeeds_when_one_is_open()
    {
        using var listener = Loopback.Listen();
        await using var nsock = RunningProcess.Nsock("connect", "-z", "--any", "127.0.0.1", $"{ClosedPort()},{Loopback.PortOf(listener)}");
        await nsock.AssertExitCodeAsync(0);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_exits_3_at_once()
    {
        var clock = Stopwatch.StartNew();
        await using var nsock = RunningProcess.Nsock("connect", "-z", "-w", "10", "nosuch.invalid", "80");
        await nsock.AssertExitCodeAsync(3);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed.TotalSeconds:0.0} s");
        ErrorLine.AssertSole(nsock, "nosuch.invalid");
    }

    [Fact]
    public async Task A_silent_port_times_out_after_w_and_exits_4()
    {
        using var listener = Loopback.Listen(backlog: 1);
        var port = Loopback.PortOf(listener);
        var queued = new List<Socket>();
        try
        {
            await ExitCodeTests.FillAcceptQueueAsync(port, queued);
            var clock = Stopwatch.StartNew();
            await using var nsock = RunningProcess.Nsock("connect", "-z", "-w", "1", "--format", "line", "127.0.0.1", port.ToString());
            await nsock.AssertExitCodeAsync(4, Wait);
            Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 6);
            Assert.EndsWith(" timed out", nsock.Stdout.Text.TrimEnd('\n'));
        }
        finally
        {
            queued.ForEach(s => s.Dispose());
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("1-")]
    [InlineData("a-b")]
    [InlineData("80,,81")]
    [InlineData("no-such-service-name")]
    [InlineData("-5")]
    public async Task A_bad_port_list_is_a_usage_error_naming_the_token(string ports)
    {
        await using var nsock = RunningProcess.Nsock("connect", "-z", "127.0.0.1", ports);
        await nsock.AssertExitCodeAsync(2);
        ErrorLine.AssertSole(nsock, ports, usage: true);
    }

    [Fact]
    public async Task Service_names_are_ports()
    {
        await using var nsock = RunningProcess.Nsock("connect", "-z", "-w", "1", "--format", "line", "127.0.0.1", "ssh,http,20-21");
        await nsock.WaitForExitAsync(Wait);
        Assert.Equal(["20", "21", "22", "80"], nsock.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[2]));
    }

    [Theory]
    [InlineData("--open needs -z", "connect", "--open", "127.0.0.1", "80")]
    [InlineData("--parallel needs -z", "connect", "--parallel", "4", "127.0.0.1", "80")]
    [InlineData("--send-only does not apply to -z", "connect", "-z", "--send-only", "127.0.0.1", "80")]
    [InlineData("--interactive does not apply to -z", "connect", "-z", "--interactive", "127.0.0.1", "80")]
    [InlineData("--probe-data needs -z", "udp-send", "--probe-data", "x", "127.0.0.1", "9")]
    [InlineData("--timeout needs -z", "unix", "-w", "1", "/nonexistent/s")]
    [InlineData("--zero-io does not go with -l", "unix", "-l", "-z", "/nonexistent/s")]
    public async Task Probe_options_fit_the_mode(string expected, params string[] args)
    {
        await using var nsock = RunningProcess.Nsock(args);
        await nsock.CloseStdinAsync();
        await nsock.AssertExitCodeAsync(2);
        Assert.StartsWith($"nsock: {args[0]}: {expected}", ErrorLine.AssertSole(nsock, null, usage: true));
    }

    [Theory]
    [InlineData("only makes sense with --wait", "connect", "-z", "--closed", "127.0.0.1", "80")]
    [InlineData("keeps only the open ports' records", "connect", "-z", "--open", "127.0.0.1", "80")]
    [InlineData("-z prints line or json records, not hex", "connect", "-z", "--format", "hex", "127.0.0.1", "80")]
    [InlineData("a command after -- runs once a --wait succeeds", "connect", "-z", "127.0.0.1", "80", "--", "true")]
    [InlineData("-z takes HOST PORTS pairs", "connect", "-z", "127.0.0.1", "80", "127.0.0.2")]
    public async Task Probe_settings_that_do_not_go_together_are_usage_errors(string expected, params string[] args)
    {
        await using var nsock = RunningProcess.Nsock(args);
        await nsock.AssertExitCodeAsync(2);
        Assert.Contains(expected, ErrorLine.AssertSole(nsock, null, usage: true), StringComparison.Ordinal);
    }

    // Never more probes in flight than descriptors allow: at ulimit -n 128 a 3000-port range still completes.
    [Fact]
    public async Task A_range_fits_a_small_descriptor_limit()
    {
        using var listener = Loopback.Listen();
        var port = Loopback.PortOf(listener);
        var (low, high) = (Math.Max(1, port - 1500), Math.Min(65535, port + 1500));
        await using var nsock = RunningProcess.NsockAfter("ulimit -n 128", "connect", "-z", "--parallel", "1000", "--format", "line", "--open", "127.0.0.1", $"{low}-{high}");
        await nsock.WaitForExitAsync(Wait);
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
        Assert.Empty(nsock.StderrLines);
        Assert.Contains(nsock.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Split(' ')[2] == port.ToString());
    }

    // ---- UDP ----

    [Fact]
    public async Task Udp_an_answering_peer_is_open_and_a_silent_one_open_filtered()
    {
        using var echo = new UdpPeer(IPAddress.Loopback);
        using var silent = new UdpPeer(IPAddress.Loopback);
        var answering = Task.Run(
            async () =>
            {
                var (data, from) = await echo.ReceiveAsync(Wait);
                await echo.SendToAsync([.. "re:"u8, .. data], from.Port, from.Address);
            },
            TestContext.Current.CancellationToken);
        await using var nsock = RunningProcess.Nsock("udp-send", "-z", "-w", "1", "--format", "json", "--probe-data", "hi", "127.0.0.1", $"{echo.Port},{silent.Port}");
        await nsock.AssertExitCodeAsync(0, Wait);
        await answering;
        var states = Records(nsock).ToDictionary(r => r.GetProperty("port").GetInt32(), r => r.GetProperty("state").GetString());
        Assert.Equal("open", states[echo.Port]);
        Assert.Equal("open|filtered", states[silent.Port]);
        var (probe, _) = await silent.ReceiveAsync(Wait);
        Assert.Equal("hi", Encoding.ASCII.GetString(probe)); // --probe-data, nothing else
    }

    [Fact]
    public async Task Udp_a_closed_port_is_closed_among_open_ones()
    {
        ToolPlatform.Needs(Need.UdpPortUnreachable);
        using var silent = new UdpPeer(IPAddress.Loopback);
        var closed = Loopback.FreePort(type: SocketType.Dgram);
        await using var nsock = RunningProcess.Nsock("udp-send", "-z", "-w", "1", "--format", "json", "127.0.0.1", $"{silent.Port},{closed}");
        await nsock.AssertExitCodeAsync(1, Wait);
        var states = Records(nsock).ToDictionary(r => r.GetProperty("port").GetInt32(), r => r.GetProperty("state").GetString());
        Assert.Equal("open|filtered", states[silent.Port]);
        Assert.Equal("closed", states[closed]);
    }

    [Fact]
    public async Task Udp_open_filtered_is_not_a_failure_and_the_probe_is_empty()
    {
        using var silent = new UdpPeer(IPAddress.Loopback);
        await using var nsock = RunningProcess.Nsock("udp-send", "-z", "-w", "300ms", "127.0.0.1", silent.Port.ToString());
        await nsock.AssertExitCodeAsync(0, Wait);
        var (probe, _) = await silent.ReceiveAsync(Wait);
        Assert.Empty(probe);
    }

    // ---- unix ----

    [Fact]
    public async Task Unix_open_refused_missing_and_not_a_socket()
    {
        ToolPlatform.NeedsUnix();
        using var dir = new UnixTempDir();
        using var live = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        live.Bind(new UnixDomainSocketEndPoint(dir.File("live")));
        live.Listen();
        await Unix.MakeStaleSocketAsync(dir.File("stale"));
        File.WriteAllText(dir.File("file"), "keep me");

        await using var nsock = RunningProcess.Nsock("unix", "-z", "--format", "json", dir.File("live"), dir.File("stale"), dir.File("gone"), dir.File("file"));
        await nsock.AssertExitCodeAsync(1);
        Assert.Equal(["open", "refused", "missing", "not a socket"], Records(nsock).Select(r => r.GetProperty("state").GetString()));
        Assert.Equal("keep me", File.ReadAllText(dir.File("file")));
    }

    [Fact]
    public async Task Unix_an_abstract_name()
    {
        ToolPlatform.NeedsUnix(abstractName: true);
        var name = "nsock-probe-" + Guid.NewGuid().ToString("N");
        using var live = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        live.Bind(new UnixDomainSocketEndPoint("\0" + name));
        live.Listen();
        await using var nsock = RunningProcess.Nsock("unix", "-z", "--format", "line", "@" + name, "@" + name + "-nobody");
        await nsock.AssertExitCodeAsync(1);
        Assert.Equal(["open", "missing"], nsock.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[^1]));
    }

    // ---- --wait ----

    [Fact]
    public async Task Wait_returns_soon_after_a_listener_appears()
    {
        var port = Loopback.FreePort();
        await using var nsock = RunningProcess.Nsock("connect", "-z", "--wait", "10", "--format", "line", "127.0.0.1", port.ToString());
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken); // the scenario: the server comes up a second later
        Assert.False(nsock.HasExited);
        using var listener = Loopback.Listen(port: port);
        var appeared = Stopwatch.StartNew();
        // Timed to the record nsock prints, not to its exit: a process's end is the platform's
        // (under Wine it took 1.1 s once while the suite ran), noticing the port is nsock's.
        await nsock.Stdout.WaitForAsync(bytes => System.Text.Encoding.UTF8.GetString(bytes).Contains(" open"), Wait, "the open record");
        var noticed = appeared.Elapsed;
        await nsock.AssertExitCodeAsync(0, Wait);
        Assert.True(noticed < TimeSpan.FromSeconds(1), $"noticed after {noticed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Wait_without_a_listener_exits_4_at_the_deadline_naming_what_is_missing()
    {
        var port = Loopback.FreePort();
        var clock = Stopwatch.StartNew();
        await using var nsock = RunningProcess.Nsock("connect", "-z", "--wait", "1500ms", "127.0.0.1", port.ToString());
        await nsock.AssertExitCodeAsync(4, Wait);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.5), $"gave up after {clock.Elapsed.TotalSeconds:0.00} s");
        Assert.Contains($"127.0.0.1 {port}/tcp", ErrorLine.AssertSole(nsock, "wait"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_closed_returns_soon_after_the_listener_closes()
    {
        var listener = Loopback.Listen();
        var port = Loopback.PortOf(listener);
        await using var nsock = RunningProcess.Nsock("connect", "-z", "--wait", "10", "--closed", "127.0.0.1", port.ToString());
        using (await Loopback.AcceptAsync(listener, Wait))
        {
            // nsock's probe: it has seen the port open, and waits on.
        }

        Assert.False(nsock.HasExited);
        listener.Dispose();
        var closed = Stopwatch.StartNew();
        await nsock.AssertExitCodeAsync(0, Wait);
        Assert.True(closed.Elapsed < TimeSpan.FromSeconds(1), $"noticed after {closed.Elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task After_a_successful_wait_the_command_runs_and_gives_the_exit_code()
    {
        using var listener = Loopback.Listen();
        // The command is the platform's own: a POSIX shell, or cmd.exe for the Windows build.
        string[] command = ToolPlatform.IsWindowsBuild ? ["cmd", "/c", "echo ran& exit 7"] : ["sh", "-c", "echo ran; exit 7"];
        await using var nsock = RunningProcess.Nsock(["connect", "-z", "--wait", "5", "127.0.0.1", Loopback.PortOf(listener).ToString(), "--", .. command]);
        await nsock.AssertExitCodeAsync(7);
        Assert.Equal(ToolPlatform.IsWindowsBuild ? "ran\r\n" : "ran\n", nsock.Stdout.Text);
    }

    // In a network namespace of its own, the only listeners are the test's: the scan must find exactly them.
    [Fact]
    public async Task Full_range_scan_finds_exactly_the_listeners()
    {
        ToolPlatform.Needs(Need.NetworkNamespace);
        using var dir = new UnixTempDir();
        // python3 opens the listeners, then runs the scan itself while they listen.
        const string Script = """
            ip link set lo up || exit 90
            exec python3 -c '
            import socket, subprocess, sys
            ls = []
            for _ in range(4):
                s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); ls.append(s)
            open(sys.argv[1], "w").write(" ".join(str(s.getsockname()[1]) for s in ls))
            sys.exit(subprocess.call([sys.argv[2], "connect", "-z", "--format", "json", "--open", "127.0.0.1", "1-65535"]))' "$1/ports" "$2"
            """;
        await using var scan = RunningProcess.Start("unshare", ["-n", "sh", "-c", Script, "sh", dir.FullName, NsockTool.Path]);
        var code = await scan.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(code == 1, $"exit {code} (1: the closed ports); stderr:\n{scan.Stderr}");
        var opened = File.ReadAllText(dir.File("ports")).Split(' ').Select(int.Parse).Order().ToArray();
        Assert.Equal(opened, Records(scan).Select(r => r.GetProperty("port").GetInt32()));
    }
}
