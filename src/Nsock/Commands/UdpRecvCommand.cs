using System.CommandLine;
using Nsock.Endpoints;
using Nsock.Sessions;

namespace Nsock.Commands;

/// <summary><c>nsock udp-recv [HOST] PORT</c>: print every datagram from every sender.</summary>
internal static class UdpRecvCommand
{
    private static readonly Argument<string[]> Address = Arguments.BindAddress("UDP");

    public static Command Create()
    {
        var command = new Command("udp-recv", "Receive UDP datagrams from every sender and print them") { Address };
        OptionGroups.AddTo(command, OptionGroups.Family, OptionGroups.Relay, OptionGroups.DatagramServing, OptionGroups.Multicast);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var (host, port) = Arguments.ReadBindAddress(parse, Address);
        var relay = SettingsFrom.DatagramRelay(parse);
        var settings = SettingsFrom.DatagramServer(parse, relay);
        var bind = new UdpBindAddress(host, port, SettingsFrom.Family(parse), parse.GetValue(Options.Group), parse.GetValue(Options.Interface));
        using var channel = await Udp.BindReceiverAsync(bind, relay.BufferSize, ct).ConfigureAwait(false);
        return await DatagramServer.ServeAsync(channel, settings, ct).ConfigureAwait(false);
    }
}
