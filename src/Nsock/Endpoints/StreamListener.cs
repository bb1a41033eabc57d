using System.Net.Sockets;
using Nsock.Relay;

namespace Nsock.Endpoints;

/// <summary>A listening stream socket of any family (TCP, unix), handing out connected clients.</summary>
internal interface IStreamListener : IDisposable
{
    /// <summary>The next client, named as nsock prints it. Failures are <see cref="SocketException"/>s, as the runtime's accept gives them.</summary>
    ValueTask<IConnection> AcceptAsync(CancellationToken ct);
}

/// <summary>
/// A listener on the runtime's accept: TCP (whose address buffer always fits an IP peer), and
/// unix sockets on Windows. <paramref name="name"/> names clients without an address of their own.
/// </summary>
internal sealed class RuntimeStreamListener(Socket listener, string name, IDisposable? file = null) : IStreamListener
{
    public async ValueTask<IConnection> AcceptAsync(CancellationToken ct)
    {
        var client = await listener.AcceptAsync(ct).ConfigureAwait(false);
        var remote = client.RemoteEndPoint;
        return new SocketConnection(client, remote is null || EndpointText.IsUnbound(remote) ? name : EndpointText.Format(remote));
    }

    public void Dispose()
    {
        listener.Dispose();
        file?.Dispose();
    }
}
