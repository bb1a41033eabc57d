using System.CommandLine;
using System.Net;
using Nsock.LocalEnds;
using Nsock.Relay;
using Nsock.Terminal;

namespace Nsock.Commands;

/// <summary>
/// What a datagram client sends and how long it listens: the TEXT datagrams (or stdin when there
/// are none), to <paramref name="To"/> (null: the connected peer), then replies for
/// <paramref name="Wait"/> or until <paramref name="Replies"/> have come.
/// </summary>
internal sealed record DatagramSend(byte[][] Texts, Func<IRelaySource> Stdin, EndPoint? To, TimeSpan? Wait, int? Replies);

/// <summary>What udp-send and udp-recv share: payload limits, stdout printing, idle ends.</summary>
internal static class Datagrams
{
    /// <summary>The largest UDP payload over IPv4 (65535 - 8 UDP - 20 IP header bytes).</summary>
    public const int MaxUdpPayload = 65507;

    public static RelayOptions Relay(ParseResult parse)
    {
        var options = CommonOptions.Relay(parse, MaxUdpPayload);
        return options.BufferSize > MaxUdpPayload
            ? throw NsockException.Usage("--buffer-size", $"a UDP datagram holds at most {MaxUdpPayload} bytes")
            : options;
    }

    public static DatagramPrinter Printer(ParseResult parse) =>
        new(new StdoutSink(StdioHandles.OpenStdout()), parse.GetValue(CommonOptions.Format));

    /// <summary>stdin as a datagram source: a datagram per read, or per line with --lines.</summary>
    public static IRelaySource Stdin(bool lines, int bufferSize)
    {
        var stdin = StdinSource.Open(bufferSize);
        return lines ? new LineSource(stdin, bufferSize) : stdin;
    }

    /// <summary>
    /// Runs <paramref name="work"/> to its end, or until <paramref name="idle"/> passes with no
    /// datagram either way (exit 4), or stdout's reader leaves (exit 0).
    /// </summary>
    public static async Task<int> RunAsync(Func<CancellationToken, Task> work, DatagramRelay relay, TimeSpan? idle, string name, CancellationToken ct)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = work(session.Token);
        var quiet = idle is { } limit ? relay.Clock.WaitForIdleAsync(limit, session.Token) : Task.Delay(Timeout.Infinite, session.Token);
        try
        {
            if (await Task.WhenAny(running, quiet).ConfigureAwait(false) == quiet && !ct.IsCancellationRequested)
            {
                throw new NsockException(ExitCodes.Timeout, name, $"idle for {idle!.Value.TotalSeconds:0.###} s");
            }

            await running.ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (SinkClosedException)
        {
            return ExitCodes.Success;
        }
        catch (SinkFailedException e)
        {
            throw e.Failure;
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running, quiet).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A datagram client (udp-send, unix --dgram): sends, then waits for replies as asked.
    /// Replies are heard from the start, so none is missed while sending, and a refused datagram
    /// (ICMP port unreachable, no listener on a unix path) ends it at once.
    /// </summary>
    public static async Task SendThenWaitAsync(DatagramRelay relay, DatagramSend send, IDatagramSink printer, string name, CancellationToken ct)
    {
        using var listening = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var hearing = relay.ReceiveAllAsync(printer, send.Replies, listening.Token);
        var sending = send.Texts.Length > 0
            ? SendEachAsync(relay, send.Texts, send.To, ct)
            : relay.SendAllAsync(send.Stdin(), _ => ValueTask.FromResult(send.To), ct);

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

    /// <summary>--echo (with --stamp) or --reply, checked before anything is bound.</summary>
    public static void CheckServerOptions(ParseResult parse)
    {
        var echo = parse.GetValue(CommonOptions.Echo);
        if (parse.GetValue(CommonOptions.Stamp) && !echo)
        {
            throw NsockException.Usage("--stamp", "only makes sense with --echo");
        }

        if (echo && parse.GetValue(CommonOptions.Reply))
        {
            throw NsockException.Usage("--reply", "cannot be combined with --echo");
        }
    }

    /// <summary>
    /// Serves a bound datagram socket (udp-recv, unix -l --dgram): prints every datagram, and
    /// echoes or replies as asked, until -c, -i, a signal or a closed stdout.
    /// </summary>
    public static Task<int> ServeBoundAsync(ParseResult parse, System.Net.Sockets.Socket socket, RelayOptions options, string name, CancellationToken ct)
    {
        var relay = new DatagramRelay(socket, options, name);
        IDatagramSink printer = Printer(parse);
        var senders = new LatestSender(parse.GetValue(CommonOptions.Echo) ? new DatagramEcho(relay, printer, parse.GetValue(CommonOptions.Stamp)) : printer);
        var replyFrom = parse.GetValue(CommonOptions.Reply) ? Stdin(lines: false, options.BufferSize) : null;
        var count = parse.GetValue(CommonOptions.Count);
        return RunAsync(token => ServeAsync(relay, senders, count, replyFrom, token), relay, options.IdleTimeout, name, ct);
    }

    /// <summary>
    /// A datagram server (udp-recv, unix -l --dgram): every datagram into <paramref name="senders"/>
    /// until <paramref name="count"/>; with <paramref name="replyFrom"/>, stdin goes to the latest
    /// sender meanwhile, and its EOF ends only the replies.
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

    private static async Task SendEachAsync(DatagramRelay relay, byte[][] datagrams, EndPoint? to, CancellationToken ct)
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
