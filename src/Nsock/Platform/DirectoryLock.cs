using Nsock.Terminal;

namespace Nsock.Platform;

/// <summary>
/// An exclusive flock(2) on a directory, held by a unix server from its check of the socket path
/// until it has bound it, so that two nsock servers replacing the same stale socket at once take
/// turns: the second then finds the first one's live socket instead of deleting it. Where the
/// directory cannot be opened (no read permission) nsock goes on without the lock.
/// </summary>
internal sealed class DirectoryLock : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly int _fd;

    private DirectoryLock(int fd) => _fd = fd;

    public static async Task<DirectoryLock?> AcquireAsync(string directory, CancellationToken ct)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var fd = Libc.Open(directory, Libc.OCloexec);
        if (fd < 0)
        {
            return null;
        }

        var deadline = Environment.TickCount64 + (long)Patience.TotalMilliseconds;
        try
        {
            // Holders keep it for the few milliseconds of a bind; a short poll beats a blocked thread.
            while (Libc.Flock(fd, Libc.LockExclusive | Libc.LockNonBlocking) != 0)
            {
                if (Errno.Last != Errno.EWOULDBLOCK || Environment.TickCount64 > deadline)
                {
                    Log.Warn(directory, "could not lock the directory; going on without");
                    _ = Libc.Close(fd);
                    return null;
                }

                await Task.Delay(5, ct).ConfigureAwait(false);
            }
        }
        catch
        {
            _ = Libc.Close(fd);
            throw;
        }

        return new DirectoryLock(fd);
    }

    public void Dispose()
    {
        if (!OperatingSystem.IsWindows())
        {
            _ = Libc.Close(_fd); // closing the last descriptor releases the lock
        }
    }
}
