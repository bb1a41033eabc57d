using System.Net.Sockets;

namespace Nsock.EndToEnd;

/// <summary>
/// nsock listening over a <see cref="Family"/>: <c>listen -v 127.0.0.1 0</c>, <c>listen -v ::1 0</c>
/// or <c>unix -l -v PATH</c> (PATH in a temp directory of its own), with the test's options (-v
/// is added unless they spell it themselves, as -v or --verbose). Ready
/// once its readiness line says where it listens; peers connect with <see cref="ConnectAsync"/>, an
/// nsock client with <see cref="ClientArgs"/>. Disposing kills it and removes the directory.
/// </summary>
internal sealed class NsockServer : IAsyncDisposable
{
    private readonly UnixTempDir? _dir;
    private int _port;

    private NsockServer(Family family, RunningProcess nsock, UnixTempDir? dir)
    {
        Family = family;
        Nsock = nsock;
        _dir = dir;
    }

    public Family Family { get; }

    public RunningProcess Nsock { get; }

    /// <summary>The socket file of a unix server.</summary>
    public string Path => _dir?.File("s") ?? throw new InvalidOperationException($"a {Family} server has no path");

    /// <summary>The port a TCP server listens on, once ready.</summary>
    public int Port => _port != 0 ? _port : throw new InvalidOperationException($"a {Family} server has no port, or is not ready yet");

    /// <summary>Where it listens, as nsock names it: <c>127.0.0.1:PORT</c>, <c>[::1]:PORT</c>, or the path.</summary>
    public string Address => Family == Family.Unix ? Path : Loopback.Shown(Families.Address(Family), Port);

    /// <summary>Starts nsock listening and waits (bounded) until it says it is.</summary>
    public static Task<NsockServer> StartAsync(Family family, params string[] options) => StartAsync(family, options, launch: null);

    /// <inheritdoc cref="Start"/>
    public static async Task<NsockServer> StartAsync(Family family, string[] options, Func<string[], RunningProcess>? launch)
    {
        var server = Start(family, options, launch);
        try
        {
            await server.WaitUntilListeningAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts nsock listening without waiting, for a test that has something to do first; then <see cref="WaitUntilListeningAsync"/>.</summary>
    /// <param name="launch">Starts nsock with these arguments another way (a closed descriptor, a stdout consumer); <see cref="RunningProcess.Nsock"/> by default.</param>
    public static NsockServer Start(Family family, string[] options, Func<string[], RunningProcess>? launch = null)
    {
        ToolPlatform.NeedsFor(family);
        var dir = family == Family.Unix ? new UnixTempDir() : null;
        string[] verbose = options.Contains("-v") || options.Contains("--verbose") ? [] : ["-v"];
        string[] args = dir is not null
            ? ["unix", "-l", .. verbose, .. options, dir.File("s")]
            : ["listen", .. verbose, .. options, Families.Address(family).ToString(), "0"];
        try
        {
            return new NsockServer(family, (launch ?? RunningProcess.Nsock)(args), dir);
        }
        catch
        {
            dir?.Dispose();
            throw;
        }
    }

    /// <summary>Waits for the readiness line (and learns the port a TCP server was given).</summary>
    public async Task WaitUntilListeningAsync(TimeSpan? timeout = null)
    {
        if (Family == Family.Unix)
        {
            await Unix.WaitForListeningAsync(Nsock, Path, timeout);
        }
        else
        {
            _port = await Nsock.WaitForListeningPortAsync(timeout);
        }
    }

    /// <summary>A peer socket of the test, connected to the server.</summary>
    public Task<Socket> ConnectAsync() => Family == Family.Unix ? Unix.ConnectAsync(Path) : Loopback.ConnectAsync(Port, Families.Address(Family));

    /// <summary>The arguments that make another nsock a client of this server: <c>connect [options] HOST PORT</c>, <c>unix [options] PATH</c>.</summary>
    public string[] ClientArgs(params string[] options) =>
        Family == Family.Unix ? ["unix", .. options, Path] : ["connect", .. options, Families.Address(Family).ToString(), Port.ToString()];

    public async ValueTask DisposeAsync()
    {
        await Nsock.DisposeAsync();
        _dir?.Dispose();
    }
}
