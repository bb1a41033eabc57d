using System.CommandLine;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Sessions;

namespace Nsock.Commands;

/// <summary><c>nsock connect HOST PORT</c>: a TCP client between the server and stdin/stdout.</summary>
internal static class ConnectCommand
{
    private static readonly Argument<string> Host = new Argument<string>("HOST") { Description = "Name or IP address to connect to" }.RejectingOptions();
    private static readonly Argument<string> Port = new Argument<string>("PORT") { Description = "TCP port, 1-65535" }.RejectingOptions();

    public static Command Create()
    {
        var command = new Command("connect", "Connect to a TCP server and relay stdin/stdout") { Host, Port };
        OptionGroups.AddTo(command, OptionGroups.Family, OptionGroups.Connecting, OptionGroups.Relay, OptionGroups.Direction, OptionGroups.Person);
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
        var host = parse.GetValue(Host)!;
        HostName.ParseLiteral(host);
        var target = new TcpConnectTarget(
            host,
            PortNumber.Parse(parse.GetValue(Port)!, allowZero: false),
            SettingsFrom.Family(parse),
            SettingsFrom.ToTimeSpan(parse.GetValue(Options.Timeout)),
            parse.GetValue(Options.Source) is { } source ? SourceAddress.Parse(source) : null);
        var relay = SettingsFrom.Relay(parse);
        var stdio = new StdioSide(SettingsFrom.LocalEnd(parse), relay.BufferSize);

        var connection = await Tcp.ConnectAsync(target, ct).ConfigureAwait(false);
        return await StreamSession.RunOnlyAsync(connection, relay, stdio, ct).ConfigureAwait(false);
    }
}
