using System.Runtime.InteropServices;
using Nsock.Platform;

namespace Nsock.Relay;

/// <summary>
/// The relay's two directions moved by the kernel (<see cref="KernelCopy"/>) instead of through a
/// buffer of ours: where the connection is a socket with nothing changing or showing its bytes
/// (no --crlf, no --hex) and the local end is stdin or stdout as a plain descriptor (a pipe, a
/// file, /dev/null; never a terminal), on Linux. Each returns how its direction ended, in the
/// same terms as the copy loop, or null where the kernel cannot move these bytes and the caller
/// copies them itself; no byte is lost or reordered either way. NSOCK_KERNEL_COPY=0 turns it off
/// (for comparing the two).
/// </summary>
internal static class KernelPump
{
    private static readonly bool Enabled = OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("NSOCK_KERNEL_COPY") != "0";

    /// <summary>stdin → connection until stdin ends; then the write half is closed.</summary>
    public static async Task<PumpEnd?> SendAsync(TappedConnection connection, IRelaySource source, CancellationToken ct)
    {
        if (!Enabled || source.Descriptor is not { } stdin || connection.Descriptor is not { } socket)
        {
            return null;
        }

        var end = await CopyAsync(socket, stdin, toSocket: true, connection.CountSent, ct).ConfigureAwait(false);
        switch (end.Ending)
        {
            case KernelCopyEnding.Unsupported:
                return null;
            case KernelCopyEnding.Cancelled:
                return new PumpEnd(PumpEnding.Stopped);
            case KernelCopyEnding.Failed when !IsReadError(end.Errno):
                return new PumpEnd(PumpEnding.Failed, ConnectionFailure(connection, end.Errno));
            default:
                // The end of stdin; a read error counts as one too, as in StdinSource.
                connection.CloseWrite();
                return new PumpEnd(PumpEnding.SourceEnded);
        }
    }

    // Errors of reading a pipe or file; any other error of a copy to the socket is the socket's.
    private static bool IsReadError(int errno) => errno is 5 /* EIO */ or 6 /* ENXIO */ or 21 /* EISDIR */;

    private static Exception ConnectionFailure(TappedConnection connection, int errno) =>
        SocketErrno.ConnectionError(errno) is { } error
            ? connection.Explain(new System.Net.Sockets.SocketException((int)error))
            : new NsockException(ExitCodes.Network, connection.Peer, Errno.Describe(errno));

    /// <summary>connection → stdout until the peer's end; then the sink is completed.</summary>
    public static async Task<PumpEnd?> ReceiveAsync(TappedConnection connection, IRelaySink sink, CancellationToken ct)
    {
        if (!Enabled || sink.Descriptor is not { } stdout || connection.Descriptor is not { } socket)
        {
            return null;
        }

        var end = await CopyAsync(socket, stdout, toSocket: false, connection.CountReceived, ct).ConfigureAwait(false);
        switch (end.Ending)
        {
            case KernelCopyEnding.Unsupported:
                return null;
            case KernelCopyEnding.Cancelled:
                return new PumpEnd(PumpEnding.Stopped);
            case KernelCopyEnding.InputEnded:
                await sink.CompleteAsync(ct).ConfigureAwait(false);
                return new PumpEnd(PumpEnding.PeerEnded);
            case KernelCopyEnding.Failed when end.Errno == Errno.EPIPE:
                return new PumpEnd(PumpEnding.OutputClosed); // a socket read never says EPIPE: stdout's reader has gone
            case KernelCopyEnding.Failed when SocketErrno.ConnectionError(end.Errno) is not null:
                return new PumpEnd(PumpEnding.Failed, ConnectionFailure(connection, end.Errno));
            default:
                // Anything else is about writing stdout (a full disk, an I/O error).
                return new PumpEnd(PumpEnding.OutputFailed, new NsockException(ExitCodes.Network, "stdout", Errno.Describe(end.Errno)));
        }
    }

    // The socket's descriptor is held for the copy's length, so that it cannot be closed and its
    // number reused while the kernel copy still uses it.
    private static async Task<KernelCopyEnd> CopyAsync(SafeHandle socket, int local, bool toSocket, Action<long> moved, CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new KernelCopyEnd(KernelCopyEnding.Unsupported);
        }

        var held = false;
        socket.DangerousAddRef(ref held);
        try
        {
            var fd = (int)socket.DangerousGetHandle();
            return await (toSocket ? KernelCopy.RunAsync(local, fd, moved, ct) : KernelCopy.RunAsync(fd, local, moved, ct)).ConfigureAwait(false);
        }
        finally
        {
            if (held)
            {
                socket.DangerousRelease();
            }
        }
    }
}
