using System.CommandLine;
using System.Net.Sockets;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Sessions;

namespace Nsock.Commands;

/// <summary>
/// <c>nsock unix PATH</c>: a unix domain socket client, or server with -l; stream by default,
/// datagram with -u. PATH may be @name (Linux abstract namespace).
/// </summary>
internal static class UnixCommand
{
    private static readonly Argument<string> Path = new Argument<string>("PATH") { Description = "Socket file path, or @name for the Linux abstract namespace" }.RejectingOptions();

    public static Command Create()
    {
        var command = new Command("unix", "Unix domain sockets, stream or datagram: connect to PATH, or serve it with -l")
        {
            Path,
            CommonOptions.Listen, CommonOptions.Dgram, CommonOptions.Verbose, CommonOptions.KeepOpen, CommonOptions.MaxConns,
            CommonOptions.Backlog, CommonOptions.Echo, CommonOptions.Stamp, CommonOptions.SendOnly, CommonOptions.RecvOnly,
            CommonOptions.IdleTimeout, CommonOptions.Crlf, CommonOptions.Hex, CommonOptions.BufferSize, CommonOptions.NoColor,
            CommonOptions.Interactive, CommonOptions.UnixSource, CommonOptions.Mode, CommonOptions.Reply, CommonOptions.Count,
            CommonOptions.Format, CommonOptions.Wait,
        };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var path = UnixPath.Parse(parse.GetValue(Path)!);
        var listen = parse.GetValue(CommonOptions.Listen);
        var dgram = parse.GetValue(CommonOptions.Dgram);
        if (dgram && OperatingSystem.IsWindows())
        {
            throw NsockException.Usage("--dgram", "Windows has unix stream sockets only");
        }

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
        var relay = CommonOptions.Relay(parse);
        var stdio = new StdioSide(CommonOptions.LocalEnd(parse), relay.BufferSize);
        var connection = await Unix.ConnectAsync(path, ct).ConfigureAwait(false);
        return await StreamSession.RunOnlyAsync(connection, relay, stdio, ct).ConfigureAwait(false);
    }

    private static async Task<int> StreamServerAsync(ParseResult parse, UnixPath path, CancellationToken ct)
    {
        var relay = CommonOptions.Relay(parse);
        var stdio = new StdioSide(CommonOptions.LocalEnd(parse), relay.BufferSize);
        using var listener = await Unix.ListenAsync(path, parse.GetValue(CommonOptions.Backlog) ?? 128, Mode(parse, path), ct).ConfigureAwait(false);
        return await StreamServer.ServeAsync(listener, CommonOptions.Server(parse, relay), stdio, ct).ConfigureAwait(false);
    }

    private static async Task<int> DatagramClientAsync(ParseResult parse, UnixPath path, CancellationToken ct)
    {
        var relay = DatagramOptions.Relay(parse);
        var source = parse.GetValue(CommonOptions.UnixSource) is { } text ? UnixPath.Parse(text) : null;
        using var channel = await Unix.OpenDatagramClientAsync(path, source, relay.BufferSize, ct).ConfigureAwait(false);
        return await DatagramClient.RunAsync(channel, DatagramOptions.Client(parse, [], null, relay), ct).ConfigureAwait(false);
    }

    // An abstract name has no file, so no permissions to give it.
    private static UnixFileMode? Mode(ParseResult parse, UnixPath path) => parse.GetValue(CommonOptions.Mode) is not null && path.IsAbstract
        ? throw NsockException.Usage("--mode", $"{path} is an abstract name: it has no file and no permissions")
        : parse.GetValue(CommonOptions.Mode);

    private static async Task<int> DatagramServerAsync(ParseResult parse, UnixPath path, CancellationToken ct)
    {
        var relay = DatagramOptions.Relay(parse);
        var settings = DatagramOptions.Server(parse, relay);
        using var channel = await Unix.BindDatagramAsync(path, Mode(parse, path), relay.BufferSize, ct).ConfigureAwait(false);
        return await DatagramServer.ServeAsync(channel, settings, ct).ConfigureAwait(false);
    }
}
