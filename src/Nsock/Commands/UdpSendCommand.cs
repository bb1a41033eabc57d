using System.CommandLine;
using System.Text;
using Nsock.Endpoints;
using Nsock.Terminal;

namespace Nsock.Commands;

/// <summary><c>nsock udp-send HOST PORT [TEXT...]</c>: datagrams from arguments or stdin.</summary>
internal static class UdpSendCommand
{
    private static readonly Argument<string> Host = new Argument<string>("HOST") { Description = "Name or IP address (unicast, broadcast or multicast)" }.RejectingOptions();
    private static readonly Argument<string> Port = new Argument<string>("PORT") { Description = "UDP port, 1-65535" }.RejectingOptions();
    private static readonly Argument<string[]> Texts = new("TEXT") { Description = "Each TEXT is sent as one datagram (then stdin is not read)", Arity = ArgumentArity.ZeroOrMore };

    public static Command Create()
    {
        var command = new Command("udp-send", "Send UDP datagrams: each TEXT, or each stdin read, is one datagram")
        {
            Host, Port, Texts,
            CommonOptions.Ipv4, CommonOptions.Ipv6, CommonOptions.Verbose, CommonOptions.Source, CommonOptions.Lines,
            CommonOptions.Wait, CommonOptions.Count, CommonOptions.Format, CommonOptions.Broadcast, CommonOptions.Ttl,
            CommonOptions.Interface, CommonOptions.IdleTimeout, CommonOptions.Crlf, CommonOptions.Hex,
            CommonOptions.BufferSize, CommonOptions.NoColor,
        };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var host = parse.GetValue(Host)!;
        HostName.ParseLiteral(host);
        var port = PortNumber.Parse(parse.GetValue(Port)!, allowZero: false);
        var relayOptions = Datagrams.Relay(parse);
        var texts = parse.GetValue(Texts) ?? [];
        var datagrams = texts.Select(Encoding.UTF8.GetBytes).ToArray();
        if (datagrams.FirstOrDefault(d => d.Length > relayOptions.BufferSize) is { } tooLong)
        {
            throw NsockException.Usage($"TEXT of {tooLong.Length} bytes", $"a datagram holds at most {relayOptions.BufferSize} bytes");
        }

        var wait = CommonOptions.ToTimeSpan(parse.GetValue(CommonOptions.Wait));
        var replies = parse.GetValue(CommonOptions.Count);
        var target = new UdpSendTarget(
            host, port, CommonOptions.Family(parse),
            parse.GetValue(CommonOptions.Source) is { } source ? SourceAddress.Parse(source) : null,
            parse.GetValue(CommonOptions.Broadcast), parse.GetValue(CommonOptions.Ttl), parse.GetValue(CommonOptions.Interface));

        var sender = await UdpSockets.OpenSenderAsync(target, ct).ConfigureAwait(false);
        using var socket = sender.Socket;
        var name = EndpointText.Format(sender.Target);
        var relay = new Relay.DatagramRelay(socket, relayOptions, name);
        var printer = Datagrams.Printer(parse);
        var to = sender.Connected ? null : sender.Target;

        async Task SendThenWaitAsync(CancellationToken token)
        {
            // Replies are heard from the start, so none is missed while sending.
            using var listening = CancellationTokenSource.CreateLinkedTokenSource(token);
            var hearing = relay.ReceiveAllAsync(printer, replies, listening.Token);
            var sending = datagrams.Length > 0
                ? SendEachAsync(relay, datagrams, to, token)
                : relay.SendAllAsync(Datagrams.Stdin(parse.GetValue(CommonOptions.Lines), relayOptions.BufferSize), _ => ValueTask.FromResult<System.Net.EndPoint?>(to), token);

            // A refused datagram (ICMP port unreachable) surfaces on the receive side: stop at once.
            if (await Task.WhenAny(sending, hearing).ConfigureAwait(false) == hearing && !hearing.IsCompletedSuccessfully)
            {
                await hearing.ConfigureAwait(false);
            }

            await sending.ConfigureAwait(false);
            Log.Info($"sent {relay.DatagramsSent} datagrams to {name}");
            if (wait is null && replies is null)
            {
                await listening.CancelAsync().ConfigureAwait(false);
                await hearing.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                return;
            }

            if (wait is { } limit && await Task.WhenAny(hearing, Task.Delay(limit, token)).ConfigureAwait(false) != hearing)
            {
                await listening.CancelAsync().ConfigureAwait(false);
                await hearing.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                Log.Info($"received {relay.DatagramsReceived} replies in {limit.TotalSeconds:0.###} s");
                if (replies is { } wanted)
                {
                    throw new NsockException(ExitCodes.Timeout, name, $"{relay.DatagramsReceived} of {wanted} replies within {limit.TotalSeconds:0.###} s");
                }

                return;
            }

            await hearing.ConfigureAwait(false);
        }

        return await Datagrams.RunAsync(SendThenWaitAsync, relay, CommonOptions.ToTimeSpan(parse.GetValue(CommonOptions.IdleTimeout)), name, ct).ConfigureAwait(false);
    }

    private static async Task SendEachAsync(Relay.DatagramRelay relay, byte[][] datagrams, System.Net.EndPoint? to, CancellationToken ct)
    {
        foreach (var datagram in datagrams)
        {
            await relay.SendAsync(datagram, to, ct).ConfigureAwait(false);
        }
    }
}
