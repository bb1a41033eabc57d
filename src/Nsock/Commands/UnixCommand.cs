using System.CommandLine;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Sessions;

namespace Nsock.Commands;

/// <summary>
/// <c>nsock unix PATH</c>: a unix domain socket client, or server with -l; stream by default,
/// datagram with -u. PATH may be @name (Linux abstract namespace). Each of the four modes takes
/// its own option groups.
/// </summary>
internal static class UnixCommand
{
    // PATH; with -z, several, and after "--" a command to run once the wait succeeds.
    private static readonly Argument<string[]> Paths = new("PATH") { Arity = ArgumentArity.OneOrMore };

    private static readonly Option[] UnixProbing = [Options.Zero, Options.Timeout, Options.Format, Options.OpenOnly, Options.Any, Options.Wait, Options.UntilClosed];

    // What each option needs where it does not apply.
    private static readonly Dictionary<Option, string> Needs = new()
    {
        [Options.KeepOpen] = "needs a stream server (-l without -u)",
        [Options.Backlog] = "needs a stream server (-l without -u)",
        [Options.MaxConns] = "needs -l -k",
        [Options.Echo] = "needs -l",
        [Options.Stamp] = "needs -l --echo",
        [Options.Mode] = "needs -l (it sets the permissions of the socket file the server makes)",
        [Options.SendOnly] = "needs a stream socket (not -u)",
        [Options.RecvOnly] = "needs a stream socket (not -u)",
        [Options.QuitAfter] = "needs a stream socket (not -u)",
        [Options.HalfClose] = "needs a stream socket (not -u)",
        [Options.Interactive] = "needs a stream client (neither -l nor -u)",
        [Options.Count] = "needs -u",
        [Options.Format] = "needs -u",
        [Options.Wait] = "needs a datagram client (-u without -l)",
        [Options.Lines] = "needs a datagram client (-u without -l)",
        [Options.UnixSource] = "needs a datagram client (-u without -l)",
        [Options.Reply] = "needs a datagram server (-l -u)",
        [Options.Zero] = "does not go with -l (probe a server from outside)",
        [Options.Timeout] = "needs -z",
        [Options.OpenOnly] = "needs -z",
        [Options.Any] = "needs -z",
        [Options.UntilClosed] = "needs -z",
    };

