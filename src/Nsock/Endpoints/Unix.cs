using System.Runtime.Versioning;
using System.Net.Sockets;
using Nsock.Platform;
using Nsock.Relay;
using Nsock.Terminal;

namespace Nsock.Endpoints;

/// <summary>Opens unix sockets, stream or datagram: connect, bind and listen, and a datagram client's own address.</summary>
internal static class Unix
{
    /// <summary>A stream connection to the server at <paramref name="path"/>.</summary>
    public static async Task<IConnection> ConnectAsync(UnixPath path, CancellationToken ct)
    {
        var socket = NewSocket(path, SocketType.Stream);
        try
        {
            await socket.ConnectAsync(path.EndPoint, ct).ConfigureAwait(false);
            Log.Info($"connected to {path}");
            return new SocketConnection(socket, path.Text);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw ConnectFailure(path, e);
        }
    }

    /// <summary>Binds and listens on <paramref name="path"/>, replacing a stale socket file.</summary>
    public static async Task<IStreamListener> ListenAsync(UnixPath path, int backlog, UnixFileMode? mode, CancellationToken ct)
    {
        var (socket, file) = await BindAsync(path, SocketType.Stream, mode, ct, listen: s => s.Listen(backlog)).ConfigureAwait(false);
        Log.Info($"listening on {path}");
        if (OperatingSystem.IsWindows())
        {
            return new RuntimeStreamListener(socket, path.Text, file);
        }

        socket.Blocking = false;
        return new UnixStreamListener(socket, file, path.Text);
    }

    /// <summary>A datagram server's channel, bound at <paramref name="path"/> (a stale socket file replaced).</summary>
    public static async Task<IDatagramChannel> BindDatagramAsync(UnixPath path, UnixFileMode? mode, int sendSize, CancellationToken ct)
    {
        var (socket, file) = await BindAsync(path, SocketType.Dgram, mode, ct).ConfigureAwait(false);
        var channel = SocketDatagramChannel.Open(socket, path.Text, sendSize, file);
        Log.Info($"listening on {path}");
        return channel;
    }

    /// <summary>
    /// A datagram client's channel, connected to <paramref name="path"/>. It binds an address of
    /// its own so the server can reply: <paramref name="source"/>, or else a fresh abstract name
    /// (Linux), which leaves no file.
    /// </summary>
    public static async Task<IDatagramChannel> OpenDatagramClientAsync(UnixPath path, UnixPath? source, int sendSize, CancellationToken ct)
    {
        Socket socket;
        UnixSocketFile? file = null;
        if (source is not null)
        {
            (socket, file) = await BindAsync(source, SocketType.Dgram, null, ct).ConfigureAwait(false);
        }
        else
        {
            socket = NewSocket(path, SocketType.Dgram);
            if (OperatingSystem.IsLinux())
            {
                socket.Bind(UnixPath.Parse($"@nsock-{Environment.ProcessId}-{Random.Shared.Next():x8}").EndPoint);
            }
        }

        var channel = SocketDatagramChannel.Open(socket, path.Text, sendSize, file);
        try
        {
            await socket.ConnectAsync(path.EndPoint, ct).ConfigureAwait(false);
            return channel;
        }
        catch (SocketException e)
        {
            channel.Dispose();
            throw ConnectFailure(path, e);
        }
    }

