using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Relay;
using Nsock.Terminal;

namespace Nsock.Sessions;

/// <summary>How a stream server serves: one client, or many (-k) up to --max-conns.</summary>
internal sealed record StreamServerSettings(bool KeepOpen, int? MaxConns, RelayOptions Relay);

/// <summary>
/// Serves a listening stream socket of any family (TCP listen, unix -l): one client then exit,
/// with the listener closed at accept so a second client is refused; or, with -k, client after
/// client concurrently until a signal, until stdout's reader has gone (exit 0), or until stdout
/// fails (its error).
/// </summary>
internal static class StreamServer
{
    public static async Task<int> ServeAsync(IStreamListener listener, StreamServerSettings settings, StdioSide stdio, CancellationToken ct)
    {
        if (!settings.KeepOpen)
        {
            var client = await listener.AcceptAsync(ct).ConfigureAwait(false);
            listener.Dispose(); // single connection: a second client is refused, not queued
            Log.Info($"connection from {client.Peer}");
            return await StreamSession.RunOnlyAsync(client, settings.Relay, stdio, ct).ConfigureAwait(false);
        }

        using var server = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Exception? outputFailure = null;
        Action<RelayResult> over = result =>
        {
            if (result.Outcome is RelayOutcome.OutputClosed or RelayOutcome.OutputFailed)
            {
                // Nobody reads what clients send any more (or it cannot be written): serving is over.
                Log.Info(result.Error is null ? "stdout was closed by its reader: no longer serving" : "stdout failed: no longer serving");
                Interlocked.CompareExchange(ref outputFailure, result.Error, null);
                server.Cancel();
            }
        };

        var stdinShared = stdio.ShareStdinAsync(server.Token);
        var clients = new KeepOpenServer(listener, settings.MaxConns, (client, slot, token) => StreamSession.RunSharedAsync(client, slot, settings.Relay, stdio, over, token));
        try
        {
            await clients.RunAsync(server.Token).ConfigureAwait(false);
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