    public static HelpPage Help { get; } = new(
        "nsock unix: unix domain sockets: connect to PATH, or serve it with -l; stream by default, datagrams with -u.",
        ["nsock unix [options] PATH            stream client", "nsock unix -z [-u] [options] PATH...  probe: is a server there?", "nsock unix -l [options] PATH         stream server", "nsock unix -u [options] PATH         datagram client", "nsock unix -l -u [options] PATH      datagram server"],
        [
            new("Operands", [new("PATH", "Socket file path, or @name for the Linux abstract namespace; after --, PATH may start with '-'")]),
            new("Modes", [HelpRow.For(Options.Listen, "Be the server: bind PATH and serve (the socket file is removed at exit)"), HelpRow.For(Options.Dgram)]),
            new("Every mode", [
                HelpRow.For(Options.IdleTimeout), HelpRow.For(Options.Crlf), HelpRow.For(Options.Hex),
                HelpRow.For(Options.BufferSize, "Stream: bytes per read and send (default 65536); datagrams: the largest read from stdin (default 65507)"),
            ]),
            new("Stream (client and server)", [HelpRow.For(Options.SendOnly), HelpRow.For(Options.RecvOnly), HelpRow.For(Options.QuitAfter), HelpRow.For(Options.HalfClose)]),
            new("Stream client", [HelpRow.For(Options.Interactive)]),
            new("Stream server (-l)", [
                HelpRow.For(Options.KeepOpen, "Serve client after client, concurrently; stdin goes to every client"),
                HelpRow.For(Options.MaxConns), HelpRow.For(Options.Backlog), HelpRow.For(Options.Echo), HelpRow.For(Options.Stamp),
            ]),
            new("Servers (-l, stream or datagram)", [HelpRow.For(Options.Mode)]),
            new("Datagram client (-u)", [
                HelpRow.For(Options.UnixSource), HelpRow.For(Options.Lines),
                HelpRow.For(Options.Wait, "After sending, print replies for that long"), HelpRow.For(Options.Count, "Exit 0 after N replies"),
                HelpRow.For(Options.Format, "How replies are printed: raw (payload only), line, hex, json"),
            ]),
            new("Datagram server (-l -u)", [
                HelpRow.For(Options.Count, "Exit 0 after N datagrams"), HelpRow.For(Options.Format, "How datagrams are printed: raw (payload only), line, hex, json"),
                HelpRow.For(Options.Echo, "Send each datagram back to its sender (and print it)"), HelpRow.For(Options.Stamp), HelpRow.For(Options.Reply),
            ]),
            new("Probing (-z, stream or -u)", [
                HelpRow.For(Options.Zero, "Is a server there? open, refused (a stale socket file), missing, not a socket; a connect and a close, nothing sent"),
                HelpRow.For(Options.Timeout, "Per probe (default 5s)"), HelpRow.For(Options.Format, "One record per path on stdout: line or json (JSON Lines)"),
                HelpRow.For(Options.OpenOnly), HelpRow.For(Options.Any),
                HelpRow.For(Options.Wait, "Probe again until every path is open (or --any, --closed), at most that long"), HelpRow.For(Options.UntilClosed),
            ]),
            HelpPage.General("Progress on stderr: 'listening on PATH' once bound, each peer, byte counts"),
            HelpPage.ExitCodes(
                (0, "done"), (1, "refused (a stale socket file: nobody listening), reset"), (2, "usage"), (4, "idle timeout"),
                (5, "in use by a live server, permission denied, no such directory, path too long, not a socket"), (130, "SIGINT (143 SIGTERM)")),
        ],
        [
            ("nsock unix /run/app.sock", "talk to a local service"),
            ("nsock unix -lk --echo /tmp/echo.sock", "an echo server on a socket file"),
            ("nsock unix -l -u --format line @logs", "print each datagram sent to the abstract name 'logs'"),
            ("echo ping | nsock unix -u --wait 1 /tmp/d.sock", "send one datagram and print the replies for a second"),
        ]);

    public static Command Create()
    {
        var command = new Command("unix", "Unix domain sockets, stream or datagram: connect to PATH, or serve it with -l") { Paths };
        OptionGroups.AddTo(
            command, OptionGroups.UnixModes, OptionGroups.Relay, OptionGroups.Direction, OptionGroups.StdinEnd, OptionGroups.Person, OptionGroups.StreamServing,
            OptionGroups.ManyClients, OptionGroups.SocketFile, OptionGroups.DatagramClient, OptionGroups.OwnAddress, OptionGroups.DatagramServing, UnixProbing);
        Modes.Check(command, Allowed, option => Needs.GetValueOrDefault(option, "does not apply here"));
        command.SetAction(RunAsync);
        return command;
    }

    private static Option[][] Allowed(System.CommandLine.Parsing.CommandResult result) =>
        Modes.Has(result, Options.Zero) && !Modes.Has(result, Options.Listen) ? [[Options.Dgram], UnixProbing] : (Modes.Has(result, Options.Listen), Modes.Has(result, Options.Dgram)) switch
        {
            (false, false) => [OptionGroups.UnixModes, OptionGroups.Relay, OptionGroups.Direction, OptionGroups.StdinEnd, OptionGroups.Person],
            (true, false) when Modes.Has(result, Options.KeepOpen) => [OptionGroups.UnixModes, OptionGroups.Relay, OptionGroups.Direction, OptionGroups.StdinEnd, OptionGroups.StreamServing, OptionGroups.SocketFile, OptionGroups.ManyClients],
            (true, false) => [OptionGroups.UnixModes, OptionGroups.Relay, OptionGroups.Direction, OptionGroups.StdinEnd, OptionGroups.StreamServing, OptionGroups.SocketFile],
            (false, true) => [OptionGroups.UnixModes, OptionGroups.Relay, OptionGroups.DatagramClient, OptionGroups.OwnAddress],
            (true, true) => [OptionGroups.UnixModes, OptionGroups.Relay, OptionGroups.DatagramServing, OptionGroups.SocketFile],
        };

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var operands = parse.GetValue(Paths)!;
        if (parse.GetValue(Options.Zero))
        {
            var (targets, then) = SettingsFrom.ProbeOperands(operands);
            var settings = SettingsFrom.Probe(parse, parse.GetValue(Options.Dgram) ? "unix-dgram" : "unix", then);
            var paths = targets.Length > 0 ? targets.Select(UnixPath.Parse).ToList() : throw NsockException.Usage("-z", "give the PATH (or @name) to probe");
            return await PortProbe.RunAsync(ProbeRounds.Unix(paths, parse.GetValue(Options.Dgram), settings.Timeout), settings, ct).ConfigureAwait(false);
        }

