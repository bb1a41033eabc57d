using System.CommandLine;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Sessions;

namespace Nsock.Commands;

/// <summary><c>nsock connect HOST PORT</c>: a TCP client between the server and stdin/stdout.</summary>
internal static class ConnectCommand
{
    private static readonly Argument<string> Host = new("HOST") { Description = "Name or IP address to connect to" };
    private static readonly Argument<string> Port = new("PORT") { Description = "TCP port, 1-65535" };

    public static HelpPage Help { get; } = new(
        "nsock connect: connect to a TCP server and move bytes between it and stdin/stdout until both ways are done.",
        ["nsock connect [options] HOST PORT"],
        [
            new("Operands", [new("HOST", "Name or IP address (IPv6 with or without brackets)"), new("PORT", "TCP port, 1-65535")]),
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
            HelpPage.General("Progress on stderr: the connection, the byte counts"),
            HelpPage.ExitCodes(
                (0, "both directions done"), (1, "refused, reset or unreachable"), (2, "usage"), (3, "the name does not resolve"),
                (4, "connect or idle timeout"), (5, "a local resource (source address in use, permission)"), (130, "SIGINT (143 SIGTERM)")),
        ],
        [
            ("printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nsock connect example.com 80", "an HTTP request; the reply comes out on stdout"),
            ("echo hi | nsock connect -q 1 127.0.0.1 7000", "send a line, then give the server at most a second to answer"),
            ("nsock connect -v -w 2 ::1 22 < /dev/null", "is something listening? exit 1 refused, 4 timed out"),
            ("nsock connect --interactive 127.0.0.1 7000", "type lines to a server; a line 'close' ends"),
        ]);

    public static Command Create()
    {
        var command = new Command("connect", "Connect to a TCP server and relay stdin/stdout") { Host, Port };
        OptionGroups.AddTo(command, OptionGroups.Family, OptionGroups.Connecting, OptionGroups.Relay, OptionGroups.Direction, OptionGroups.Person, OptionGroups.StdinEnd);
        command.Validators.Add(result =>
        {
            // "connect ::1:5000" or "connect host:80": one glued argument where two belong.
            if (result.GetResult(Port) is null && result.GetResult(Host)?.Tokens is [var glued] && glued.Value.Contains(':'))
            {
                UsageErrors.Add(result, $"'{glued.Value}': give HOST and PORT as two arguments");
            }
        });
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var target = new TcpConnectTarget(
            SettingsFrom.Host(parse, parse.GetValue(Host)!),
            PortNumber.Parse(parse.GetValue(Port)!, allowZero: false),
            SettingsFrom.Family(parse),
            parse.GetValue(Options.Timeout),
            SettingsFrom.Source(parse));
        var relay = SettingsFrom.Relay(parse);
        var stdio = new StdioSide(SettingsFrom.LocalEnd(parse), relay.BufferSize);

        var connection = await Tcp.ConnectAsync(target, ct).ConfigureAwait(false);
        return await StreamSession.RunOnlyAsync(connection, relay, stdio, ct).ConfigureAwait(false);
    }
}
