using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Nsock.Platform;

/// <summary>How a kernel copy ended.</summary>
internal enum KernelCopyEnding
{
    /// <summary>The input reached its end (a file's end, a pipe's writers gone, the peer's FIN).</summary>
    InputEnded,

    /// <summary>The kernel cannot copy between these two; nothing was lost: copy in user space instead.</summary>
    Unsupported,

    /// <summary>A call failed with <see cref="KernelCopyEnd.Errno"/>.</summary>
    Failed,

    /// <summary>Cancelled before the input ended.</summary>
    Cancelled,
}

/// <summary>How a kernel copy ended, and the errno where it failed.</summary>
internal readonly record struct KernelCopyEnd(KernelCopyEnding Ending, int Errno = 0);

/// <summary>
/// Moves bytes from one descriptor to another inside the kernel, so that they never pass through
/// nsock: sendfile(2) from a regular file to a socket, splice(2) where either end is a pipe, and
/// splice through a pipe of nsock's own between a socket and a file or device. These calls have
/// no asynchronous form, so each copy runs on a thread of its own that waits in poll(2) and is
/// woken when the copy is cancelled. Sockets are put in non-blocking mode (the runtime does the
/// same for its own asynchronous calls); stdin and stdout are never: they may be shared with
/// other processes, so their side of a splice is made non-blocking per call instead.
/// </summary>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("linux")]
internal static partial class KernelCopy
{
    private const int Chunk = 1 << 20;
    private const uint SpliceMove = 1, SpliceNonBlock = 2;
    private const int EInval = 22, ENoSys = 38, EOpNotSupp = 95;
    private const int FGetFl = 3, FSetFl = 4, FSetPipeSize = 1031, FGetPipeSize = 1032, ONonBlock = 0x800;

    private enum Route
    {
        SendFile,
        Splice,
        ThroughPipe,
    }

    /// <summary>
    /// Copies <paramref name="input"/> to <paramref name="output"/> until the input ends, a call
    /// fails, or <paramref name="ct"/> is cancelled; <paramref name="moved"/> hears of every
    /// byte that reached the output, from the copy's thread.
    /// </summary>
    public static Task<KernelCopyEnd> RunAsync(int input, int output, Action<long> moved, CancellationToken ct)
    {
        var (inKind, outKind) = (FileKind.OfDescriptor(input), FileKind.OfDescriptor(output));
        if (RouteFor(inKind, outKind) is not { } route)
        {
            return Task.FromResult(new KernelCopyEnd(KernelCopyEnding.Unsupported));
        }

        foreach (var (fd, kind) in new[] { (input, inKind), (output, outKind) })
        {
            if (kind == DescriptorKind.Socket)
            {
                _ = Fcntl(fd, FSetFl, Fcntl(fd, FGetFl, 0) | ONonBlock);
            }
            else if (kind == DescriptorKind.Pipe && Fcntl(fd, FGetPipeSize, 0) is > 0 and < Chunk)
            {
                // A pipe we were handed holds 64 KiB by default: every 64 KiB, the process on
                // its other end and we take turns. Grown (a pipe's capacity is all it changes;
                // the system's limit, /proc/sys/fs/pipe-max-size, may refuse), fewer turns.
                _ = Fcntl(fd, FSetPipeSize, Chunk);
            }
        }

        var done = new TaskCompletionSource<KernelCopyEnd>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wake = WakePipe.Open("kernel copy");
        var cancelled = ct.UnsafeRegister(state => ((WakePipe)state!).Wake(), wake);
        var thread = new Thread(
            () =>
            {
                try
                {
                    var copy = new Copy(input, output, moved, wake, ct);
                    done.SetResult(route switch
                    {
                        Route.SendFile => copy.SendFile(),
                        Route.Splice => copy.Splice(),
                        _ => copy.ThroughPipe(),
                    });
                }
                catch (Exception e)
                {
                    done.SetException(e); // the awaiting pump reports it; a thread of ours never takes the process down
                }
                finally
                {
                    cancelled.Dispose(); // waits for a wake-up in progress: only then may the pipe close
                    wake.Dispose();
                }
            },
            maxStackSize: 256 * 1024)
        {
            IsBackground = true,
            Name = "nsock kernel copy",
        };
        thread.Start();
        return done.Task;
    }

