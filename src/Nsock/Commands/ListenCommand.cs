using System.CommandLine;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Sessions;
using Nsock.Terminal;

namespace Nsock.Commands;

/// <summary><c>nsock listen [HOST] PORT</c>: a TCP server for one client, or many with -k.</summary>
internal static class ListenCommand
{
    private static readonly Argument<string[]> Address = CommonOptions.BindAddress("TCP");

    public static Command Create()
    {
        var command = new Command("listen", "Listen for TCP clients and relay stdin/stdout")
        {
            Address,
            CommonOptions.Ipv4, CommonOptions.Ipv6, CommonOptions.Verbose, CommonOptions.IdleTimeout,
            CommonOptions.SendOnly, CommonOptions.RecvOnly, CommonOptions.Crlf, CommonOptions.Hex,
            CommonOptions.BufferSize, CommonOptions.NoColor, CommonOptions.KeepOpen, CommonOptions.MaxConns,
            CommonOptions.Backlog, CommonOptions.Echo, CommonOptions.Stamp,
        };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var (host, port) = CommonOptions.ReadBindAddress(parse, Address);
        var backlog = parse.GetValue(CommonOptions.Backlog) ?? 128;

        var relay = CommonOptions.Relay(parse);
        var stdio = new StdioSide(CommonOptions.LocalEnd(parse), relay.BufferSize);
        using var listener = await Tcp.ListenAsync(new TcpListenAddress(host, port, CommonOptions.Family(parse), backlog), ct).ConfigureAwait(false);

        return await StreamServer.ServeAsync(listener, CommonOptions.Server(parse, relay), stdio, ct).ConfigureAwait(false);
    }
}
