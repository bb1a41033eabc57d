using System.CommandLine;
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
/// client concurrently until a signal, until stdout's reader has gone (exit 0), or until stdout
/// fails (its error).
/// </summary>
internal static class StreamServer
{
    public static StreamServerOptions Options(ParseResult parse, RelayOptions relay) =>
        new(parse.GetValue(CommonOptions.KeepOpen), parse.GetValue(CommonOptions.MaxConns), relay);

    public static async Task<int> ServeAsync(IStreamListener listener, StreamServerOptions options, StdioEnds ends, CancellationToken ct)
    {
        if (!options.KeepOpen)
        {
            var client = await listener.AcceptAsync(ct).ConfigureAwait(false);
            listener.Dispose(); // single connection: a second client is refused, not queued
            Log.Info($"connection from {client.Peer}");
            return await Session.RunOnlyAsync(client.Socket, client.Peer, options.Relay, ends, ct).ConfigureAwait(false);
        }

        using var server = CancellationTokenSource.CreateLinkedTokenSource(ct);
        NsockException? outputFailure = null;
        Action<RelayResult> over = result =>
        {
            if (result.Outcome is RelayOutcome.OutputClosed or RelayOutcome.OutputFailed)
            {
                // Nobody reads what clients send any more (or it cannot be written): serving is over.
                Log.Info(result.Failure is null ? "stdout was closed by its reader: no longer serving" : "stdout failed: no longer serving");
                Interlocked.CompareExchange(ref outputFailure, result.Failure, null);
                server.Cancel();
            }
        };

        var stdinShared = ends.ShareStdinAsync(server.Token);
        var loop = new AcceptLoop(listener, options.MaxConns, (client, slot, token) => Session.RunSharedAsync(client, slot, options.Relay, ends, over, token));

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

        return outputFailure is null ? ExitCodes.Success : throw outputFailure;
    }
}
