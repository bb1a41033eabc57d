using System.Net.Sockets;

namespace Nsock.EndToEnd;

/// <summary>
/// One exchange both ways between nsock and a peer (a socket of the test, or a peer program such
/// as socat), with half-close, checked byte for byte.
/// </summary>
/// <remarks>
/// The peer always finishes first: it sends and half-closes, nsock's stdout is awaited until it
/// holds all of it (so nsock has seen the peer's data and EOF while its own stdin is still open,
/// and must still be running), then nsock's stdin is written and closed, and the peer reads to
/// the end. Some peers (ncat, nc -l) quit as soon as their socket reaches EOF, so the other order
/// would test the peer's policy, not nsock's.
/// </remarks>
internal static class Exchange
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>With a socket of the test as the peer: it sends, shuts down its send side, and reads to EOF.</summary>
    public static Task BothWaysAsync(RunningProcess nsock, Socket peer, byte[] fromPeer, byte[] fromNsock) => RunAsync(
        nsock,
        "the peer",
        fromPeer,
        fromNsock,
        sendThenHalfClose: async () =>
        {
            await Loopback.SendAllAsync(peer, fromPeer);
            peer.Shutdown(SocketShutdown.Send);
        },
        readToEnd: () => Loopback.ReadToEndAsync(peer, Wait));

    /// <summary>With a peer program: its stdin is written and closed; what it read is its stdout once it has exited 0.</summary>
    public static Task BothWaysAsync(RunningProcess nsock, RunningProcess peer, byte[] fromPeer, byte[] fromNsock) => RunAsync(
        nsock,
        peer.Program,
        fromPeer,
        fromNsock,
        sendThenHalfClose: async () =>
        {
            await peer.WriteStdinAsync(fromPeer).WaitAsync(Wait, TestContext.Current.CancellationToken);
            await peer.CloseStdinAsync().WaitAsync(Wait, TestContext.Current.CancellationToken);
        },
        readToEnd: async () =>
        {
            await peer.AssertExitCodeAsync(0, Wait);
            return peer.Stdout.ToArray();
        });

    private static async Task RunAsync(RunningProcess nsock, string peerName, byte[] fromPeer, byte[] fromNsock, Func<Task> sendThenHalfClose, Func<Task<byte[]>> readToEnd)
    {
        await sendThenHalfClose();
        await nsock.Stdout.WaitForAsync(b => b.Length >= fromPeer.Length, Wait, $"{fromPeer.Length} bytes from {peerName} on nsock's stdout");
        Assert.False(nsock.HasExited, $"nsock ended while its stdin was still open; stderr:\n{nsock.Stderr}");

        // Reading starts before nsock writes, so a large reply cannot stall on full socket buffers.
        var received = readToEnd();
        await nsock.WriteStdinAsync(fromNsock).WaitAsync(Wait, TestContext.Current.CancellationToken);
        await nsock.CloseStdinAsync().WaitAsync(Wait, TestContext.Current.CancellationToken);

        await nsock.AssertExitCodeAsync(0, Wait);
        var peerReceived = await received;
        Bytes.AssertSame(fromPeer, nsock.Stdout.ToArray(), $"nsock's stdout (sent by {peerName})");
        Bytes.AssertSame(fromNsock, peerReceived, $"what {peerName} received (nsock's stdin)");
        ErrorLine.AssertNone(nsock);
    }
}
