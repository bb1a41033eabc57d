using System.Runtime.Versioning;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Nsock.Platform;
using Nsock.Relay;

namespace Nsock.Endpoints;

/// <summary>
/// A netlink socket as a datagram channel: every message goes to the kernel (port 0) and every
/// datagram comes from it, whole (its size is asked before it is taken). A receive that fails
/// with ENOBUFS means the kernel dropped messages for want of room (<see cref="IsOverrun"/>);
/// the socket stays usable.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class NetlinkChannel(Socket socket, int protocol, string name, uint portId) : IDatagramChannel
{
    private static readonly DatagramPeer Kernel = new(new System.Net.DnsEndPoint("kernel", 0), "kernel", CanAnswer: true);

    public string Name { get; } = name;

    /// <summary>The netlink protocol (NETLINK_ROUTE, ...) the socket speaks.</summary>
    public int Protocol { get; } = protocol;

    /// <summary>The port id the kernel gave this socket (what <c>--fill</c> writes into requests).</summary>
    public uint PortId { get; } = portId;

    public int MaxDatagram => socket.SendBufferSize;

    /// <summary>The receive buffer the kernel granted (it doubles what was asked, for its bookkeeping).</summary>
    public int ReceiveBufferSize => socket.ReceiveBufferSize;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WaitForDatagramAsync(CancellationToken ct) =>
        _ = await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, ct).ConfigureAwait(false);

    /// <exception cref="SocketException">ENOBUFS: the kernel dropped messages. The error is reported once, to whichever call comes first, so it must not be lost here.</exception>
    public int SizeOfNextDatagram()
    {
        var size = Libc.Recv((int)socket.SafeHandle.DangerousGetHandle(), IntPtr.Zero, 0, Libc.MsgPeek | Libc.MsgTrunc | Libc.MsgDontWait);
        if (size < 0 && Errno.Last == Errno.ENOBUFS)
        {
            throw new SocketException((int)SocketError.NoBufferSpaceAvailable);
        }

        return size >= 0 ? (int)size : 64 * 1024;
    }

    public async ValueTask<(int Length, DatagramPeer From)> ReceiveAsync(Memory<byte> buffer, CancellationToken ct) =>
        (await socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false), Kernel);

    /// <summary>Takes one whole datagram into a new array: for sessions that keep what they decode.</summary>
    public async ValueTask<byte[]> ReceiveAsync(CancellationToken ct)
    {
        await WaitForDatagramAsync(ct).ConfigureAwait(false);
        var buffer = new byte[Math.Max(1, SizeOfNextDatagram())];
        var (length, _) = await ReceiveAsync(buffer, ct).ConfigureAwait(false);
        return length == buffer.Length ? buffer : buffer[..length];
    }

    /// <summary>
    /// Takes and drops every datagram already queued, without waiting; returns how many. After an
    /// overrun the kernel drops every further event until the queue has been emptied once, so a
    /// monitor about to dump its tables again empties it first: what was queued is older than the dump.
    /// </summary>
    public int DiscardQueued()
    {
        var fd = (int)socket.SafeHandle.DangerousGetHandle();
        var discarded = 0;
        while (Libc.Recv(fd, IntPtr.Zero, 0, Libc.MsgTrunc | Libc.MsgDontWait) >= 0)
        {
            discarded++;
        }

        return discarded;
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, DatagramPeer? to, CancellationToken ct) =>
        _ = await socket.SendAsync(datagram, SocketFlags.None, ct).ConfigureAwait(false);

    /// <summary>Whether <paramref name="failure"/> is the kernel saying it dropped messages (ENOBUFS).</summary>
    public static bool IsOverrun(Exception failure) =>
        failure is SocketException { SocketErrorCode: SocketError.NoBufferSpaceAvailable };

    public Exception Explain(Exception failure, DatagramPeer? to) => failure switch
    {
        _ when IsOverrun(failure) => new NsockException(ExitCodes.Network, Name, "the kernel dropped messages: the receive buffer was full (--rcvbuf makes it larger)", failure),
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } e => new NsockException(ExitCodes.Network, Name, DatagramFamily.Netlink.Refused, e),
        SocketException e => SocketFailure.From(e, Name),
        _ => failure,
    };

    public void Dispose() => socket.Dispose();
}
