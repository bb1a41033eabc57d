using Nsock.LocalEnds;
using Nsock.Relay;

namespace Nsock.Sessions;

/// <summary>What a datagram server does with what it receives.</summary>
/// <param name="Count">Exit 0 after this many datagrams.</param>
internal sealed record DatagramServerSettings(DatagramFormat Format, bool Echo, bool Stamp, bool Reply, int? Count, RelayOptions Relay);

/// <summary>
/// Serves a bound datagram channel (udp-recv, unix -l --dgram): prints every datagram, and
/// echoes or replies as asked, until -c, -i, a signal or a closed stdout.
/// </summary>
internal static class DatagramServer
{
    public static Task<int> ServeAsync(IDatagramChannel channel, DatagramServerSettings settings, CancellationToken ct)
    {
        var relay = new DatagramRelay(channel, settings.Relay);
        IDatagramSink printer = new DatagramPrinter(new StdoutSink(StdioHandles.OpenStdout()), settings.Format);
        var senders = new LatestSender(settings.Echo ? new DatagramEcho(relay, printer, settings.Stamp) : printer);
        var replyFrom = settings.Reply ? StdinSource.Open(settings.Relay.BufferSize) : null;
        return DatagramSession.RunAsync(token => ServeAsync(relay, senders, settings.Count, replyFrom, token), relay.Clock, settings.Relay.IdleTimeout, channel.Name, ct);
    }

    /// <summary>
    /// Every datagram into <paramref name="senders"/> until <paramref name="count"/>; with
    /// <paramref name="replyFrom"/>, stdin goes to the latest sender meanwhile, and its EOF ends
    /// only the replies.
    /// </summary>
    private static async Task ServeAsync(DatagramRelay relay, LatestSender senders, int? count, IRelaySource? replyFrom, CancellationToken ct)
    {
        var receiving = relay.ReceiveAllAsync(senders, count, ct);
        if (replyFrom is not null)
        {
            var replying = relay.SendAllAsync(replyFrom, senders.GetAsync, ct, answering: true);
            if (await Task.WhenAny(receiving, replying).ConfigureAwait(false) == replying)
            {
                await replying.ConfigureAwait(false);
            }
        }

        await receiving.ConfigureAwait(false);
    }
}
