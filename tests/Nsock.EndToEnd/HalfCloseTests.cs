using System.Net.Sockets;
using System.Text;

namespace Nsock.EndToEnd;

/// <summary>Request, half-close, response, in both roles, as SPEC.md's half-close promises.</summary>
public sealed class HalfCloseTests
{
    [Fact]
    public async Task Connect_sends_request_and_EOF_then_prints_the_reply()
    {
        using var listener = Loopback.Listen();
        await using var nsock = RunningProcess.Nsock("connect", "127.0.0.1", Loopback.PortOf(listener).ToString());
        using var peer = await Loopback.AcceptAsync(listener);

        await nsock.WriteStdinAsync("request");
        await nsock.CloseStdinAsync();
        var request = await Loopback.ReadToEndAsync(peer);
        await Loopback.SendAllAsync(peer, "reply\n"u8.ToArray());
        peer.Close();

        Assert.Equal("request", Encoding.UTF8.GetString(request));
        Assert.Equal(0, await nsock.WaitForExitAsync());
        Assert.Equal("reply\n", nsock.Stdout.Text);
        Assert.Empty(nsock.StderrLines);
    }

    [Fact]
    public async Task Listen_sends_request_and_EOF_then_prints_the_reply()
    {
        await using var nsock = RunningProcess.Nsock("listen", "-v", "127.0.0.1", "0");
        var port = await nsock.WaitForListeningPortAsync();
        using var peer = await Loopback.ConnectAsync(port);

        await nsock.WriteStdinAsync("request from server side");
        await nsock.CloseStdinAsync();
        var request = await Loopback.ReadToEndAsync(peer);
        await Loopback.SendAllAsync(peer, "reply\n"u8.ToArray());
        peer.Close();

        Assert.Equal("request from server side", Encoding.UTF8.GetString(request));
        Assert.Equal(0, await nsock.WaitForExitAsync());
        Assert.Equal("reply\n", nsock.Stdout.Text);
    }

    [Fact]
    public async Task Connect_keeps_sending_after_the_peer_half_closes_first()
    {
        using var listener = Loopback.Listen();
        await using var nsock = RunningProcess.Nsock("connect", "127.0.0.1", Loopback.PortOf(listener).ToString());
        using var peer = await Loopback.AcceptAsync(listener);

        await Loopback.SendAllAsync(peer, "question?"u8.ToArray());
        peer.Shutdown(SocketShutdown.Send);
        await nsock.Stdout.WaitForTextAsync("question?", RunningProcess.DefaultWait);

        // Strict half-duplex: nsock has seen our FIN, closed its stdout, and still delivers stdin.
        await nsock.WriteStdinAsync("answer one;");
        await nsock.WriteStdinAsync("answer two");
        await nsock.CloseStdinAsync();

        Assert.Equal("answer one;answer two", Encoding.UTF8.GetString(await Loopback.ReadToEndAsync(peer)));
        Assert.Equal(0, await nsock.WaitForExitAsync());
        Assert.Equal("question?", nsock.Stdout.Text);
    }

    [Fact]
    public async Task Listen_delivers_a_reply_written_a_second_after_the_peers_FIN()
    {
        await using var nsock = RunningProcess.Nsock("listen", "-v", "127.0.0.1", "0");
        var port = await nsock.WaitForListeningPortAsync();
        using var peer = await Loopback.ConnectAsync(port);

        await Loopback.SendAllAsync(peer, "ping"u8.ToArray());
        peer.Shutdown(SocketShutdown.Send);
        await nsock.Stdout.WaitForTextAsync("ping", RunningProcess.DefaultWait);

        // The delay is the subject of the test: a late reply after the peer's FIN still arrives.
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.False(nsock.HasExited);
        await nsock.WriteStdinAsync("pong");
        await nsock.CloseStdinAsync();

        Assert.Equal("pong", Encoding.UTF8.GetString(await Loopback.ReadToEndAsync(peer)));
        Assert.Equal(0, await nsock.WaitForExitAsync());
    }

    [Fact]
    public async Task Connect_delivers_a_reply_written_a_second_after_the_peers_FIN()
    {
        using var listener = Loopback.Listen();
        await using var nsock = RunningProcess.Nsock("connect", "127.0.0.1", Loopback.PortOf(listener).ToString());
        using var peer = await Loopback.AcceptAsync(listener);

        peer.Shutdown(SocketShutdown.Send);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.False(nsock.HasExited);
        await nsock.WriteStdinAsync("late");
        await nsock.CloseStdinAsync();

        Assert.Equal("late", Encoding.UTF8.GetString(await Loopback.ReadToEndAsync(peer)));
        Assert.Equal(0, await nsock.WaitForExitAsync());
        Assert.Equal("", nsock.Stdout.Text);
    }

    [Fact]
    public async Task Socket_EOF_closes_stdout_while_stdin_is_still_open()
    {
        // A pipeline reading nsock's stdout must see EOF when the peer is done, even though
        // nsock itself goes on (its stdin is still open).
        using var listener = Loopback.Listen();
        var sawEof = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var nsock = RunningProcess.Start(
            NsockTool.Path,
            ["connect", "127.0.0.1", Loopback.PortOf(listener).ToString()],
            stdoutConsumer: async (stdout, ct) =>
            {
                await stdout.CopyToAsync(Stream.Null, ct);
                sawEof.TrySetResult();
            });
        using var peer = await Loopback.AcceptAsync(listener);

        await Loopback.SendAllAsync(peer, "bye"u8.ToArray());
        peer.Shutdown(SocketShutdown.Send);

        await sawEof.Task.WaitAsync(RunningProcess.DefaultWait, TestContext.Current.CancellationToken);
        Assert.False(nsock.HasExited);
        await nsock.CloseStdinAsync();
        Assert.Equal(0, await nsock.WaitForExitAsync());
    }
}
