using System.CommandLine;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Sessions;

namespace Nsock.Commands;

/// <summary><c>nsock listen [HOST] PORT</c>: a TCP server for one client, or many with -k.</summary>
internal static class ListenCommand
{
    private static readonly Argument<string[]> Address = Arguments.BindAddress("TCP");

    public static HelpPage Help { get; } = new(
        "nsock listen: wait for a TCP client and move bytes between it and stdin/stdout; with -k, serve client after client.",
        ["nsock listen [options] [HOST] PORT", "nsock listen [options] -p PORT [HOST]"],
        [
            new("Operands", [
                new("HOST", "Address to listen on (default: every address, IPv4 and IPv6)"),
                new("PORT", "TCP port, 0-65535 (0: a free one, shown with -v)"),
            ]),
            new("Listening", [
                HelpRow.For(Options.Ipv4), HelpRow.For(Options.Ipv6), HelpRow.For(Options.Numeric),
                HelpRow.For(Options.LocalPort, "The port to listen on (as nc -l -p)"),
                HelpRow.For(Options.Listen, "Accepted for nc -l; listen always listens"),
                HelpRow.For(Options.Backlog),
            ]),
            new("Clients", [
                HelpRow.For(Options.KeepOpen, "Serve client after client, concurrently; stdin goes to every client"),
                HelpRow.For(Options.MaxConns), HelpRow.For(Options.Echo), HelpRow.For(Options.Stamp),
            ]),
            new("Data", [
                HelpRow.For(Options.IdleTimeout), HelpRow.For(Options.Crlf), HelpRow.For(Options.Hex),
                HelpRow.For(Options.BufferSize, "Bytes per read and send (default 65536)"),
                HelpRow.For(Options.SendOnly), HelpRow.For(Options.RecvOnly), HelpRow.For(Options.QuitAfter), HelpRow.For(Options.HalfClose),
            ]),
            HelpPage.General("Progress on stderr: 'listening on ADDR:PORT' once bound, each client, byte counts"),
            HelpPage.ExitCodes(
                (0, "the client's session is done (-k: never ends by itself)"), (1, "the connection failed (reset)"), (2, "usage"),
                (3, "HOST does not resolve"), (4, "idle timeout"), (5, "address in use, permission denied"), (130, "SIGINT (143 SIGTERM)")),
        ],
        [
            ("nsock listen 4444 > received.bin", "take one client's upload, then exit"),
            ("nsock listen -v 127.0.0.1 0", "listen on a free port of loopback; stderr says which"),
            ("nsock listen -k --echo 7000", "an echo server for any number of clients"),
            ("nsock listen -6 9005", "IPv6 clients only"),
        ]);

    public static Command Create()
    {
        var command = new Command("listen", "Listen for TCP clients and relay stdin/stdout") { Address };
        Option[][] single = [OptionGroups.Family, OptionGroups.ServerHabits, OptionGroups.Relay, OptionGroups.Direction, OptionGroups.StdinEnd, OptionGroups.StreamServing];
        OptionGroups.AddTo(command, [.. single, OptionGroups.ManyClients]);
        Modes.Check(command, result => Modes.Has(result, Options.KeepOpen) ? [.. single, OptionGroups.ManyClients] : single, _ => "needs -k");
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
