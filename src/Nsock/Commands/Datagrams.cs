using System.CommandLine;
using Nsock.LocalEnds;
using Nsock.Relay;

namespace Nsock.Commands;

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
        var stream = StdioHandles.OpenStdin();
        IRelaySource stdin = StdioHandles.StdinIsTerminal || OperatingSystem.IsWindows()
            ? new TerminalSource(stream, bufferSize)
            : new StreamSource(stream);
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
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running, quiet).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }
}
