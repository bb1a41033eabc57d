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
    private static readonly Argument<string> Path = new Argument<string>("PATH") { Description = "Socket file path, or @name for the Linux abstract namespace" }.RejectingOptions();

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
        [Options.Interactive] = "needs a stream client (neither -l nor -u)",
        [Options.Count] = "needs -u",
        [Options.Format] = "needs -u",
        [Options.Wait] = "needs a datagram client (-u without -l)",
        [Options.Lines] = "needs a datagram client (-u without -l)",
        [Options.UnixSource] = "needs a datagram client (-u without -l)",
        [Options.Reply] = "needs a datagram server (-l -u)",
    };

    public static Command Create()
    {
        var command = new Command("unix", "Unix domain sockets, stream or datagram: connect to PATH, or serve it with -l") { Path };
        OptionGroups.AddTo(
            command, OptionGroups.UnixModes, OptionGroups.Relay, OptionGroups.Direction, OptionGroups.Person, OptionGroups.StreamServing,
            OptionGroups.ManyClients, OptionGroups.SocketFile, OptionGroups.DatagramClient, OptionGroups.OwnAddress, OptionGroups.DatagramServing);
        Modes.Check(command, Allowed, option => Needs.GetValueOrDefault(option, "does not apply here"));
        command.SetAction(RunAsync);
        return command;
    }

    private static Option[][] Allowed(System.CommandLine.Parsing.CommandResult result) =>
        (Modes.Has(result, Options.Listen), Modes.Has(result, Options.Dgram)) switch
        {
            (false, false) => [OptionGroups.UnixModes, OptionGroups.Relay, OptionGroups.Direction, OptionGroups.Person],
            (true, false) when Modes.Has(result, Options.KeepOpen) => [OptionGroups.UnixModes, OptionGroups.Relay, OptionGroups.Direction, OptionGroups.StreamServing, OptionGroups.SocketFile, OptionGroups.ManyClients],
            (true, false) => [OptionGroups.UnixModes, OptionGroups.Relay, OptionGroups.Direction, OptionGroups.StreamServing, OptionGroups.SocketFile],
            (false, true) => [OptionGroups.UnixModes, OptionGroups.Relay, OptionGroups.DatagramClient, OptionGroups.OwnAddress],
            (true, true) => [OptionGroups.UnixModes, OptionGroups.Relay, OptionGroups.DatagramServing, OptionGroups.SocketFile],
        };

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var path = UnixPath.Parse(parse.GetValue(Path)!);
        var listen = parse.GetValue(Options.Listen);
        var dgram = parse.GetValue(Options.Dgram);
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
