using System.Net.Sockets;

namespace Nsock.Endpoints;

/// <summary>A client a stream listener accepted, and the name nsock prints for it.</summary>
internal sealed record AcceptedClient(Socket Socket, string Peer);

/// <summary>A listening stream socket of any family (TCP, unix), handing out connected clients.</summary>
internal interface IStreamListener : IDisposable
{
    /// <summary>The next client. Failures are <see cref="SocketException"/>s, as the runtime's accept gives them.</summary>
    ValueTask<AcceptedClient> AcceptAsync(CancellationToken ct);
}

/// <summary>
/// A listener on the runtime's accept: TCP (whose address buffer always fits an IP peer), and
/// unix sockets on Windows. <paramref name="name"/> names clients without an address of their own.
/// </summary>
internal sealed class RuntimeStreamListener(Socket listener, string name, IDisposable? file = null) : IStreamListener
{
    public async ValueTask<AcceptedClient> AcceptAsync(CancellationToken ct)
    {
        var client = await listener.AcceptAsync(ct).ConfigureAwait(false);
        var remote = client.RemoteEndPoint;
        return new AcceptedClient(client, remote is null || EndpointText.IsUnbound(remote) ? name : EndpointText.Format(remote));
    }

    public void Dispose()
    {
        listener.Dispose();
        file?.Dispose();
    }
}
