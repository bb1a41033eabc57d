using System.Net.Sockets;

namespace Nsock.EndToEnd;

/// <summary>
/// A listening socket of the test's over a <see cref="Family"/> (127.0.0.1 or ::1 on a port the
/// kernel picks, or a path in a temp directory of its own), and the arguments that make nsock
/// connect to it. Disposing closes it and removes the directory.
/// </summary>
internal sealed class PeerListener : IDisposable
{
    private readonly UnixTempDir? _dir;

    private PeerListener(Family family, Socket socket, UnixTempDir? dir)
    {
        Family = family;
        Socket = socket;
        _dir = dir;
    }

    public Family Family { get; }

    public Socket Socket { get; }

    /// <summary>Where it listens, as nsock names it: <c>127.0.0.1:PORT</c>, <c>[::1]:PORT</c>, or the path.</summary>
    public string Address => _dir is not null ? Path : Loopback.Shown(Socket.LocalEndPoint!);

    private string Path => _dir!.File("s");

    /// <param name="backlog">The TCP listener's accept queue (a unix one has the default).</param>
    public static PeerListener Open(Family family, int backlog = 16)
    {
        ToolPlatform.NeedsFor(family);
        if (family != Family.Unix)
        {
            return new PeerListener(family, Loopback.Listen(Families.Address(family), backlog), null);
        }

        var dir = new UnixTempDir();
        try
        {
            return new PeerListener(family, Unix.ListenStream(dir.File("s")), dir);
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>nsock's arguments to connect here: <c>connect [options] HOST PORT</c>, <c>unix [options] PATH</c>.</summary>
    public string[] NsockArgs(params string[] options) => Family == Family.Unix
        ? ["unix", .. options, Path]
        : ["connect", .. options, Families.Address(Family).ToString(), Loopback.PortOf(Socket).ToString()];

    /// <summary>The next client, within <paramref name="timeout"/> (20 s by default).</summary>
    public Task<Socket> AcceptAsync(TimeSpan? timeout = null) => Loopback.AcceptAsync(Socket, timeout);

    public void Dispose()
    {
        Socket.Dispose();
        _dir?.Dispose();
    }
}
