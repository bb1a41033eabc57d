using System.CommandLine;
using System.Text;
using Nsock.Endpoints;
using Nsock.Sessions;

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
        var relay = DatagramOptions.Relay(parse);
        var texts = (parse.GetValue(Texts) ?? []).Select(Encoding.UTF8.GetBytes).ToArray();
        if (texts.FirstOrDefault(d => d.Length > relay.BufferSize) is { } tooLong)
        {
            throw NsockException.Usage($"TEXT of {tooLong.Length} bytes", $"a datagram holds at most {relay.BufferSize} bytes");
        }

        var target = new UdpSendTarget(
            host, port, CommonOptions.Family(parse),
            parse.GetValue(CommonOptions.Source) is { } source ? SourceAddress.Parse(source) : null,
            parse.GetValue(CommonOptions.Broadcast), parse.GetValue(CommonOptions.Ttl), parse.GetValue(CommonOptions.Interface));

        var sender = await Udp.OpenSenderAsync(target, relay.BufferSize, ct).ConfigureAwait(false);
        using var channel = sender.Channel;
        return await DatagramClient.RunAsync(channel, DatagramOptions.Client(parse, texts, sender.To, relay), ct).ConfigureAwait(false);
    }
}
