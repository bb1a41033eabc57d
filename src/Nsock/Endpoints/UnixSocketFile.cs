using System.Net.Sockets;
using Nsock.Terminal;

namespace Nsock.Endpoints;

/// <summary>
/// The socket file a unix server binds. Before binding: a stale socket (nobody answers) is
/// replaced, a live one is refused as in use, anything that is not a socket is left alone (exit
/// 5). Once bound, the file is removed when nsock ends by any path: dispose, process exit, signal
/// (the signal handler's exit runs ProcessExit too). Only a socket is ever removed.
/// </summary>
internal sealed class UnixSocketFile : IDisposable
{
    private readonly string _path;
    private int _removed;

    private UnixSocketFile(string path)
    {
        _path = path;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>Makes the path free to bind, or explains (exit 5) why it is not.</summary>
    public static async Task ClearForBindAsync(UnixPath path, SocketType type, CancellationToken ct)
    {
        if (path.IsAbstract)
        {
            return;
        }

        switch (FileKind.Of(path.Text))
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

    /// <summary>Takes charge of the file just bound at <paramref name="path"/> (nothing for @names).</summary>
    public static UnixSocketFile? Created(UnixPath path, UnixFileMode? mode)
    {
        if (path.IsAbstract)
        {
            return null;
        }

        var file = new UnixSocketFile(path.Text);
        if (mode is { } wanted && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path.Text, wanted);
        }

        return file;
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        Remove();
    }

    private void OnProcessExit(object? sender, EventArgs e) => Remove();

    private void Remove()
    {
        // Off Linux the type cannot be read: the file nsock created is removed on trust.
        if (Interlocked.Exchange(ref _removed, 1) == 0 && FileKind.Of(_path) is FileKindValue.Socket or FileKindValue.Unknown)
        {
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
    }

    /// <summary>
    /// Is a socket bound at this path? The kernel's table answers without touching the server;
    /// only where it cannot tell does a connect probe decide.
    /// </summary>
    private static async Task<bool> IsLiveAsync(UnixPath path, SocketType type, CancellationToken ct) =>
        BoundUnixSockets.IsBound(path.Text) ?? await AnswersConnectAsync(path, type, ct).ConfigureAwait(false);

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
