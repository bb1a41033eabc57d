using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Nsock.EndToEnd;

/// <summary>
/// nsock started in a broken world: fd 0, 1 or 2 closed, stdout on a full disk, a peer that resets
/// mid-transfer, a closed terminal (SIGHUP) and the other signals whose default kills. Each ends
/// the way SPEC.md says, with at most one error line, never a stack trace, files removed.
/// </summary>
public sealed class FaultTests
{
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(1.5);

    // `exec` with a redirection: nsock starts with that descriptor closed, as from a careless script.
    private static RunningProcess StartWith(string redirection, string tool, params string[] args) =>
        RunningProcess.Start("bash", ["-c", $"exec \"$0\" \"$@\" {redirection}", tool, .. args]);

    [Theory]
    [InlineData(NsockBuild.FrameworkDependent)]
    [InlineData(NsockBuild.Aot)]
    public async Task Closed_stdin_is_empty_input_and_signals_still_work(NsockBuild build)
    {
        ToolPlatform.Needs(Need.PosixDescriptors, Need.PosixSignals);
        await using var server = await NsockServer.StartAsync(Family.Tcp4, ["-k"], args => StartWith("<&-", NsockTool.PathOf(build), args));
        var nsock = server.Nsock;

        // Empty stdin: the client gets nsock's EOF at once, and what it sends arrives.
        using (var client = await server.ConnectAsync())
        {
            await Loopback.SendAllAsync(client, "to stdout\n"u8.ToArray());
            Assert.Empty(await Loopback.ReadToEndAsync(client));
        }

        await nsock.Stdout.WaitForTextAsync("to stdout\n", RunningProcess.DefaultWait);

        // The runtime's signal pipe took fd 0: it must not be read as stdin, and SIGTERM must work.
        var clock = Stopwatch.StartNew();
        nsock.Signal(Signals.SigTerm);
        await nsock.AssertExitCodeAsync(143, TimeSpan.FromSeconds(5));
        Assert.True(clock.Elapsed < Promptly, $"took {clock.Elapsed.TotalSeconds:0.00} s to end after SIGTERM");
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    [Theory]
    [InlineData(NsockBuild.FrameworkDependent)]
    [InlineData(NsockBuild.Aot)]
    public async Task Closed_stdout_counts_as_gone_and_a_half_close_keeps_signals_working(NsockBuild build)
    {
        ToolPlatform.Needs(Need.PosixDescriptors, Need.PosixSignals);
        // stdin stays open (the test's pipe); the peer half-closes without sending.
        await using var server = await NsockServer.StartAsync(Family.Tcp4, [], args => StartWith(">&-", NsockTool.PathOf(build), args));
        var nsock = server.Nsock;
        using var client = await server.ConnectAsync();
        client.Shutdown(SocketShutdown.Send);
        await nsock.WriteStdinAsync("still sending\n");
        Assert.Equal("still sending\n", Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(client, 14)));

        // nsock shows no sign of having handled the peer's EOF. Releasing stdout there used to
        // point /dev/null at every descriptor sharing fd 1's pipe, the runtime's own among them:
        // give that (bounded) time to happen, or see it happen, before the signal.
        await Unix.PollAsync(() => new FileInfo($"/proc/{nsock.ProcessId}/fd/1").LinkTarget == "/dev/null", TimeSpan.FromSeconds(0.5));

        var clock = Stopwatch.StartNew();
        nsock.Signal(Signals.SigTerm);
        await nsock.AssertExitCodeAsync(143, TimeSpan.FromSeconds(5));
        Assert.True(clock.Elapsed < Promptly, $"took {clock.Elapsed.TotalSeconds:0.00} s to end after SIGTERM");
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    [Fact]
    public async Task Closed_stdout_ends_the_session_quietly_when_data_arrives()
    {
        await using var server = await NsockServer.StartAsync(Family.Tcp4, [], args => StartWith(">&-", NsockTool.Path, args));
        var nsock = server.Nsock;
        using var client = await server.ConnectAsync();
        await Loopback.SendAllAsync(client, "nobody reads this\n"u8.ToArray());

        await nsock.AssertExitCodeAsync(0);
        ErrorLine.AssertNone(nsock);
    }

    [Theory]
    [InlineData(NsockBuild.FrameworkDependent)]
    [InlineData(NsockBuild.Aot)]
    public async Task Closed_stderr_is_silence_not_a_crash(NsockBuild build)
    {
        ToolPlatform.Needs(Need.PosixDescriptors);
        var port = Loopback.FreePort().ToString();
        await using (var failing = StartWith("2>&-", NsockTool.PathOf(build), "connect", "-v", "127.0.0.1", port))
        {
            await failing.AssertExitCodeAsync(1);
        }

        await using var usage = StartWith("2>&-", NsockTool.PathOf(build), "connect", "--bogus", "127.0.0.1", "1");
        await usage.AssertExitCodeAsync(2);
        Assert.Equal(0, usage.Stdout.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stdout_on_a_full_disk_is_an_error_not_a_success(bool keepOpen)
    {
        ToolPlatform.Needs(Need.PosixDescriptors);
        await using var server = await NsockServer.StartAsync(Family.Tcp4, keepOpen ? ["-k"] : [], args => StartWith(">/dev/full", NsockTool.Path, args));
        var nsock = server.Nsock;
        using var client = await server.ConnectAsync();
        await Loopback.SendAllAsync(client, "hello\n"u8.ToArray());

        await nsock.AssertExitCodeAsync(1);
        var errors = nsock.StderrLines.Where(l => l.StartsWith("nsock: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["nsock: stdout: no space left on device"], errors);
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    [Fact]
    public async Task Udp_recv_to_a_full_disk_is_an_error()
    {
        ToolPlatform.Needs(Need.PosixDescriptors);
        await using var nsock = StartWith(">/dev/full", NsockTool.Path, "udp-recv", "-v", "127.0.0.1", "0");
        var port = await nsock.WaitForListeningPortAsync();
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await sender.SendToAsync("hello"u8.ToArray(), SocketFlags.None, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));

        await nsock.AssertExitCodeAsync(1);
        Assert.Contains("nsock: stdout: no space left on device", nsock.StderrLines);
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    [Fact]
    public async Task A_peer_reset_while_nsock_sends_is_one_error_line()
    {
        using var listener = Loopback.Listen();
        // Far more than the socket buffers hold: nsock is mid-send when the reset comes.
        var big = Path.Combine(Path.GetTempPath(), $"nsock-big-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(big, new byte[64 * 1024 * 1024], TestContext.Current.CancellationToken);
        try
        {
            await using var nsock = StartWith($"<{big}", NsockTool.Path, "connect", "127.0.0.1", Loopback.PortOf(listener).ToString());
            using (var peer = await Loopback.AcceptAsync(listener))
            {
                await Loopback.ReadExactlyAsync(peer, 1024 * 1024);
                peer.LingerState = new LingerOption(true, 0); // close with RST
            }

            await nsock.AssertExitCodeAsync(1);
            var line = ErrorLine.AssertSole(nsock, "127.0.0.1:" + Loopback.PortOf(listener));
            Assert.Matches("connection reset by peer|broken pipe", line);
        }
        finally
        {
            File.Delete(big);
        }
    }

    [Fact]
    public async Task A_peer_reset_while_nsock_receives_keeps_what_arrived_and_is_one_error_line()
    {
        ToolPlatform.Needs(Need.ResetSeenWhenNotReceiving); // the reset comes while nsock writes "first part" to stdout
        using var listener = Loopback.Listen();
        await using var nsock = RunningProcess.Nsock("connect", "127.0.0.1", Loopback.PortOf(listener).ToString());
        using (var peer = await Loopback.AcceptAsync(listener))
        {
            await Loopback.SendAllAsync(peer, "first part\n"u8.ToArray());
            await nsock.Stdout.WaitForTextAsync("first part\n", RunningProcess.DefaultWait);
            peer.LingerState = new LingerOption(true, 0);
        }

        await nsock.AssertExitCodeAsync(1);
        Assert.Equal("first part\n", nsock.Stdout.Text);
        var lines = nsock.StderrLines;
        ErrorLine.AssertNoStackTrace(lines);
        Assert.Equal(["nsock: 127.0.0.1:" + Loopback.PortOf(listener) + ": connection reset by peer"], lines);
    }

    [Theory]
    [InlineData(Signals.SigHup, 129)]
    [InlineData(Signals.SigQuit, 131)]
    [InlineData(Signals.SigUsr1, 138)]
    public async Task Every_catchable_killing_signal_ends_cleanly_and_removes_the_socket_file(int signal, int expected)
    {
        ToolPlatform.NeedsUnix();
        ToolPlatform.NeedsSignal(signal);
        using var dir = new UnixTempDir();
        var path = dir.File("s");
        await using var nsock = RunningProcess.NsockInterruptible("unix", "-l", "-k", "-v", path);
        await Unix.WaitForListeningAsync(nsock, path);

        var clock = Stopwatch.StartNew();
        nsock.Signal(signal);
        await nsock.AssertExitCodeAsync(expected, TimeSpan.FromSeconds(5));
        Assert.True(clock.Elapsed < Promptly, $"took {clock.Elapsed.TotalSeconds:0.00} s to end after signal {signal}");
        await Unix.AssertGoneAsync(path);
        Assert.Empty(dir.Entries());
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    [Fact]
    public async Task The_runtimes_diagnostic_port_is_neither_reachable_nor_left_behind()
    {
        ToolPlatform.NeedsUnix();
        ToolPlatform.Needs(Need.PosixSignals);
        // The framework-dependent runtime makes its diagnostic port and debugger pipes in $TMPDIR at start.
        using var tmp = new UnixTempDir();
        await using var nsock = RunningProcess.Start(NsockTool.Path, ["unix", "-l", "-v", tmp.File("s")], environment: new Dictionary<string, string?> { ["TMPDIR"] = tmp.FullName });
        await Unix.WaitForListeningAsync(nsock, tmp.File("s"));
        Assert.Equal(["s"], tmp.Entries());

        nsock.Signal(Signals.SigTerm);
        await nsock.AssertExitCodeAsync(143, TimeSpan.FromSeconds(5));
        Assert.Empty(tmp.Entries());
    }

    [Fact]
    public async Task With_one_byte_buffers_both_directions_move_at_once()
    {
        // A pump whose every read and send completes at once must not keep the socket event
        // thread from the other direction.
        using var dir = new UnixTempDir();
        var input = dir.File("in");
        var output = dir.File("out");
        await File.WriteAllBytesAsync(input, new byte[8 * 1024 * 1024], TestContext.Current.CancellationToken);
        await using var server = await NsockServer.StartAsync(Family.Tcp4, ["--buffer-size", "1"], args => StartWith($"<{input} >{output}", NsockTool.Path, args));
        using var peer = await server.ConnectAsync();
        using var stop = new CancellationTokenSource();
        var received = 0L;
        var reading = Task.Run(
            async () =>
            {
                var buffer = new byte[65536];
                int n;
                while ((n = await peer.ReceiveAsync(buffer, SocketFlags.None, stop.Token)) > 0)
                {
                    Interlocked.Add(ref received, n);
                }
            },
            TestContext.Current.CancellationToken);
        var sending = Task.Run(
            async () =>
            {
                var chunk = new byte[65536];
                while (!stop.IsCancellationRequested)
                {
                    await peer.SendAsync(chunk, SocketFlags.None, stop.Token);
                }
            },
            TestContext.Current.CancellationToken);

        // Under Wine every 1-byte read and send costs about a millisecond: both directions still move, more slowly.
        var enough = ToolPlatform.UnderWine ? 8 * 1024 : 32 * 1024;
        var bothMoved = await Unix.PollAsync(() => Interlocked.Read(ref received) >= enough && new FileInfo(output).Length >= enough, TimeSpan.FromSeconds(20));
        var (toPeer, toStdout) = (Interlocked.Read(ref received), new FileInfo(output).Length);
        await stop.CancelAsync();
        await Task.WhenAll(reading, sending).ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.True(bothMoved, $"in 20 s nsock sent {toPeer} bytes to the peer and wrote {toStdout} bytes of what it received");
    }
}
