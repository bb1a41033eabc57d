using System.CommandLine;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Sessions;

namespace Nsock.Commands;

/// <summary><c>nsock listen [HOST] PORT</c>: a TCP server for one client, or many with -k.</summary>
internal static class ListenCommand
{
    private static readonly Argument<string[]> Address = Arguments.BindAddress("TCP");

    public static Command Create()
    {
        var command = new Command("listen", "Listen for TCP clients and relay stdin/stdout") { Address };
        OptionGroups.AddTo(command, OptionGroups.Family, OptionGroups.Relay, OptionGroups.Direction, OptionGroups.StreamServing, OptionGroups.ManyClients);
        Modes.Check(
            command,
            result => Modes.Has(result, Options.KeepOpen)
                ? [OptionGroups.Family, OptionGroups.Relay, OptionGroups.Direction, OptionGroups.StreamServing, OptionGroups.ManyClients]
                : [OptionGroups.Family, OptionGroups.Relay, OptionGroups.Direction, OptionGroups.StreamServing],
            _ => "needs -k");
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var (host, port) = Arguments.ReadBindAddress(parse, Address);
        var backlog = parse.GetValue(Options.Backlog) ?? 128;

        var relay = SettingsFrom.Relay(parse);
        var stdio = new StdioSide(SettingsFrom.LocalEnd(parse), relay.BufferSize);
        var server = SettingsFrom.StreamServer(parse, relay);
        using var listener = await Tcp.ListenAsync(new TcpListenAddress(host, port, SettingsFrom.Family(parse), backlog), ct).ConfigureAwait(false);

        return await StreamServer.ServeAsync(listener, server, stdio, ct).ConfigureAwait(false);
    }
}
