using System.Runtime.Versioning;
using System.Net.Sockets;
using Nsock.Platform;
using Nsock.Relay;

namespace Nsock.Endpoints;

/// <summary>
/// A unix stream listener that accepts through the system call. The runtime's accept sizes its
/// address buffer to the listener's own address and aborts the process when a client bound to a
/// longer one connects; here every address fits, and the client's name is read from the bytes
/// accept gives. Waiting for a client blocks a dedicated thread in poll(2), woken through a pipe
/// when the wait is cancelled. Disposing closes the listener, then removes its socket file (if
/// it is still the one nsock bound).
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class UnixStreamListener : IStreamListener
{
    private readonly Socket _listener;
    private readonly UnixSocketFile? _file;
    private readonly string _name;
    private readonly WakePipe _wake;
    private Task? _polling;

    /// <param name="listener">Bound and listening, in non-blocking mode.</param>
    public UnixStreamListener(Socket listener, UnixSocketFile? file, string name)
    {
        _listener = listener;
        _file = file;
        _name = name;
        _wake = WakePipe.Open(name);
    }

    public async ValueTask<IConnection> AcceptAsync(CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var address = new byte[UnixSocketAddress.Capacity];
            var length = address.Length;
            var fd = AcceptOne(address, ref length);
            if (fd >= 0)
            {
                return Wrap(fd, address.AsSpan(0, Math.Min(length, address.Length)));
            }

            var errno = Errno.Last;
            if (errno == Errno.EAGAIN)
            {
                await WaitForClientAsync(ct).ConfigureAwait(false);
            }
            else if (errno != Errno.EINTR)
            {
                throw new SocketException((int)AcceptError(errno));
            }
        }
    }

    public void Dispose()
    {
        // A wait still polling would read the wake-up pipe after it is closed, perhaps from a
        // descriptor that has taken its number since: wake it and let it finish first.
        _wake.Wake();
        _polling?.Wait(TimeSpan.FromSeconds(1));
        _listener.Dispose();
        _wake.Dispose();
        _file?.Dispose();
    }

    private int AcceptOne(Span<byte> address, ref int length)
    {
        var listener = (int)_listener.Handle;
        if (OperatingSystem.IsLinux())
        {
            return Libc.Accept4(listener, address, ref length, Libc.SockCloexec);
        }

        var fd = Libc.Accept(listener, address, ref length);
        if (fd >= 0)
        {
            _ = Libc.IoctlNoArgument(fd, Libc.FioClex);
        }

        return fd;
    }

    private SocketConnection Wrap(int fd, ReadOnlySpan<byte> address)
    {
        try
        {
            // Unbound clients (the usual kind) are named by the path they came in on.
            return new SocketConnection(new Socket(new SafeSocketHandle(fd, ownsHandle: true)), UnixSocketAddress.Describe(address) ?? _name);
        }
        catch
        {
            _ = Libc.Close(fd);
            throw;
        }
    }

    private async Task WaitForClientAsync(CancellationToken ct)
    {
        var listener = (int)_listener.Handle;
        using (ct.UnsafeRegister(_ => _wake.Wake(), null))
        {
            await (_polling = Task.Factory.StartNew(
                () =>
                {
                    Span<Libc.PollFd> fds = [new() { Fd = listener, Events = Libc.PollIn }, new() { Fd = _wake.ReadEnd, Events = Libc.PollIn }];
                    while (Libc.Poll(fds, 2, -1) < 0 && Errno.Last == Errno.EINTR)
                    {
                    }

                    if ((fds[1].Revents & Libc.PollIn) != 0)
                    {
                        _wake.Consume(); // this wake-up is used
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default)).ConfigureAwait(false);
        }

        ct.ThrowIfCancellationRequested();
    }

    // The runtime's words for what accept said, so every listener fails alike.
    private static SocketError AcceptError(int errno) =>
        errno == Errno.EMFILE || errno == Errno.ENFILE ? SocketError.TooManyOpenSockets
        : errno == Errno.ENOBUFS || errno == Errno.ENOMEM ? SocketError.NoBufferSpaceAvailable
        : errno == Errno.ECONNABORTED ? SocketError.ConnectionAborted
        : SocketError.SocketError;
}
