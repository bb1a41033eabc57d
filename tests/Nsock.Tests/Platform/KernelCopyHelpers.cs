using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using Nsock.Platform;

namespace Nsock.Tests.Platform;

/// <summary>
/// Descriptors for kernel copy tests: pipes, socket pairs, temp files, and the blocking I/O a test
/// does on them from threads of its own. Every descriptor is held by a SafeHandle (or a Socket), so
/// a thread using one keeps its number from being closed and reused under it; every wait is bounded.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class Descriptors
{
    public const int ONonBlock = 0x800;
    private const int FGetFl = 3;

    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>The file status flags (F_GETFL) of a descriptor.</summary>
    public static int StatusFlags(int fd)
    {
        var flags = Libc.FcntlGetFd(fd, FGetFl);
        Assert.True(flags >= 0, $"fcntl(F_GETFL) failed: errno {Errno.Last}");
        return flags;
    }

    public static int Fd(SafeHandle handle) => (int)handle.DangerousGetHandle();

    public static int Fd(Socket socket) => (int)socket.SafeHandle.DangerousGetHandle();

    /// <summary>Seeded random bytes: every byte value shows up in anything this long.</summary>
    public static byte[] Data(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Whether all 256 byte values occur.</summary>
    public static bool HasEveryByteValue(ReadOnlySpan<byte> data)
    {
        Span<bool> seen = stackalloc bool[256];
        var count = 0;
        foreach (var b in data)
        {
            if (!seen[b])
            {
                seen[b] = true;
                count++;
            }
        }

        return count == 256;
    }

    /// <summary>Byte-exact, with the first difference named instead of a multi-megabyte dump.</summary>
    public static void AssertSameBytes(ReadOnlyMemory<byte> expected, ReadOnlyMemory<byte> actual)
    {
        var common = expected.Span.CommonPrefixLength(actual.Span);
        Assert.True(
            common == expected.Length && common == actual.Length,
            $"expected {expected.Length} bytes, got {actual.Length}; first difference at byte {common}");
    }

    /// <summary>Reads until EOF by read(2), on a thread of its own (a pipe's read end, a file).</summary>
    public static Task<byte[]> ReadToEndAsync(SafeFileHandle handle) => OnThread(() =>
    {
        var all = new MemoryStream();
        var buffer = new byte[65536 + 13];
        Use(handle, fd =>
        {
            while (true)
            {
                var read = Libc.Read(fd, buffer, (nuint)buffer.Length);
                if (read > 0)
                {
                    all.Write(buffer, 0, (int)read);
                }
                else if (read == 0)
                {
                    return;
                }
                else if (Errno.Last != Errno.EINTR)
                {
                    throw new IOException($"read: errno {Errno.Last}");
                }
            }
        });
        return all.ToArray();
    });

    /// <summary>Writes all of <paramref name="data"/> by write(2) in chunks of the given sizes (cycled), on a thread of its own.</summary>
    public static Task WriteAllAsync(SafeFileHandle handle, byte[] data, params int[] chunkSizes) => OnThread(() =>
    {
        chunkSizes = chunkSizes.Length == 0 ? [data.Length] : chunkSizes;
        Use(handle, fd =>
        {
            var offset = 0;
            for (var i = 0; offset < data.Length; i++)
            {
                var end = Math.Min(data.Length, offset + chunkSizes[i % chunkSizes.Length]);
                while (offset < end)
                {
                    var written = Libc.Write(fd, data.AsSpan(offset, end - offset), (nuint)(end - offset));
                    if (written > 0)
                    {
                        offset += (int)written;
                    }
                    else if (Errno.Last != Errno.EINTR)
                    {
                        throw new IOException($"write: errno {Errno.Last}");
                    }
                }
            }
        });
        return true;
    });

    /// <summary>Reads a socket until its end (or reads <paramref name="limit"/> bytes), within <see cref="Bound"/>.</summary>
    public static async Task<byte[]> ReceiveToEndAsync(Socket socket, int limit = int.MaxValue)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(Bound);
        var all = new MemoryStream();
        var buffer = new byte[65536 + 7];
        while (all.Length < limit)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - all.Length)), SocketFlags.None, cts.Token);
            if (read == 0)
            {
                break;
            }

            all.Write(buffer, 0, read);
        }

        return all.ToArray();
    }

    /// <summary>Sends all of <paramref name="data"/>; then, if asked, shuts the write half (FIN).</summary>
    public static async Task SendAllAsync(Socket socket, byte[] data, bool shutdown, CancellationToken ct)
    {
        for (var offset = 0; offset < data.Length;)
        {
            offset += await socket.SendAsync(data.AsMemory(offset), SocketFlags.None, ct);
        }

        if (shutdown)
        {
            socket.Shutdown(SocketShutdown.Send);
        }
    }

    /// <summary>
    /// Waits (bounded) until at least <paramref name="count"/> kernel copy threads of this process
    /// ("nsock kernel copy", which Linux shows as "nsock kernel co") are blocked in poll(2): the
    /// copies are waiting, not about to. Read from /proc/self/task/*/comm and wchan.
    /// </summary>
    public static async Task CopiesWaitingAsync(int count = 1)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (WaitingCopies() < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {count} kernel copy thread(s) waiting in poll(2) within {Bound.TotalSeconds} s");
            await Task.Delay(5, TestContext.Current.CancellationToken); // a short poll of /proc, bounded by the deadline
        }
    }

    private static int WaitingCopies() => Directory.EnumerateDirectories("/proc/self/task").Count(task =>
    {
        try
        {
            return File.ReadAllText(Path.Combine(task, "comm")).StartsWith("nsock kernel co", StringComparison.Ordinal)
                && File.ReadAllText(Path.Combine(task, "wchan")).Contains("poll", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false; // the thread ended meanwhile
        }
    });

    /// <summary>Waits (bounded) until <paramref name="value"/> has been positive and unchanged for a while.</summary>
    public static async Task<long> SettledAsync(Func<long> value, TimeSpan quiet)
    {
        var deadline = DateTime.UtcNow + Bound;
        var (last, since) = (value(), DateTime.UtcNow);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
            var now = value();
            if (now != last)
            {
                (last, since) = (now, DateTime.UtcNow);
            }
            else if (now > 0 && DateTime.UtcNow - since >= quiet)
            {
                return now;
            }
        }

        Assert.Fail($"the value never settled (last {last})");
        return last;
    }

    public static SafeFileHandle OpenDevice(string path, FileAccess access) => File.OpenHandle(path, FileMode.Open, access);

    private static void Use(SafeHandle handle, Action<int> action)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            action(Fd(handle));
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    // A dedicated (background) thread: the blocking calls never hold up the thread pool.
    private static Task<T> OnThread<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}

