using System.Runtime.ExceptionServices;
using Nsock.LocalEnds;
using Nsock.Relay;
using Nsock.Terminal;

namespace Nsock.Sessions;

/// <summary>One connection through the relay, with stdin/stdout (or the echo) as its local end.</summary>
internal static class StreamSession
{
    /// <summary>The only session of this nsock (connect, listen without -k): its end is nsock's exit code.</summary>
    public static async Task<int> RunOnlyAsync(IConnection connection, RelayOptions options, StdioSide stdio, CancellationToken ct)
    {
        using var tapped = new TappedConnection(connection, options);
        var result = await new StreamRelay(tapped, stdio.ForOnlySession(tapped), options).RunAsync(ct).ConfigureAwait(false);
        Report(tapped.Peer, result);
        switch (result.Outcome)
        {
            case RelayOutcome.IdleTimeout:
                throw IdleLimit.Exceeded(tapped.Peer, options.IdleTimeout!.Value);
            case RelayOutcome.OutputFailed or RelayOutcome.Failed:
                ExceptionDispatchInfo.Throw(result.Error!);
                break;
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// One of many -k clients: its end is only reported (a failure with -v), then handed to
    /// <paramref name="over"/>, which decides whether serving goes on.
    /// </summary>
    /// <param name="slot">The client's place under --max-conns, given back before the close is reported.</param>
    public static async Task RunSharedAsync(IConnection connection, IDisposable slot, RelayOptions options, StdioSide stdio, Action<RelayResult> over, CancellationToken ct)
    {
        Log.Info($"connection from {connection.Peer}");
        RelayResult result;
        using (var tapped = new TappedConnection(connection, options))
        using (var stdinShare = stdio.SubscribeToStdin())
        {
            result = await new StreamRelay(tapped, stdio.ForSharedSession(tapped, stdinShare), options).RunAsync(ct).ConfigureAwait(false);
        }

        slot.Dispose();
        Report(connection.Peer, result);
        switch (result.Outcome)
        {
            case RelayOutcome.IdleTimeout:
                var idle = IdleLimit.Exceeded(connection.Peer, options.IdleTimeout!.Value);
                Log.Warn(idle.What, idle.Why);
                break;
            case RelayOutcome.Failed when result.Error is NsockException failure:
                Log.Warn(failure.What, failure.Why);
                break;
            case RelayOutcome.Failed:
                Stderr.Error(connection.Peer, $"internal error: {result.Error!.GetType().Name}: {result.Error.Message}");
                break;
        }

        over(result);
    }

    private static void Report(string peer, RelayResult result) =>
        Log.Info($"closed {peer}: sent {result.BytesSent} bytes, received {result.BytesReceived} bytes");
}
