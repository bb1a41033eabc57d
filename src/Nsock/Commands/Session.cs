using System.Net.Sockets;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Relay;
using Nsock.Terminal;

namespace Nsock.Commands;

/// <summary>Runs one connected socket through the relay and says how it ended.</summary>
internal static class Session
{
    /// <summary>The only session of this nsock: its end is nsock's exit code.</summary>
    public static async Task<int> RunOnlyAsync(Socket socket, string peer, RelayOptions options, StdioEnds ends, CancellationToken ct)
    {
        using (socket)
        {
            var result = await new StreamRelay(socket, options, peer, ends.ForOnlySession).RunAsync(ct).ConfigureAwait(false);
            Report(peer, result);
            return result.Outcome switch
            {
                RelayOutcome.IdleTimeout => throw IdleFailure(peer, options),
                RelayOutcome.OutputFailed => throw result.Failure!,
                _ => ExitCodes.Success,
            };
        }
    }

    /// <summary>One of many -k clients: its end is only logged, then handed to <paramref name="over"/>.</summary>
    /// <param name="slot">The client's place under --max-conns, given back before the close is reported.</param>
    public static async Task RunSharedAsync(AcceptedClient client, IDisposable slot, RelayOptions options, StdioEnds ends, Action<RelayResult> over, CancellationToken ct)
    {
        Log.Info($"connection from {client.Peer}");
        RelayResult result;
        using (var stdinShare = ends.SubscribeToStdin())
        {
            result = await new StreamRelay(client.Socket, options, client.Peer, sender => ends.ForSharedSession(sender, stdinShare)).RunAsync(ct).ConfigureAwait(false);
        }

        client.Socket.Dispose();
        slot.Dispose();
        Report(client.Peer, result);
        if (result.Outcome == RelayOutcome.IdleTimeout)
        {
            var idle = IdleFailure(client.Peer, options);
            Log.Warn(idle.What, idle.Why);
        }

        over(result);
    }

    private static void Report(string peer, RelayResult result) =>
        Log.Info($"closed {peer}: sent {result.BytesSent} bytes, received {result.BytesReceived} bytes");

    private static NsockException IdleFailure(string peer, RelayOptions options) =>
        new(ExitCodes.Timeout, peer, $"idle for {options.IdleTimeout!.Value.TotalSeconds:0.###} s");
}
