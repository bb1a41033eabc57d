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

        var target = new UdpSendTarget(
            host, port, CommonOptions.Family(parse),
            parse.GetValue(CommonOptions.Source) is { } source ? SourceAddress.Parse(source) : null,
            parse.GetValue(CommonOptions.Broadcast), parse.GetValue(CommonOptions.Ttl), parse.GetValue(CommonOptions.Interface));

        var sender = await Udp.OpenSenderAsync(target, ct).ConfigureAwait(false);
        using var socket = sender.Socket;
        var name = EndpointText.Format(sender.Target);
        var relay = new Relay.DatagramRelay(socket, relayOptions, name);
        var send = new DatagramSend(
            datagrams,
            () => Datagrams.Stdin(parse.GetValue(CommonOptions.Lines), relayOptions.BufferSize),
            sender.Connected ? null : sender.Target,
            CommonOptions.ToTimeSpan(parse.GetValue(CommonOptions.Wait)),
            parse.GetValue(CommonOptions.Count));
        return await Datagrams.RunAsync(token => Datagrams.SendThenWaitAsync(relay, send, Datagrams.Printer(parse), name, token), relay, CommonOptions.ToTimeSpan(parse.GetValue(CommonOptions.IdleTimeout)), name, ct).ConfigureAwait(false);
    }
}
