using System.Net.Sockets;
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

    /// <summary>One of many -k clients: its end is only logged; the result says whether stdout still takes data.</summary>
    /// <param name="slot">The client's place under --max-conns, given back before the close is reported.</param>
    public static async Task<RelayResult> RunSharedAsync(Socket socket, IDisposable slot, string peer, RelayOptions options, StdioEnds ends, CancellationToken ct)
    {
        RelayResult result;
        using (var stdinShare = ends.SubscribeToStdin())
        {
            result = await new StreamRelay(socket, options, peer, sender => ends.ForSharedSession(sender, stdinShare)).RunAsync(ct).ConfigureAwait(false);
        }

        socket.Dispose();
        slot.Dispose();
        Report(peer, result);
        if (result.Outcome == RelayOutcome.IdleTimeout)
        {
            var idle = IdleFailure(peer, options);
            Log.Warn(idle.What, idle.Why);
        }

        return result;
    }

    private static void Report(string peer, RelayResult result) =>
        Log.Info($"closed {peer}: sent {result.BytesSent} bytes, received {result.BytesReceived} bytes");

    private static NsockException IdleFailure(string peer, RelayOptions options) =>
        new(ExitCodes.Timeout, peer, $"idle for {options.IdleTimeout!.Value.TotalSeconds:0.###} s");
}