/// <summary>A pipe made by pipe(2): both ends blocking, each a SafeFileHandle closed once.</summary>
[SupportedOSPlatform("linux")]
internal sealed class TestPipe : IDisposable
{
    private TestPipe(SafeFileHandle read, SafeFileHandle write) => (Read, Write) = (read, write);

    public SafeFileHandle Read { get; }

    public SafeFileHandle Write { get; }

    public int ReadFd => Descriptors.Fd(Read);

    public int WriteFd => Descriptors.Fd(Write);

    public static TestPipe Open()
    {
        Span<int> ends = stackalloc int[2];
        Assert.True(Libc.Pipe(ends) == 0, $"pipe failed: errno {Errno.Last}");
        return new TestPipe(new SafeFileHandle(ends[0], ownsHandle: true), new SafeFileHandle(ends[1], ownsHandle: true));
    }

    public void Dispose()
    {
        Read.Dispose();
        Write.Dispose();
    }
}

/// <summary>
/// Two connected stream sockets, made as <see cref="ConnectionPair"/> makes them: <see cref="Near"/>
/// is the one handed to the kernel copy, <see cref="Far"/> the test's peer.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class SocketPair : IDisposable
{
    private SocketPair(ConnectionKind kind, Socket near, Socket far) => (Kind, Near, Far) = (kind, near, far);

    public ConnectionKind Kind { get; }

    public Socket Near { get; }

    public Socket Far { get; }

    public int NearFd => Descriptors.Fd(Near);

    public static async Task<SocketPair> CreateAsync(ConnectionKind kind)
    {
        if (kind == ConnectionKind.Tcp)
        {
            var (near, far) = await ConnectAsync(new IPEndPoint(IPAddress.Loopback, 0));
            return new SocketPair(kind, near, far);
        }

        Assert.Equal(ConnectionKind.Unix, kind);
        var dir = Directory.CreateTempSubdirectory("nsock-kc-");
        try
        {
            var (near, far) = await ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(dir.FullName, "s")));
            return new SocketPair(kind, near, far);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The peer goes away abortively: over TCP an RST (a close with a zero linger time); a unix
    /// socket has no RST, so a plain close, after which a write to <see cref="Near"/> fails (EPIPE).
    /// </summary>
    public void ResetFar()
    {
        if (Kind == ConnectionKind.Tcp)
        {
            Far.LingerState = new LingerOption(true, 0);
        }

        Far.Close();
    }

    public void Dispose()
    {
        Near.Dispose();
        Far.Dispose();
    }

    private static async Task<(Socket Near, Socket Far)> ConnectAsync(EndPoint where)
    {
        var protocol = where is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp;
        using var listener = new Socket(where.AddressFamily, SocketType.Stream, protocol);
        listener.Bind(where);
        listener.Listen(1);
        var far = new Socket(where.AddressFamily, SocketType.Stream, protocol);
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            cts.CancelAfter(Descriptors.Bound);
            var accept = listener.AcceptAsync(cts.Token);
            await far.ConnectAsync(listener.LocalEndPoint!, cts.Token);
            return (await accept, far);
        }
        catch
        {
            far.Dispose();
            throw;
        }
    }
}

