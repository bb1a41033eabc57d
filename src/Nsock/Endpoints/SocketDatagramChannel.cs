using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Nsock.Platform;
using Nsock.Relay;

namespace Nsock.Endpoints;

/// <summary>
/// A datagram socket of any family (UDP, unix) as a channel. Before each receive it asks the
/// kernel how large the waiting datagram is (MSG_PEEK|MSG_TRUNC on Linux), so a datagram of any
/// size arrives whole; elsewhere the buffer is the family's largest datagram or the socket's
/// receive buffer.
/// </summary>
internal sealed class SocketDatagramChannel : IDatagramChannel
{
    private const int UnixHeadroom = 32; // the kernel keeps this much of a unix socket's send buffer

    private readonly Socket _socket;
    private readonly DatagramFamily _family;
    private readonly EndPoint _anySender;

    private readonly IDisposable? _file;

    /// <param name="sendSize">The largest datagram nsock will send (--buffer-size); a unix socket's send buffer is raised to hold it.</param>
    /// <param name="file">The socket file it owns (a unix server's or client's own address), removed after the socket closes.</param>
    private SocketDatagramChannel(Socket socket, string name, int sendSize, IDisposable? file)
    {
        _socket = socket;
        _file = file;
        _family = DatagramFamily.Of(socket);
        _anySender = DatagramFamily.AnySender(socket);
        Name = name;
        if (_family.FixedMax is null && socket.SendBufferSize - UnixHeadroom < sendSize)
        {
            socket.SendBufferSize = sendSize + UnixHeadroom; // capped by net.core.wmem_max
        }

        if (sendSize > MaxDatagram)
        {
            throw NsockException.Usage("--buffer-size", _family.FixedMax is null
                ? $"a {_family.Name} datagram holds at most {MaxDatagram} bytes here (the socket's send buffer, capped by net.core.wmem_max)"
                : $"a {_family.Name} datagram holds at most {MaxDatagram} bytes");
        }
    }

    public string Name { get; }

    /// <summary>The channel over <paramref name="socket"/>; on failure (--buffer-size too large) the socket and file are closed.</summary>
    public static SocketDatagramChannel Open(Socket socket, string name, int sendSize, IDisposable? file = null)
    {
        try
        {
            return new SocketDatagramChannel(socket, name, sendSize, file);
        }
        catch
        {
            socket.Dispose();
            file?.Dispose();
            throw;
        }
    }

    public int MaxDatagram => _family.FixedMax ?? _socket.SendBufferSize - UnixHeadroom;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WaitForDatagramAsync(CancellationToken ct)
    {
        // Windows answers a peek into no buffer with WSAEMSGSIZE (and under Wine the failed
        // overlapped peek also completes, which crashes the runtime's completion port): there
        // the receive itself waits, in a buffer as large as the largest datagram.
        if (!OperatingSystem.IsWindows())
        {
            _ = await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, ct).ConfigureAwait(false);
        }
    }

    public int SizeOfNextDatagram()
    {
        if (OperatingSystem.IsLinux())
        {
            var size = Libc.Recv((int)_socket.SafeHandle.DangerousGetHandle(), IntPtr.Zero, 0, Libc.MsgPeek | Libc.MsgTrunc | Libc.MsgDontWait);
            if (size >= 0)
            {
                return (int)size;
            }
        }

        return _family.FixedMax is { } max ? max + 1 : Math.Max(_socket.ReceiveBufferSize, 65536);
    }

    public async ValueTask<(int Length, DatagramPeer From)> ReceiveAsync(Memory<byte> buffer, CancellationToken ct)
    {
        var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, _anySender, ct).ConfigureAwait(false);
        var from = result.RemoteEndPoint;
        return (result.ReceivedBytes, new DatagramPeer(from, EndpointText.Format(from), DatagramFamily.CanAnswer(from)));
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, DatagramPeer? to, CancellationToken ct) =>
        _ = to is null
            ? await _socket.SendAsync(datagram, SocketFlags.None, ct).ConfigureAwait(false)
            : await _socket.SendToAsync(datagram, SocketFlags.None, to.Address, ct).ConfigureAwait(false);

    public Exception Explain(Exception failure, DatagramPeer? to)
    {
        if (failure is not SocketException e)
        {
            return failure;
        }

        var what = to?.Name ?? Name;
        return e.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => new NsockException(ExitCodes.Network, what, _family.Refused, e),
            SocketError.MessageSize => new NsockException(ExitCodes.LocalResource, what, $"datagram too large for this socket (at most {MaxDatagram} bytes)", e),
            _ => SocketFailure.From(e, what),
        };
    }

    public void Dispose()
    {
        _socket.Dispose();
        _file?.Dispose();
    }
}
