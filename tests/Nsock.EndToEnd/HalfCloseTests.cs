using System.Text;

namespace Nsock.EndToEnd;

/// <summary>Request, half-close, response: in both roles, as SPEC.md's half-close promises.</summary>
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
}