/// <summary>A directory of its own under the temp directory, removed on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nsock-kc-");

    public string Path => _dir.FullName;

    public string File(string name) => System.IO.Path.Combine(_dir.FullName, name);

    public void Dispose()
    {
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>What a copy's <c>moved</c> callback heard: the total, the number of calls, and any count that was not positive.</summary>
internal sealed class MovedCount
{
    private long _total;
    private int _calls;
    private int _notPositive;

    public long Total => Interlocked.Read(ref _total);

    public int Calls => Volatile.Read(ref _calls);

    public int NotPositive => Volatile.Read(ref _notPositive);

    public void Add(long count)
    {
        if (count <= 0)
        {
            Interlocked.Increment(ref _notPositive);
        }

        Interlocked.Add(ref _total, count);
        Interlocked.Increment(ref _calls);
    }
}

/// <summary>
/// One <see cref="KernelCopy.RunAsync"/> with a token of its own. Disposing cancels it and waits
/// (bounded) for its thread to let go of the descriptors, so declare it after them: it is then
/// disposed first, and no descriptor is closed (and its number reused) under a running copy.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class CopyRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts;

    private CopyRun(int input, int output, bool cancelled)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        if (cancelled)
        {
            _cts.Cancel();
        }

        Ending = KernelCopy.RunAsync(input, output, Moved.Add, _cts.Token);
    }

    public MovedCount Moved { get; } = new();

    public Task<KernelCopyEnd> Ending { get; }

    public static CopyRun Start(int input, int output) => new(input, output, cancelled: false);

    public static CopyRun StartCancelled(int input, int output) => new(input, output, cancelled: true);

    public Task CancelAsync() => _cts.CancelAsync();

    /// <summary>How the copy ended, within <paramref name="within"/> (default <see cref="Descriptors.Bound"/>).</summary>
    public Task<KernelCopyEnd> EndAsync(TimeSpan? within = null) => Ending.WaitAsync(within ?? Descriptors.Bound, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!Ending.IsCompleted)
        {
            _cts.Cancel();
            try
            {
                await Ending.WaitAsync(Descriptors.Bound, CancellationToken.None);
            }
            catch (TimeoutException)
            {
            }
        }

        _cts.Dispose();
    }
}
