using System.Net;
using System.Net.Sockets;

namespace Nsock.Tests;

/// <summary>Two connected TCP sockets on loopback: the relay's socket and the test's peer.</summary>
internal sealed class SocketPair : IDisposable
{
    private SocketPair(Socket relaySide, Socket peer)
    {
        RelaySide = relaySide;
        Peer = peer;
    }

    public Socket RelaySide { get; }

    public Socket Peer { get; }

    public static async Task<SocketPair> CreateAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        return new SocketPair(await accept, client);
    }

    public async Task<byte[]> PeerReadToEndAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var all = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await Peer.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
        {
            all.Write(buffer, 0, read);
        }

        return all.ToArray();
    }

    public void Dispose()
    {
        RelaySide.Dispose();
        Peer.Dispose();
    }
}
