using System.CommandLine;
using System.Net.Sockets;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Relay;
using Nsock.Terminal;

namespace Nsock.Commands;

/// <summary>How a stream server serves: one client, or many (-k) up to --max-conns.</summary>
internal sealed record StreamServerOptions(bool KeepOpen, int? MaxConns, RelayOptions Relay);

/// <summary>
/// Serves a listening stream socket of any family (TCP listen, unix -l): one client then exit,
/// with the listener closed at accept so a second client is refused; or, with -k, client after
/// client concurrently until a signal or until stdout's reader has gone.
/// </summary>
internal static class StreamServer
{
    public static StreamServerOptions Options(ParseResult parse, RelayOptions relay) =>
        new(parse.GetValue(CommonOptions.KeepOpen), parse.GetValue(CommonOptions.MaxConns), relay);

    public static async Task<int> ServeAsync(Socket listener, StreamServerOptions options, StdioEnds ends, CancellationToken ct)
    {
        if (!options.KeepOpen)
        {
            var client = await listener.AcceptAsync(ct).ConfigureAwait(false);
            listener.Dispose(); // single connection: a second client is refused, not queued
            var peer = PeerName(client, listener);
            Log.Info($"connection from {peer}");
            return await Session.RunOnlyAsync(client, peer, options.Relay, ends, ct).ConfigureAwait(false);
        }

        // Ends when stdout goes away (nobody reads what clients send any more) or on a signal.
        using var server = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stdinShared = ends.ShareStdinAsync(server.Token);
        var loop = new AcceptLoop(listener, options.MaxConns, async (client, slot, token) =>
        {
            var peer = PeerName(client, listener);
            Log.Info($"connection from {peer}");
            if (!await Session.RunSharedAsync(client, slot, peer, options.Relay, ends, token).ConfigureAwait(false))
            {
                await server.CancelAsync().ConfigureAwait(false);
            }
        });

        try
        {
            await loop.RunAsync(server.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }

        ct.ThrowIfCancellationRequested();
        try
        {
            await stdinShared.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return ExitCodes.Success;
    }

    // Unix clients are usually unbound: name them by the path they came in on.
    private static string PeerName(Socket client, Socket listener)
    {
        var remote = client.RemoteEndPoint;
        if (remote is null || EndpointText.IsUnbound(remote))
        {
            return EndpointText.Format(client.LocalEndPoint ?? listener.LocalEndPoint);
        }

        return EndpointText.Format(remote);
    }
}
