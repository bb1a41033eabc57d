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
        var command = new Command("udp-send", "Send UDP datagrams: each TEXT, or each stdin read, is one datagram") { Host, Port, Texts };
        OptionGroups.AddTo(command, OptionGroups.Family, OptionGroups.Relay, OptionGroups.UdpSending, OptionGroups.DatagramClient);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var host = parse.GetValue(Host)!;
        HostName.ParseLiteral(host);
        var port = PortNumber.Parse(parse.GetValue(Port)!, allowZero: false);
        var relay = SettingsFrom.DatagramRelay(parse);
        var texts = (parse.GetValue(Texts) ?? []).Select(Encoding.UTF8.GetBytes).ToArray();
        if (texts.FirstOrDefault(d => d.Length > relay.BufferSize) is { } tooLong)
        {
            throw NsockException.Usage($"TEXT of {tooLong.Length} bytes", $"a datagram holds at most {relay.BufferSize} bytes");
        }

        var target = new UdpSendTarget(
            host, port, SettingsFrom.Family(parse),
            parse.GetValue(Options.Source) is { } source ? SourceAddress.Parse(source) : null,
            parse.GetValue(Options.Broadcast), parse.GetValue(Options.Ttl), parse.GetValue(Options.Interface));

        var sender = await Udp.OpenSenderAsync(target, relay.BufferSize, ct).ConfigureAwait(false);
        using var channel = sender.Channel;
        return await DatagramClient.RunAsync(channel, SettingsFrom.DatagramClient(parse, texts, sender.To, relay), ct).ConfigureAwait(false);
    }
}
