using System.Net.Sockets;
using Nsock.Platform;
using Nsock.Terminal;

namespace Nsock.Endpoints;

/// <summary>
/// The socket file a unix server binds. Before binding: a stale socket (nobody answers) is
/// replaced, a live one is refused as in use, anything that is not a socket is left alone (exit
/// 5). Right after binding, the file's device and inode are recorded; when nsock ends, by any path
/// (dispose, process exit, signal), the file is removed only if it is still that very socket, so
/// a file or another server's socket put at the path meanwhile is never touched.
/// </summary>
internal sealed class UnixSocketFile : IDisposable
{
    private readonly string _path;
    private readonly FileIdentity? _identity;
    private int _removed;

    private UnixSocketFile(string path, FileIdentity? identity)
    {
        _path = path;
        _identity = identity;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>Makes the path free to bind, or explains (exit 5) why it is not.</summary>
    public static async Task ClearForBindAsync(UnixPath path, SocketType type, CancellationToken ct)
    {
        if (path.IsAbstract)
        {
            return;
        }

        var kind = FileKind.Of(path.Text);
        if (WhyUnreachable(kind) is { } why)
        {
            throw new NsockException(ExitCodes.LocalResource, path.Text, why);
        }

        switch (kind)
        {
            case FileKindValue.Missing:
                return;
            case FileKindValue.Other:
                throw new NsockException(ExitCodes.LocalResource, path.Text, "exists and is not a socket (left untouched)");
            case FileKindValue.Unknown:
                throw new NsockException(ExitCodes.LocalResource, path.Text, "exists (nsock cannot tell a socket here, so leaves it alone)");
        }

        if (await IsLiveAsync(path, type, ct).ConfigureAwait(false))
        {
            throw new NsockException(ExitCodes.LocalResource, path.Text, "in use by a live socket");
        }

        File.Delete(path.Text);
        Log.Info($"replaced stale socket {path}");
    }

    /// <summary>
    /// Why nothing can be at a path whose directory cannot be reached, in nsock's words (servers
    /// and clients alike); null when the directory is there to look in.
    /// </summary>
    public static string? WhyUnreachable(FileKindValue kind) => kind switch
    {
        FileKindValue.NoDirectory => "no such directory",
        FileKindValue.NotDirectory => "no such directory (a name on the way is not a directory)",
        FileKindValue.NoAccess => "permission denied (a directory on the way may not be searched)",
        _ => null,
    };

    /// <summary>
    /// Takes charge of the file just bound at <paramref name="path"/>: null for @names, and null
    /// (nothing will ever be removed) should the path already hold something else.
    /// </summary>
    public static UnixSocketFile? Adopt(UnixPath path)
    {
        if (path.IsAbstract)
        {
            return null;
        }

        var (kind, identity) = FileKind.Read(path.Text, followLinks: false);
        return kind switch
        {
            FileKindValue.Socket => new UnixSocketFile(path.Text, identity),
            FileKindValue.Unknown => new UnixSocketFile(path.Text, null), // no file types here (Windows): removed on trust
            _ => null,
        };
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        Remove();
    }

    private void OnProcessExit(object? sender, EventArgs e) => Remove();

    private void Remove()
    {
        if (Interlocked.Exchange(ref _removed, 1) != 0)
        {
            return;
        }

        var (kind, identity) = FileKind.Read(_path, followLinks: false);
        var ours = _identity is null ? kind is FileKindValue.Socket or FileKindValue.Unknown : kind == FileKindValue.Socket && identity == _identity;
        if (!ours)
        {
            return;
        }

        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Is a socket bound at this path? The kernel's table answers without touching the server;
    /// only where it cannot tell does a connect probe decide.
    /// </summary>
    private static async Task<bool> IsLiveAsync(UnixPath path, SocketType type, CancellationToken ct) =>
        UnixSocketTable.IsBound(path.Text) ?? await AnswersConnectAsync(path, type, ct).ConfigureAwait(false);

    private static async Task<bool> AnswersConnectAsync(UnixPath path, SocketType type, CancellationToken ct)
    {
        using var probe = new Socket(AddressFamily.Unix, type, ProtocolType.Unspecified);
        try
        {
            await probe.ConnectAsync(path.EndPoint, ct).ConfigureAwait(false);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ProtocolType)
        {
            return true; // a live socket of the other type (stream vs datagram)
        }
    }
}
