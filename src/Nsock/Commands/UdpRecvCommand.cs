using System.CommandLine;
using System.Net;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Relay;

namespace Nsock.Commands;

/// <summary><c>nsock udp-recv [HOST] PORT</c>: print every datagram from every sender.</summary>
internal static class UdpRecvCommand
{
    private static readonly Argument<string[]> Address = new Argument<string[]>("[HOST] PORT")
    {
        Description = "Address to bind (default: every address, IPv4 and IPv6) and UDP port (0: any free port)",
        Arity = new ArgumentArity(1, 2),
    }.RejectingOptions();

    public static Command Create()
    {
        var command = new Command("udp-recv", "Receive UDP datagrams from every sender and print them")
        {
            Address,
            CommonOptions.Ipv4, CommonOptions.Ipv6, CommonOptions.Verbose, CommonOptions.Count, CommonOptions.IdleTimeout,
            CommonOptions.Format, CommonOptions.Echo, CommonOptions.Stamp, CommonOptions.Reply, CommonOptions.Group,
            CommonOptions.Interface, CommonOptions.Crlf, CommonOptions.Hex, CommonOptions.BufferSize, CommonOptions.NoColor,
        };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var words = parse.GetValue(Address)!;
        var host = words.Length == 2 ? words[0] : null;
        if (host is not null)
        {
            HostName.ParseLiteral(host);
        }

        var port = PortNumber.Parse(words[^1], allowZero: true);
        var echo = parse.GetValue(CommonOptions.Echo);
        var stamp = parse.GetValue(CommonOptions.Stamp);
        var reply = parse.GetValue(CommonOptions.Reply);
        if (stamp && !echo)
        {
            throw NsockException.Usage("--stamp", "only makes sense with --echo");
        }

        if (echo && reply)
        {
            throw NsockException.Usage("--reply", "cannot be combined with --echo");
        }

        var relayOptions = Datagrams.Relay(parse);
        using var socket = await UdpSockets.BindReceiverAsync(
            new UdpBindAddress(host, port, CommonOptions.Family(parse), parse.GetValue(CommonOptions.Group), parse.GetValue(CommonOptions.Interface)), ct).ConfigureAwait(false);
        var name = EndpointText.Format(socket.LocalEndPoint);
        var relay = new DatagramRelay(socket, relayOptions, name);
        IDatagramSink printer = Datagrams.Printer(parse);
        var senders = new LatestSender(echo ? new DatagramEcho(relay, printer, stamp) : printer);
        var count = parse.GetValue(CommonOptions.Count);

        var replyFrom = reply ? Datagrams.Stdin(lines: false, relayOptions.BufferSize) : null;
        return await Datagrams.RunAsync(token => Datagrams.ServeAsync(relay, senders, count, replyFrom, token), relay, CommonOptions.ToTimeSpan(parse.GetValue(CommonOptions.IdleTimeout)), name, ct).ConfigureAwait(false);
    }
}
