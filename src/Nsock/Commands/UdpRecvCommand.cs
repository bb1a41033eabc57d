using System.CommandLine;
using Nsock.Endpoints;
using Nsock.Sessions;

namespace Nsock.Commands;

/// <summary><c>nsock udp-recv [HOST] PORT</c>: print every datagram from every sender.</summary>
internal static class UdpRecvCommand
{
    private static readonly Argument<string[]> Address = CommonOptions.BindAddress("UDP");

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
        var (host, port) = CommonOptions.ReadBindAddress(parse, Address);
        var relay = DatagramOptions.Relay(parse);
        var settings = DatagramOptions.Server(parse, relay);
        using var channel = await Udp.BindReceiverAsync(
            new UdpBindAddress(host, port, CommonOptions.Family(parse), parse.GetValue(CommonOptions.Group), parse.GetValue(CommonOptions.Interface)), relay.BufferSize, ct).ConfigureAwait(false);
        return await DatagramServer.ServeAsync(channel, settings, ct).ConfigureAwait(false);
    }
}