    /// <summary>Why connecting to a unix path failed, in its words: no such file, not a socket, refused.</summary>
    public static NsockException ConnectFailure(UnixPath path, SocketException e)
    {
        if (!path.IsAbstract)
        {
            // Nobody can be listening where there is no directory (exit 1, as for a missing file);
            // a directory nsock may not search is a local permission (exit 5).
            var kind = FileKind.Read(path.Text, followLinks: true).Kind;
            switch (kind)
            {
                case FileKindValue.Missing:
                    return new NsockException(ExitCodes.Network, path.Text, "no such file", e);
                case FileKindValue.NoDirectory or FileKindValue.NotDirectory:
                    return new NsockException(ExitCodes.Network, path.Text, UnixSocketFile.WhyUnreachable(kind)!, e);
                case FileKindValue.NoAccess:
                    return new NsockException(ExitCodes.LocalResource, path.Text, UnixSocketFile.WhyUnreachable(kind)!, e);
                case FileKindValue.Other:
                    return new NsockException(ExitCodes.Network, path.Text, "not a socket", e);
            }
        }

        return e.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => new NsockException(ExitCodes.Network, path.Text, "connection refused (nobody listening)", e),
            SocketError.AddressNotAvailable => new NsockException(ExitCodes.Network, path.Text, "no such socket", e),
            SocketError.AccessDenied => new NsockException(ExitCodes.LocalResource, path.Text, "permission denied", e),
            SocketError.ProtocolType => new NsockException(ExitCodes.Network, path.Text, "wrong socket type (stream vs --dgram)", e),
            _ => SocketFailure.From(e, path.Text),
        };
    }

    /// <summary>
    /// Binds <paramref name="path"/> with the socket file's final permissions, under a lock on its
    /// directory from the stale-socket check until the socket is live (<paramref name="listen"/>),
    /// and records the file it made.
    /// </summary>
    private static async Task<(Socket Socket, UnixSocketFile? File)> BindAsync(UnixPath path, SocketType type, UnixFileMode? mode, CancellationToken ct, Action<Socket>? listen = null)
    {
        using var directoryLock = path.IsAbstract ? null : await DirectoryLock.AcquireAsync(DirectoryOf(path.Text), ct).ConfigureAwait(false);
        await UnixSocketFile.ClearForBindAsync(path, type, ct).ConfigureAwait(false);
        var socket = OperatingSystem.IsWindows() ? BindWithRuntime(path, type) : BindWithLibc(path, type, mode);
        var file = UnixSocketFile.Adopt(path);
        try
        {
            listen?.Invoke(socket);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            file?.Dispose();
            throw SocketFailure.From(e, path.Text);
        }

        return (socket, file);
    }

    /// <summary>
    /// socket(2) and bind(2) by hand: the runtime's Bind would unlink the path when the socket is
    /// disposed, whatever is there by then. With --mode, the umask is set for the bind alone, so
    /// the file is born with its permissions and never changed by path afterwards.
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    private static Socket BindWithLibc(UnixPath path, SocketType type, UnixFileMode? mode)
    {
        var fd = Libc.Socket(Libc.AfUnix, (type == SocketType.Stream ? Libc.SockStream : Libc.SockDgram) | Libc.SockCloexec, 0);
        if (fd < 0)
        {
            throw new NsockException(ExitCodes.LocalResource, path.Text, Errno.Describe(Errno.Last));
        }

        if (!OperatingSystem.IsLinux())
        {
            _ = Libc.IoctlNoArgument(fd, Libc.FioClex);
        }

        Span<byte> address = stackalloc byte[UnixSocketAddress.Capacity];
        var length = UnixSocketAddress.Write(path, address);
        var previousMask = mode is { } wanted ? Libc.Umask(~(uint)wanted & 0x1FF) : (uint?)null;
        var bound = Libc.Bind(fd, address, length);
        var errno = Errno.Last;
        if (previousMask is { } mask)
        {
            _ = Libc.Umask(mask);
        }

        if (bound != 0)
        {
            _ = Libc.Close(fd);
            throw BindFailure(path, errno);
        }

        return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }

    private static Socket BindWithRuntime(UnixPath path, SocketType type)
    {
        var socket = NewSocket(path, type);
        try
        {
            socket.Bind(path.EndPoint);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw SocketFailure.From(e, path.Text);
        }
    }

    private static NsockException BindFailure(UnixPath path, int errno) => new(
        ExitCodes.LocalResource,
        path.Text,
        errno == Errno.EADDRINUSE ? "address in use"
        : errno == Errno.ENOENT ? UnixSocketFile.WhyUnreachable(FileKindValue.NoDirectory)!
        : errno == Errno.ENOTDIR ? UnixSocketFile.WhyUnreachable(FileKindValue.NotDirectory)!
        : errno == Errno.EACCES ? "permission denied"
        : Errno.Describe(errno));

    /// <summary>
    /// A unix socket, or one line saying this system has none: Windows has had AF_UNIX stream
    /// sockets since Windows 10 1803, and no datagram ones; Wine (8) answers WSAEAFNOSUPPORT.
    /// Asked here, when a socket is made, so that a usage error of the command line comes first.
    /// What the system lacks is a local resource (exit 5), like netlink off Linux.
    /// </summary>
    public static Socket NewSocket(UnixPath path, SocketType type)
    {
        if (type == SocketType.Dgram && OperatingSystem.IsWindows())
        {
            throw new NsockException(ExitCodes.LocalResource, "--dgram", "Windows has unix stream sockets only, no datagram ones");
        }

        try
        {
            return new Socket(AddressFamily.Unix, type, ProtocolType.Unspecified);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressFamilyNotSupported)
        {
            throw new NsockException(ExitCodes.LocalResource, path.Text, "unix sockets are not supported on this system"
                + (OperatingSystem.IsWindows() ? " (Windows has them from Windows 10 1803; Wine has none)" : ""), e);
        }
    }

    private static string DirectoryOf(string path) => Path.GetDirectoryName(Path.GetFullPath(path)) is { Length: > 0 } directory ? directory : "/";
}
