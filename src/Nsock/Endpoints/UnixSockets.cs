using System.Net.Sockets;
using Nsock.Terminal;

namespace Nsock.Endpoints;

/// <summary>A bound unix server socket and the file it owns (null for @names).</summary>
internal sealed record UnixServer(Socket Socket, UnixSocketFile? File) : IDisposable
{
    public void Dispose()
    {
        Socket.Dispose();
        File?.Dispose();
    }
}

/// <summary>Opens unix sockets, stream or datagram: connect, bind, and a datagram client's own address.</summary>
internal static class UnixSockets
{
    public static async Task<Socket> ConnectAsync(UnixPath path, SocketType type, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, type, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(path.EndPoint, ct).ConfigureAwait(false);
            Log.Info($"connected to {path}");
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw ConnectFailure(path, e);
        }
    }

    /// <summary>Binds (and for streams listens on) <paramref name="path"/>, replacing a stale socket file.</summary>
    public static async Task<UnixServer> BindAsync(UnixPath path, SocketType type, int backlog, UnixFileMode? mode, CancellationToken ct)
    {
        await UnixSocketFile.ClearForBindAsync(path, type, ct).ConfigureAwait(false);
        var socket = new Socket(AddressFamily.Unix, type, ProtocolType.Unspecified);
        UnixSocketFile? file = null;
        try
        {
            socket.Bind(path.EndPoint);
            file = UnixSocketFile.Created(path, mode);
            if (type == SocketType.Stream)
            {
                socket.Listen(backlog);
            }
        }
        catch (SocketException e)
        {
            socket.Dispose();
            file?.Dispose();
            throw SocketFailure.From(e, path.Text);
        }

        Log.Info($"listening on {path}");
        return new UnixServer(socket, file);
    }

    /// <summary>
    /// A datagram client binds an address of its own so the server can reply: the given
    /// <paramref name="source"/>, or else a fresh abstract name (Linux), which leaves no file.
    /// </summary>
    public static async Task<UnixServer> BindClientAsync(UnixPath? source, CancellationToken ct)
    {
        if (source is not null)
        {
            return await BindAsync(source, SocketType.Dgram, 0, null, ct).ConfigureAwait(false);
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        if (OperatingSystem.IsLinux())
        {
            var name = UnixPath.Parse($"@nsock-{Environment.ProcessId}-{Random.Shared.Next():x8}");
            socket.Bind(name.EndPoint);
        }

        return new UnixServer(socket, null);
    }

    /// <summary>Why connecting to a unix path failed, in its words: no such file, not a socket, refused.</summary>
    public static NsockException ConnectFailure(UnixPath path, SocketException e)
    {
        if (!path.IsAbstract)
        {
            switch (FileKind.Of(path.Text))
            {
                case FileKindValue.Missing:
                    return new NsockException(ExitCodes.Network, path.Text, "no such file", e);
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
}
