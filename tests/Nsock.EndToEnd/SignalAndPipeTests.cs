using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Nsock.EndToEnd;

/// <summary>
/// SIGINT/SIGTERM end nsock within a second with 130/143, idle or mid-session; a reader that
/// goes away (<c>| head -c 10</c>) ends it with 0 and not a word on stderr.
/// </summary>
public sealed class SignalAndPipeTests
{
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(1.5);

    [Theory]
    [InlineData(Signals.SigTerm, 143)]
    [InlineData(Signals.SigInt, 130)]
    public async Task Signal_ends_a_listening_nsock_promptly(int signal, int expectedCode)
    {
        ToolPlatform.NeedsSignal(signal);
        string[] args = ["listen", "-v", "127.0.0.1", "0"];
        await using var nsock = signal == Signals.SigInt ? RunningProcess.NsockInterruptible(args) : RunningProcess.Nsock(args);
        var port = await nsock.WaitForListeningPortAsync();

        var clock = Stopwatch.StartNew();
        nsock.Signal(signal);
        var code = await nsock.WaitForExitAsync(TimeSpan.FromSeconds(10));
        clock.Stop();

        Assert.Equal(expectedCode, code);
        Assert.True(clock.Elapsed < Promptly, $"took {clock.Elapsed.TotalSeconds:0.00} s to end after signal {signal}");
        Assert.Equal(0, nsock.Stdout.Length);
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);

        // The listening socket is gone with it.
        var refused = await Assert.ThrowsAsync<SocketException>(() => Loopback.ConnectAsync(port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Theory]
    [InlineData(Signals.SigTerm, 143)]
    [InlineData(Signals.SigInt, 130)]
    public async Task Signal_ends_an_established_session_promptly(int signal, int expectedCode)
    {
        ToolPlatform.NeedsSignal(signal);
        using var listener = Loopback.Listen();
        string[] args = ["connect", "127.0.0.1", Loopback.PortOf(listener).ToString()];
        await using var nsock = signal == Signals.SigInt ? RunningProcess.NsockInterruptible(args) : RunningProcess.Nsock(args);
        using var peer = await Loopback.AcceptAsync(listener);
        await Loopback.SendAllAsync(peer, "hello\n"u8.ToArray());
        await nsock.Stdout.WaitForTextAsync("hello\n", RunningProcess.DefaultWait);
        await nsock.WriteStdinAsync("hi\n");
        Assert.Equal("hi\n", Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(peer, 3)));

        var clock = Stopwatch.StartNew();
        nsock.Signal(signal);
        var code = await nsock.WaitForExitAsync(TimeSpan.FromSeconds(10));
        clock.Stop();

        Assert.Equal(expectedCode, code);
        Assert.True(clock.Elapsed < Promptly, $"took {clock.Elapsed.TotalSeconds:0.00} s to end after signal {signal}");
        Assert.Equal("hello\n", nsock.Stdout.Text);
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);

        // The peer sees the connection end (EOF or reset), not a hang.
        try
        {
            Assert.Empty(await Loopback.ReadToEndAsync(peer, TimeSpan.FromSeconds(5)));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Broken_stdout_exits_0_silently(bool stdinAtEof)
    {
        const int total = 10 * 1024 * 1024;
        var data = new byte[total];
        for (var i = 0; i < total; i++)
        {
            data[i] = (byte)('a' + (i % 26));
        }

        using var listener = Loopback.Listen();
        var port = Loopback.PortOf(listener).ToString();
        var redirect = stdinAtEof ? " </dev/null" : "";
        var script = $"\"$1\" connect 127.0.0.1 \"$2\"{redirect} | head -c 10; echo \"rc=${{PIPESTATUS[0]}}\" >&2";
        await using var shell = RunningProcess.Start("bash", ["-c", script, "bash", NsockTool.Path, port]);
        using var peer = await Loopback.AcceptAsync(listener);
        var sending = SendIgnoringResetAsync(peer, data);

        await shell.AssertExitCodeAsync(0);
        Assert.Equal("abcdefghij", shell.Stdout.Text);
        Assert.Equal(["rc=0"], shell.StderrLines);

        // nsock has exited, so the peer's sending ends too (all sent, or a reset).
        await sending.WaitAsync(RunningProcess.DefaultWait, TestContext.Current.CancellationToken);
    }

    private static async Task SendIgnoringResetAsync(Socket peer, byte[] data)
    {
        try
        {
            using var cts = new CancellationTokenSource(RunningProcess.DefaultWait);
            await peer.SendAsync(data, SocketFlags.None, cts.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted)
        {
        }
    }
}
