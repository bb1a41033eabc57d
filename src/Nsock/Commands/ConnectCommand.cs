using System.CommandLine;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Sessions;

namespace Nsock.Commands;

/// <summary><c>nsock connect HOST PORT</c>: a TCP client between the server and stdin/stdout.</summary>
internal static class ConnectCommand
{
    // HOST PORT; with -z, HOST PORTS pairs, and after "--" a command to run once the wait succeeds.
    private static readonly Argument<string[]> Operands = new("HOST PORT") { Arity = ArgumentArity.ZeroOrMore };

    public static HelpPage Help { get; } = new(
        "nsock connect: connect to a TCP server and move bytes between it and stdin/stdout until both ways are done.",
        ["nsock connect [options] HOST PORT", "nsock connect -z [options] HOST PORTS [HOST PORTS...] [-- COMMAND...]"],
        [
            new("Operands", [
                new("HOST", "Name or IP address (IPv6 with or without brackets)"), new("PORT", "TCP port, 1-65535"),
                new("PORTS", "With -z: 80, 80,443, 8000-8100, service names (http) and mixes of them"),
            ]),
            new("Connecting", [
                HelpRow.For(Options.Ipv4), HelpRow.For(Options.Ipv6), HelpRow.For(Options.Numeric),
                HelpRow.For(Options.Timeout, "Connect timeout (each address gets it); once stdin has ended, also how long a silent server is waited for (as nc -w)"),
                HelpRow.For(Options.Source, "Connect from this local address (and port)"),
                HelpRow.For(Options.LocalPort, "Connect from this local port (the same as -s :PORT)"),
            ]),
            new("Data", [
                HelpRow.For(Options.IdleTimeout), HelpRow.For(Options.Crlf), HelpRow.For(Options.Hex),
                HelpRow.For(Options.BufferSize, "Bytes per read and send (default 65536)"),
                HelpRow.For(Options.SendOnly), HelpRow.For(Options.RecvOnly), HelpRow.For(Options.Interactive),
                HelpRow.For(Options.QuitAfter), HelpRow.For(Options.HalfClose),
            ]),
            new("Probing (-z)", [
                HelpRow.For(Options.Zero, "Is something there? Connect and close each port, sending nothing (the peer sees a connection and a FIN)"),
                HelpRow.For(Options.Timeout, "Per attempt (default 5s)"),
                HelpRow.For(Options.Parallel), HelpRow.For(Options.Format, "One record per probed port on stdout: line or json (JSON Lines)"),
                HelpRow.For(Options.OpenOnly), HelpRow.For(Options.Any),
                HelpRow.For(Options.Wait, "Probe again until every port is open (or --any, --closed), at most that long; then run COMMAND if given"),
                HelpRow.For(Options.UntilClosed),
            ]),
            HelpPage.General("Progress on stderr: the connection, the byte counts; with -z, the open ports and a summary"),
            HelpPage.ExitCodes(
                (0, "both directions done"), (1, "refused, reset or unreachable; -z: a probed port is closed"), (2, "usage"), (3, "the name does not resolve"),
                (4, "connect or idle timeout; -z: only timeouts failed, or --wait ran out"), (5, "a local resource (source address in use, permission)"), (130, "SIGINT (143 SIGTERM)")),
        ],
        [
            ("printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nsock connect example.com 80", "an HTTP request; the reply comes out on stdout"),
            ("echo hi | nsock connect -q 1 127.0.0.1 7000", "send a line, then give the server at most a second to answer"),
            ("nsock connect -v -w 2 ::1 22 < /dev/null", "is something listening? exit 1 refused, 4 timed out"),
            ("nsock connect --interactive 127.0.0.1 7000", "type lines to a server; a line 'close' ends"),
            ("nsock connect -z -v 127.0.0.1 20-25,http", "which of these ports are open?"),
            ("nsock connect -z --wait 30s db 5432 -- ./migrate", "wait for the database, then run the migrations"),
        ]);

    public static Command Create()
    {
        var command = new Command("connect", "Connect to a TCP server and relay stdin/stdout") { Operands };
        Option[][] session = [OptionGroups.Family, OptionGroups.Connecting, OptionGroups.Relay, OptionGroups.Direction, OptionGroups.Person, OptionGroups.StdinEnd];
        OptionGroups.AddTo(command, [.. session, OptionGroups.Probing]);
        Modes.Check(
            command,
            result => Modes.Has(result, Options.Zero) ? [OptionGroups.Family, [Options.Timeout], OptionGroups.Probing] : session,
            option => OptionGroups.Probing.Contains(option) ? "needs -z" : "does not apply to -z");
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        if (parse.GetValue(Options.Zero))
        {
            return await ProbeAsync(parse, ct).ConfigureAwait(false);
        }

        var (host, port) = (parse.GetValue(Operands) ?? []) switch
        {
            [var h, var p] => (h, p),
            [var glued] when glued.Contains(':') => throw NsockException.Usage(glued, "give HOST and PORT as two arguments"), // "::1:5000", "host:80"
            [] => throw NsockException.Usage("connect", "HOST and PORT are missing"),
            [_] => throw NsockException.Usage("connect", "PORT is missing"),
            [_, _, var extra, ..] => throw NsockException.Usage(extra, "one HOST PORT only (several targets are for -z)"),
        };
        var target = new TcpConnectTarget(
            SettingsFrom.Host(parse, host),
            PortNumber.Parse(port, allowZero: false),
            SettingsFrom.Family(parse),
            parse.GetValue(Options.Timeout),
            SettingsFrom.Source(parse));
        var relay = SettingsFrom.Relay(parse);
        var stdio = new StdioSide(SettingsFrom.LocalEnd(parse), relay.BufferSize);

        var connection = await Tcp.ConnectAsync(target, ct).ConfigureAwait(false);
        return await StreamSession.RunOnlyAsync(connection, relay, stdio, ct).ConfigureAwait(false);
    }

    private static async Task<int> ProbeAsync(ParseResult parse, CancellationToken ct)
    {
        var (targets, then) = SettingsFrom.ProbeOperands(parse.GetValue(Operands) ?? []);
        var settings = SettingsFrom.Probe(parse, "tcp", then);
        var pairs = SettingsFrom.ProbePairs(parse, targets, "tcp");
        var round = await ProbeRounds.TcpAsync(pairs, SettingsFrom.Family(parse), settings.Timeout, ProbeRounds.Parallel(parse.GetValue(Options.Parallel)), ct).ConfigureAwait(false);
        return await PortProbe.RunAsync(round, settings, ct).ConfigureAwait(false);
    }
}
