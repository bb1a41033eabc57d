using Nsock.LocalEnds;
using Nsock.Relay;
using Nsock.Terminal;

namespace Nsock.Sessions;

/// <summary>
/// What a datagram client sends and how long it listens: the TEXT datagrams (or stdin, a datagram
/// per read or per line, when there are none), to <paramref name="To"/> (null: the connected
/// peer), then replies for <paramref name="Wait"/> or until <paramref name="Replies"/> have come.
/// </summary>
internal sealed record DatagramClientSettings(byte[][] Texts, bool Lines, DatagramPeer? To, TimeSpan? Wait, int? Replies, DatagramFormat Format, RelayOptions Relay);

/// <summary>
/// A datagram client (udp-send, unix --dgram): sends, then waits for replies as asked. Replies
/// are heard from the start, so none is missed while sending, and a refused datagram (ICMP port
/// unreachable, nobody at a unix path) ends it at once.
/// </summary>
internal static class DatagramClient
{
    public static Task<int> RunAsync(IDatagramChannel channel, DatagramClientSettings settings, CancellationToken ct)
    {
        var relay = new DatagramRelay(channel, settings.Relay);
        var printer = new DatagramPrinter(new StdoutSink(StdioHandles.OpenStdout()), settings.Format);
        return DatagramSession.RunAsync(token => SendThenWaitAsync(relay, settings, printer, channel.Name, token), relay.Clock, settings.Relay.IdleTimeout, channel.Name, ct);
    }

    private static async Task SendThenWaitAsync(DatagramRelay relay, DatagramClientSettings send, IDatagramSink printer, string name, CancellationToken ct)
    {
        using var listening = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var hearing = relay.ReceiveAllAsync(printer, send.Replies, listening.Token);
        var sending = send.Texts.Length > 0
            ? SendEachAsync(relay, send.Texts, send.To, ct)
            : relay.SendAllAsync(Stdin(send), _ => ValueTask.FromResult(send.To), ct);

        if (await Task.WhenAny(sending, hearing).ConfigureAwait(false) == hearing && !hearing.IsCompletedSuccessfully)
        {
            await hearing.ConfigureAwait(false);
        }

        await sending.ConfigureAwait(false);
        Log.Info($"sent {relay.DatagramsSent} datagrams to {name}");
        if (send.Wait is null && send.Replies is null)
        {
            await StopAsync(listening, hearing).ConfigureAwait(false);
            return;
        }

        if (send.Wait is { } limit && await Task.WhenAny(hearing, Task.Delay(limit, ct)).ConfigureAwait(false) != hearing)
        {
            await StopAsync(listening, hearing).ConfigureAwait(false);
            Log.Info($"received {relay.DatagramsReceived} replies in {limit.TotalSeconds:0.###} s");
            if (send.Replies is { } wanted)
            {
                throw new NsockException(ExitCodes.Timeout, name, $"{relay.DatagramsReceived} of {wanted} replies within {limit.TotalSeconds:0.###} s");
            }

            return;
        }

        await hearing.ConfigureAwait(false);
    }

    /// <summary>stdin as a datagram source: a datagram per read, or per line with --lines.</summary>
    private static IRelaySource Stdin(DatagramClientSettings send)
    {
        var stdin = StdinSource.Open(send.Relay.BufferSize);
        return send.Lines ? new LineSource(stdin, send.Relay.BufferSize) : stdin;
    }

    private static async Task SendEachAsync(DatagramRelay relay, byte[][] datagrams, DatagramPeer? to, CancellationToken ct)
    {
        foreach (var datagram in datagrams)
        {
            await relay.SendAsync(datagram, to, ct).ConfigureAwait(false);
        }
    }

    private static async Task StopAsync(CancellationTokenSource listening, Task hearing)
    {
        await listening.CancelAsync().ConfigureAwait(false);
        await hearing.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }
}