    // splice(2) needs a pipe at one end; sendfile(2) reads a file into a socket; a socket and a
    // file or device meet through a pipe of our own.
    private static Route? RouteFor(DescriptorKind input, DescriptorKind output) => (input, output) switch
    {
        (DescriptorKind.RegularFile, DescriptorKind.Socket) => Route.SendFile,
        (DescriptorKind.Pipe, DescriptorKind.Socket) or (DescriptorKind.Socket, DescriptorKind.Pipe) => Route.Splice,
        (DescriptorKind.Socket, DescriptorKind.RegularFile or DescriptorKind.CharacterDevice) => Route.ThroughPipe,
        (DescriptorKind.CharacterDevice, DescriptorKind.Socket) => Route.ThroughPipe,
        _ => null,
    };

    private readonly struct Copy(int input, int output, Action<long> moved, WakePipe wake, CancellationToken ct)
    {
        public KernelCopyEnd SendFile()
        {
            var total = 0L;
            while (!ct.IsCancellationRequested)
            {
                var sent = SendFileCall(output, input, IntPtr.Zero, Chunk);
                if (sent > 0)
                {
                    total += sent;
                    moved(sent);
                }
                else if (sent == 0)
                {
                    return new KernelCopyEnd(KernelCopyEnding.InputEnded);
                }
                else if (!Retry(Errno.Last, output, Libc.PollOut, out var errno))
                {
                    return errno == 0 ? Cancelled : Failure(errno, total);
                }
            }

            return Cancelled;
        }

        public KernelCopyEnd Splice()
        {
            var total = 0L;
            while (!ct.IsCancellationRequested)
            {
                var spliced = SpliceCall(input, IntPtr.Zero, output, IntPtr.Zero, Chunk, SpliceMove | SpliceNonBlock);
                if (spliced > 0)
                {
                    total += spliced;
                    moved(spliced);
                    continue;
                }

                if (spliced == 0)
                {
                    return new KernelCopyEnd(KernelCopyEnding.InputEnded);
                }

                // Either end may be the one not ready: wait for the input, then for the output.
                var errno = Errno.Last;
                if (errno == Errno.EAGAIN)
                {
                    if (!WaitFor(input, Libc.PollIn) || !WaitFor(output, Libc.PollOut))
                    {
                        return Cancelled;
                    }
                }
                else if (errno != Errno.EINTR)
                {
                    return Failure(errno, total);
                }
            }

            return Cancelled;
        }

        public KernelCopyEnd ThroughPipe()
        {
            Span<int> pipe = stackalloc int[2];
            if (Libc.Pipe2(pipe, Libc.OCloexec | ONonBlock) != 0)
            {
                return new KernelCopyEnd(KernelCopyEnding.Unsupported);
            }

            var (pipeRead, pipeWrite) = (pipe[0], pipe[1]);
            try
            {
                _ = Fcntl(pipeWrite, FSetPipeSize, Chunk); // fewer calls per byte; the default (64 KiB) works too
                return Through(pipeRead, pipeWrite);
            }
            finally
            {
                _ = Libc.Close(pipeRead);
                _ = Libc.Close(pipeWrite);
            }
        }

        private KernelCopyEnd Through(int pipeRead, int pipeWrite)
        {
            var total = 0L;
            while (!ct.IsCancellationRequested)
            {
                var pending = SpliceCall(input, IntPtr.Zero, pipeWrite, IntPtr.Zero, Chunk, SpliceMove | SpliceNonBlock);
                if (pending == 0)
                {
                    return new KernelCopyEnd(KernelCopyEnding.InputEnded);
                }

                if (pending < 0)
                {
                    if (!Retry(Errno.Last, input, Libc.PollIn, out var errno))
                    {
                        return errno == 0 ? Cancelled : Failure(errno, total);
                    }

                    continue;
                }

                while (pending > 0)
                {
                    var spliced = SpliceCall(pipeRead, IntPtr.Zero, output, IntPtr.Zero, (nuint)pending, SpliceMove | SpliceNonBlock);
                    if (spliced > 0)
                    {
                        pending -= spliced;
                        total += spliced;
                        moved(spliced);
                    }
                    else if (!Retry(Errno.Last, output, Libc.PollOut, out var errno))
                    {
                        if (errno == 0)
                        {
                            return Cancelled;
                        }

                        if (total > 0 || !IsUnsupported(errno))
                        {
                            return new KernelCopyEnd(KernelCopyEnding.Failed, errno);
                        }

                        // The output takes no splice (a device without it): hand over what is in
                        // our pipe by read and write, and let the caller copy the rest; nothing
                        // is lost or reordered.
                        var failed = Rescue(pipeRead, pending);
                        return failed == 0 ? new KernelCopyEnd(KernelCopyEnding.Unsupported) : new KernelCopyEnd(KernelCopyEnding.Failed, failed);
                    }
                }
            }

            return Cancelled;
        }

        // Moves what is in our pipe to the output by read(2) and write(2); 0, or the errno that stopped it.
        private int Rescue(int pipeRead, long pending)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                while (pending > 0)
                {
                    var read = Libc.Read(pipeRead, buffer, (nuint)Math.Min(buffer.Length, pending));
                    if (read <= 0)
                    {
                        return read == 0 ? EInval : Errno.Last;
                    }

                    for (var done = 0; done < read;)
                    {
                        var written = Libc.Write(output, buffer.AsSpan(done), (nuint)(read - done));
                        if (written > 0)
                        {
                            done += (int)written;
                        }
                        else if (!Retry(Errno.Last, output, Libc.PollOut, out var errno))
                        {
                            return errno == 0 ? Errno.EINTR : errno;
                        }
                    }

                    pending -= read;
                    moved(read);
                }

                return 0;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        // After a call failed with errno: true to try again (interrupted, or the descriptor is
        // ready now); false with the errno to report, or 0 when cancelled while waiting.
        private bool Retry(int errno, int fd, short events, out int failure)
        {
            failure = 0;
            if (errno == Errno.EINTR)
            {
                return true;
            }

            if (errno == Errno.EAGAIN)
            {
                return WaitFor(fd, events);
            }

            failure = errno;
            return false;
        }

        // Waits until fd is ready for events (or has an error or hang-up to report); false when
        // the copy was cancelled meanwhile.
        private bool WaitFor(int fd, short events)
        {
            Span<Libc.PollFd> fds = [new() { Fd = fd, Events = events }, new() { Fd = wake.ReadEnd, Events = Libc.PollIn }];
            while (Libc.Poll(fds, 2, -1) < 0 && Errno.Last == Errno.EINTR)
            {
            }

            return (fds[1].Revents & Libc.PollIn) == 0 && !ct.IsCancellationRequested;
        }

        private static KernelCopyEnd Cancelled => new(KernelCopyEnding.Cancelled);

        // A refusal before the first byte means these two cannot be spliced: copy in user space.
        private static KernelCopyEnd Failure(int errno, long total) =>
            total == 0 && IsUnsupported(errno) ? new KernelCopyEnd(KernelCopyEnding.Unsupported) : new KernelCopyEnd(KernelCopyEnding.Failed, errno);

        private static bool IsUnsupported(int errno) => errno is EInval or ENoSys or EOpNotSupp;
    }

    [LibraryImport("libc", EntryPoint = "splice", SetLastError = true)]
    private static partial nint SpliceCall(int input, IntPtr inputOffset, int output, IntPtr outputOffset, nuint length, uint flags);

    [LibraryImport("libc", EntryPoint = "sendfile", SetLastError = true)]
    private static partial nint SendFileCall(int output, int input, IntPtr offset, nuint count);

    // fcntl with an int argument: the variadic call is safe through a fixed signature on Linux's
    // x64 and arm64 ABIs, the only ones this class runs on.
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);
}