        if (operands.Length > 1)
        {
            throw NsockException.Usage(operands[1], "one PATH only (several are for -z)");
        }

        var path = UnixPath.Parse(operands[0]);
        var listen = parse.GetValue(Options.Listen);
        var dgram = parse.GetValue(Options.Dgram);
        return (listen, dgram) switch
        {
            (false, false) => await StreamClientAsync(parse, path, ct).ConfigureAwait(false),
            (true, false) => await StreamServerAsync(parse, path, ct).ConfigureAwait(false),
            (false, true) => await DatagramClientAsync(parse, path, ct).ConfigureAwait(false),
            (true, true) => await DatagramServerAsync(parse, path, ct).ConfigureAwait(false),
        };
    }

    private static async Task<int> StreamClientAsync(ParseResult parse, UnixPath path, CancellationToken ct)
    {
        var relay = SettingsFrom.Relay(parse);
        var stdio = new StdioSide(SettingsFrom.LocalEnd(parse), relay.BufferSize);
        var connection = await Unix.ConnectAsync(path, ct).ConfigureAwait(false);
        return await StreamSession.RunOnlyAsync(connection, relay, stdio, ct).ConfigureAwait(false);
    }

    private static async Task<int> StreamServerAsync(ParseResult parse, UnixPath path, CancellationToken ct)
    {
        var relay = SettingsFrom.Relay(parse);
        var stdio = new StdioSide(SettingsFrom.LocalEnd(parse), relay.BufferSize);
        var server = SettingsFrom.StreamServer(parse, relay);
        using var listener = await Unix.ListenAsync(path, parse.GetValue(Options.Backlog) ?? 128, Mode(parse, path), ct).ConfigureAwait(false);
        return await StreamServer.ServeAsync(listener, server, stdio, ct).ConfigureAwait(false);
    }

    private static async Task<int> DatagramClientAsync(ParseResult parse, UnixPath path, CancellationToken ct)
    {
        var relay = SettingsFrom.DatagramRelay(parse);
        var settings = SettingsFrom.DatagramClient(parse, [], null, relay);
        var source = parse.GetValue(Options.UnixSource) is { } text ? UnixPath.Parse(text) : null;
        using var channel = await Unix.OpenDatagramClientAsync(path, source, relay.BufferSize, ct).ConfigureAwait(false);
        return await DatagramClient.RunAsync(channel, settings, ct).ConfigureAwait(false);
    }

    private static async Task<int> DatagramServerAsync(ParseResult parse, UnixPath path, CancellationToken ct)
    {
        var relay = SettingsFrom.DatagramRelay(parse);
        var settings = SettingsFrom.DatagramServer(parse, relay);
        using var channel = await Unix.BindDatagramAsync(path, Mode(parse, path), relay.BufferSize, ct).ConfigureAwait(false);
        return await DatagramServer.ServeAsync(channel, settings, ct).ConfigureAwait(false);
    }

    // An abstract name has no file, so no permissions to give it.
    private static UnixFileMode? Mode(ParseResult parse, UnixPath path) => parse.GetValue(Options.Mode) is not null && path.IsAbstract
        ? throw NsockException.Usage("--mode", $"{path} is an abstract name: it has no file and no permissions")
        : parse.GetValue(Options.Mode);
}
