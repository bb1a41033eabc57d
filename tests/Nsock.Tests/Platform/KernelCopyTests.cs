using System.Net.Sockets;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using Nsock.Platform;

namespace Nsock.Tests.Platform;

/// <summary>
/// <see cref="KernelCopy"/> on real descriptors (Linux only): files, pipes and devices against TCP
/// and unix stream sockets. Every route moves its bytes exactly and ends as its input does; every
/// wait, in the kernel or here, can be cancelled or is bounded; failures come back as errno values.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class KernelCopyTests
{
    /// <summary>Well past a pipe's or a socket buffer's size, and not a multiple of any page or chunk.</summary>
    private const int Size = (3 * 1024 * 1024) + 17;

    private const int ENoSpc = 28, EPipe = 32, EConnReset = 104;

    private static readonly TimeSpan Bound = Descriptors.Bound;

    /// <summary>How soon a cancelled copy must have ended.</summary>
    private static readonly TimeSpan CancelBound = TimeSpan.FromSeconds(2);

    private static readonly KernelCopyEnd InputEnded = new(KernelCopyEnding.InputEnded);

    public static TheoryData<ConnectionKind> Kinds => new(ConnectionKind.Tcp, ConnectionKind.Unix);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void LinuxOnly() => Assert.SkipUnless(OperatingSystem.IsLinux(), "the kernel copy is Linux only");

    // ---- regular file → socket (sendfile) ----

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task File_to_socket_arrives_byte_exact_and_ends_with_the_file(ConnectionKind kind)
    {
        LinuxOnly();
        var data = Descriptors.Data(Size, seed: 1);
        Assert.True(Descriptors.HasEveryByteValue(data));
        using var dir = new TempDir();
        await File.WriteAllBytesAsync(dir.File("in"), data, Ct);
        using var file = File.OpenHandle(dir.File("in"), FileMode.Open, FileAccess.Read);
        using var pair = await SocketPair.CreateAsync(kind);
        var received = Descriptors.ReceiveToEndAsync(pair.Far);
        await using var copy = CopyRun.Start(Descriptors.Fd(file), pair.NearFd);

        var end = await copy.EndAsync();
        pair.Near.Shutdown(SocketShutdown.Send);

        Assert.Equal(InputEnded, end);
        Descriptors.AssertSameBytes(data, await received);
        Assert.Equal(Size, copy.Moved.Total);
        Assert.Equal(0, copy.Moved.NotPositive);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task File_to_socket_starts_at_the_file_offset(ConnectionKind kind)
    {
        LinuxOnly();
        var data = Descriptors.Data(Size, seed: 2);
        using var dir = new TempDir();
        await File.WriteAllBytesAsync(dir.File("in"), data, Ct);
        using var file = File.OpenHandle(dir.File("in"), FileMode.Open, FileAccess.Read);
        var head = new byte[1000];
        Assert.Equal(1000, (int)Libc.Read(Descriptors.Fd(file), head, 1000)); // read(2): moves the file offset
        Assert.Equal(data[..1000], head);
        using var pair = await SocketPair.CreateAsync(kind);
        var received = Descriptors.ReceiveToEndAsync(pair.Far);
        await using var copy = CopyRun.Start(Descriptors.Fd(file), pair.NearFd);

        var end = await copy.EndAsync();
        pair.Near.Shutdown(SocketShutdown.Send);

        Assert.Equal(InputEnded, end);
        Descriptors.AssertSameBytes(data.AsMemory(1000), await received);
        Assert.Equal(Size - 1000, copy.Moved.Total);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task An_empty_file_ends_at_once_with_nothing_moved(ConnectionKind kind)
    {
        LinuxOnly();
        using var dir = new TempDir();
        await File.WriteAllBytesAsync(dir.File("in"), [], Ct);
        using var file = File.OpenHandle(dir.File("in"), FileMode.Open, FileAccess.Read);
        using var pair = await SocketPair.CreateAsync(kind);
        await using var copy = CopyRun.Start(Descriptors.Fd(file), pair.NearFd);

        Assert.Equal(InputEnded, await copy.EndAsync());
        pair.Near.Shutdown(SocketShutdown.Send);
        Assert.Empty(await Descriptors.ReceiveToEndAsync(pair.Far));
        Assert.Equal(0, copy.Moved.Calls);
    }

    [Fact]
    public async Task A_proc_file_whose_size_says_zero_is_sent_whole_or_left_to_user_space()
    {
        // /proc files are regular files of size 0 whose reads produce text: a copy that trusted the
        // size would send nothing and call it the end. Either all of it goes, or none (Unsupported).
        LinuxOnly();
        var expected = await File.ReadAllBytesAsync("/proc/version", Ct);
        Assert.NotEmpty(expected);
        using var file = File.OpenHandle("/proc/version", FileMode.Open, FileAccess.Read);
        using var pair = await SocketPair.CreateAsync(ConnectionKind.Unix);
        await using var copy = CopyRun.Start(Descriptors.Fd(file), pair.NearFd);

        var end = await copy.EndAsync();
        pair.Near.Shutdown(SocketShutdown.Send);
        var received = await Descriptors.ReceiveToEndAsync(pair.Far);

        if (end.Ending == KernelCopyEnding.Unsupported)
        {
            Assert.Empty(received);
            Assert.Equal(0, copy.Moved.Calls);
        }
        else
        {
            Assert.Equal(InputEnded, end);
            Assert.Equal(expected, received);
            Assert.Equal(expected.Length, copy.Moved.Total);
        }
    }

    // ---- pipe ↔ socket (splice) ----

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Pipe_to_socket_arrives_byte_exact_and_ends_when_the_writer_closes(ConnectionKind kind)
    {
        LinuxOnly();
        var data = Descriptors.Data(Size, seed: 3);
        using var pipe = TestPipe.Open();
        using var pair = await SocketPair.CreateAsync(kind);
        var received = Descriptors.ReceiveToEndAsync(pair.Far);
        await using var copy = CopyRun.Start(pipe.ReadFd, pair.NearFd);

        await Descriptors.WriteAllAsync(pipe.Write, data, 1, 7, 4093, 65537, 13, 131071, 509, 1_000_003).WaitAsync(Bound, Ct);
        pipe.Write.Dispose();
        var end = await copy.EndAsync();
        pair.Near.Shutdown(SocketShutdown.Send);

        Assert.Equal(InputEnded, end);
        Descriptors.AssertSameBytes(data, await received);
        Assert.Equal(Size, copy.Moved.Total);
        Assert.Equal(0, copy.Moved.NotPositive);

        // The pipe may be stdin, shared with other processes: it is never left non-blocking.
        Assert.Equal(0, Descriptors.StatusFlags(pipe.ReadFd) & Descriptors.ONonBlock);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Socket_to_pipe_arrives_byte_exact_and_ends_with_the_peers_FIN(ConnectionKind kind)
    {
        LinuxOnly();
        var data = Descriptors.Data(Size, seed: 4);
        using var pipe = TestPipe.Open();
        using var pair = await SocketPair.CreateAsync(kind);
        var drained = Descriptors.ReadToEndAsync(pipe.Read);
        await using var copy = CopyRun.Start(pair.NearFd, pipe.WriteFd);

        using (var cts = Bounded())
        {
            await Descriptors.SendAllAsync(pair.Far, data, shutdown: true, cts.Token);
        }

        var end = await copy.EndAsync();
        Assert.Equal(InputEnded, end);
        Assert.Equal(0, Descriptors.StatusFlags(pipe.WriteFd) & Descriptors.ONonBlock); // stdout is never left non-blocking
        pipe.Write.Dispose();
        Descriptors.AssertSameBytes(data, await drained.WaitAsync(Bound, Ct));
        Assert.Equal(Size, copy.Moved.Total);
        Assert.Equal(0, copy.Moved.NotPositive);
    }

    // ---- socket → file or device, through a pipe of the copy's own ----

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Socket_to_regular_file_writes_it_exactly_at_the_file_offset(ConnectionKind kind)
    {
        LinuxOnly();
        var data = Descriptors.Data(Size, seed: 5);
        using var dir = new TempDir();
        var file = File.OpenHandle(dir.File("out"), FileMode.CreateNew, FileAccess.Write);
        try
        {
            Assert.Equal(4, (int)Libc.Write(Descriptors.Fd(file), "head"u8, 4)); // what was there before stays
            using var pair = await SocketPair.CreateAsync(kind);
            await using var copy = CopyRun.Start(pair.NearFd, Descriptors.Fd(file));
            using (var cts = Bounded())
            {
                await Descriptors.SendAllAsync(pair.Far, data, shutdown: true, cts.Token);
            }

            Assert.Equal(InputEnded, await copy.EndAsync());
            Assert.Equal(0, Descriptors.StatusFlags(Descriptors.Fd(file)) & Descriptors.ONonBlock);
            Assert.Equal(Size, copy.Moved.Total);
            Assert.Equal(0, copy.Moved.NotPositive);
        }
        finally
        {
            file.Dispose();
        }

        Descriptors.AssertSameBytes("head"u8.ToArray().Concat(data).ToArray(), await File.ReadAllBytesAsync(dir.File("out"), Ct));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Socket_to_dev_null_takes_everything_and_counts_it(ConnectionKind kind)
    {
        LinuxOnly();
        var data = Descriptors.Data(Size, seed: 6);
        using var devNull = Descriptors.OpenDevice("/dev/null", FileAccess.Write);
        using var pair = await SocketPair.CreateAsync(kind);
        await using var copy = CopyRun.Start(pair.NearFd, Descriptors.Fd(devNull));

        using (var cts = Bounded())
        {
            await Descriptors.SendAllAsync(pair.Far, data, shutdown: true, cts.Token);
        }

        Assert.Equal(InputEnded, await copy.EndAsync());
        Assert.Equal(Size, copy.Moved.Total);
        Assert.Equal(0, copy.Moved.NotPositive);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Socket_to_dev_full_fails_with_ENOSPC(ConnectionKind kind)
    {
        // /dev/full takes no splice: the copy hands what it took over by write(2), which fails.
        LinuxOnly();
        using var devFull = Descriptors.OpenDevice("/dev/full", FileAccess.Write);
        using var pair = await SocketPair.CreateAsync(kind);
        await using var copy = CopyRun.Start(pair.NearFd, Descriptors.Fd(devFull));

        using (var cts = Bounded())
        {
            await Descriptors.SendAllAsync(pair.Far, Descriptors.Data(1000, seed: 7), shutdown: false, cts.Token);
        }

        Assert.Equal(new KernelCopyEnd(KernelCopyEnding.Failed, ENoSpc), await copy.EndAsync());
        Assert.Equal(0, copy.Moved.Calls);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Socket_to_an_append_only_file_loses_and_reorders_nothing(ConnectionKind kind)
    {
        // splice(2) refuses a file opened O_APPEND (stdout of `>>`). Whatever the copy took from the
        // socket before it found out must be in the file, and the rest still in the socket, in order.
        LinuxOnly();
        const int OWrOnly = 1, OAppend = 0x400;
        var data = Descriptors.Data(Size, seed: 8);
        using var dir = new TempDir();
        await File.WriteAllBytesAsync(dir.File("out"), [], Ct);
        var fd = Libc.Open(dir.File("out"), OWrOnly | OAppend | Libc.OCloexec);
        Assert.True(fd >= 0, $"open failed: errno {Errno.Last}");
        byte[] rest;
        long moved;
        KernelCopyEnd end;
        using (var file = new SafeFileHandle(fd, ownsHandle: true))
        {
            using var pair = await SocketPair.CreateAsync(kind);
            using var cts = Bounded();
            var sending = Descriptors.SendAllAsync(pair.Far, data, shutdown: true, cts.Token);
            await using var copy = CopyRun.Start(pair.NearFd, Descriptors.Fd(file));

            end = await copy.EndAsync();
            moved = copy.Moved.Total;
            rest = await Descriptors.ReceiveToEndAsync(pair.Near); // the caller's user-space copy would take over here
            await sending.WaitAsync(Bound, Ct);
        }

        Assert.True(end == InputEnded || end.Ending == KernelCopyEnding.Unsupported, $"ended {end}");
        var written = await File.ReadAllBytesAsync(dir.File("out"), Ct);
        Assert.Equal(moved, written.Length);
        Descriptors.AssertSameBytes(data, written.Concat(rest).ToArray());
    }

    // ---- character device → socket, through a pipe of the copy's own ----

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Dev_zero_to_socket_streams_zeros_until_cancelled(ConnectionKind kind)
    {
        LinuxOnly();
        const int Want = 1 << 20;
        using var zero = Descriptors.OpenDevice("/dev/zero", FileAccess.Read);
        using var pair = await SocketPair.CreateAsync(kind);
        await using var copy = CopyRun.Start(Descriptors.Fd(zero), pair.NearFd);

        var received = await Descriptors.ReceiveToEndAsync(pair.Far, limit: Want);
        await copy.CancelAsync();

        Assert.Equal(Want, received.Length);
        Assert.True(received.AsSpan().IndexOfAnyExcept((byte)0) < 0, "a byte other than zero arrived");
        Assert.Equal(new KernelCopyEnd(KernelCopyEnding.Cancelled), await copy.EndAsync(CancelBound));
        Assert.True(copy.Moved.Total >= Want, $"moved {copy.Moved.Total}, the peer read {Want}");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Dev_null_as_input_ends_or_is_left_to_user_space_with_nothing_moved(ConnectionKind kind)
    {
        // `nsock host port < /dev/null`: the kernel may refuse to splice from it (EINVAL before any
        // byte: Unsupported) or read its end at once; either way nothing is sent and nothing waits.
        LinuxOnly();
        using var devNull = Descriptors.OpenDevice("/dev/null", FileAccess.Read);
        using var pair = await SocketPair.CreateAsync(kind);
        await using var copy = CopyRun.Start(Descriptors.Fd(devNull), pair.NearFd);

        var end = await copy.EndAsync(CancelBound);
        Assert.True(end == InputEnded || end == new KernelCopyEnd(KernelCopyEnding.Unsupported), $"ended {end}");
        Assert.Equal(0, copy.Moved.Calls);
        pair.Near.Shutdown(SocketShutdown.Send);
        Assert.Empty(await Descriptors.ReceiveToEndAsync(pair.Far));
    }

    // ---- cancellation: every wait the copy makes is cut short ----

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Cancel_while_waiting_for_the_socket_ends_socket_to_pipe(ConnectionKind kind)
    {
        LinuxOnly();
        using var pipe = TestPipe.Open();
        using var pair = await SocketPair.CreateAsync(kind);
        await using var copy = CopyRun.Start(pair.NearFd, pipe.WriteFd);

        await AssertCancelledAsync(copy);
        Assert.Equal(0, copy.Moved.Calls);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Cancel_while_waiting_for_the_pipe_ends_pipe_to_socket(ConnectionKind kind)
    {
        LinuxOnly();
        using var pipe = TestPipe.Open(); // its writer stays open and never writes
        using var pair = await SocketPair.CreateAsync(kind);
        await using var copy = CopyRun.Start(pipe.ReadFd, pair.NearFd);

        await AssertCancelledAsync(copy);
        Assert.Equal(0, copy.Moved.Calls);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Cancel_while_waiting_for_a_full_pipe_ends_socket_to_pipe_and_keeps_the_count_true(ConnectionKind kind)
    {
        LinuxOnly();
        var data = Descriptors.Data(8 << 20, seed: 9); // more than the pipe and both socket buffers hold
        using var pipe = TestPipe.Open(); // nobody reads it
        using var pair = await SocketPair.CreateAsync(kind);
        using var sendCts = Bounded();
        var sending = Descriptors.SendAllAsync(pair.Far, data, shutdown: false, sendCts.Token);
        await using var copy = CopyRun.Start(pair.NearFd, pipe.WriteFd);

        var moved = await Descriptors.SettledAsync(() => copy.Moved.Total, TimeSpan.FromMilliseconds(300));
        await AssertCancelledAsync(copy);
        Assert.Equal(moved, copy.Moved.Total);

        // What the copy said it moved is exactly what is in the pipe: the start of the data.
        pipe.Write.Dispose();
        var inPipe = await Descriptors.ReadToEndAsync(pipe.Read).WaitAsync(Bound, Ct);
        Descriptors.AssertSameBytes(data.AsMemory(0, (int)moved), inPipe);

        await sendCts.CancelAsync();
        await Record.ExceptionAsync(() => sending.WaitAsync(Bound, Ct));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Cancel_while_waiting_for_room_in_the_socket_ends_file_to_socket(ConnectionKind kind)
    {
        LinuxOnly();
        using var dir = new TempDir();
        using (var stream = new FileStream(dir.File("in"), FileMode.CreateNew, FileAccess.Write))
        {
            stream.SetLength(64L << 20); // sparse: far more than any socket buffer, nothing on disk
        }

        using var file = File.OpenHandle(dir.File("in"), FileMode.Open, FileAccess.Read);
        using var pair = await SocketPair.CreateAsync(kind); // the peer never reads
        await using var copy = CopyRun.Start(Descriptors.Fd(file), pair.NearFd);

        var moved = await Descriptors.SettledAsync(() => copy.Moved.Total, TimeSpan.FromMilliseconds(300));
        Assert.True(moved < 64L << 20);
        await AssertCancelledAsync(copy);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Cancel_while_waiting_for_the_socket_ends_socket_to_file(ConnectionKind kind)
    {
        LinuxOnly();
        using var dir = new TempDir();
        using var file = File.OpenHandle(dir.File("out"), FileMode.CreateNew, FileAccess.Write);
        using var pair = await SocketPair.CreateAsync(kind);
        await using var copy = CopyRun.Start(pair.NearFd, Descriptors.Fd(file));

        await AssertCancelledAsync(copy);
        Assert.Equal(0, copy.Moved.Calls);
        Assert.Equal(0, new FileInfo(dir.File("out")).Length);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_token_cancelled_beforehand_moves_nothing(ConnectionKind kind)
    {
        LinuxOnly();
        using var pipe = TestPipe.Open();
        Assert.Equal(5, (int)Libc.Write(pipe.WriteFd, "ready"u8, 5)); // there is something to move
        using var pair = await SocketPair.CreateAsync(kind);
        await using var copy = CopyRun.StartCancelled(pipe.ReadFd, pair.NearFd);

        Assert.Equal(new KernelCopyEnd(KernelCopyEnding.Cancelled), await copy.EndAsync(CancelBound));
        Assert.Equal(0, copy.Moved.Calls);
    }

    // ---- failures: errno values, never a hang or a clean end ----

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Socket_to_a_pipe_whose_reader_has_gone_fails_with_EPIPE(ConnectionKind kind)
    {
        LinuxOnly();
        using var pipe = TestPipe.Open();
        pipe.Read.Dispose();
        using var pair = await SocketPair.CreateAsync(kind);
        await using var copy = CopyRun.Start(pair.NearFd, pipe.WriteFd);

        using (var cts = Bounded())
        {
            await Descriptors.SendAllAsync(pair.Far, "data"u8.ToArray(), shutdown: false, cts.Token);
        }

        Assert.Equal(new KernelCopyEnd(KernelCopyEnding.Failed, EPipe), await copy.EndAsync());
        Assert.Equal(0, copy.Moved.Calls);
    }

    [Theory]
    [InlineData(ConnectionKind.Tcp, "pipe")]
    [InlineData(ConnectionKind.Tcp, "file")]
    [InlineData(ConnectionKind.Unix, "pipe")]
    [InlineData(ConnectionKind.Unix, "file")]
    public async Task Writing_to_a_socket_whose_peer_has_gone_fails_with_ECONNRESET_or_EPIPE(ConnectionKind kind, string input)
    {
        LinuxOnly();
        using var pair = await SocketPair.CreateAsync(kind);
        pair.ResetFar(); // TCP: an RST; unix: a close
        using var pipe = TestPipe.Open();
        using var dir = new TempDir();
        SafeFileHandle from;
        if (input == "pipe")
        {
            Assert.Equal(4096, (int)Libc.Write(pipe.WriteFd, Descriptors.Data(4096, seed: 10), 4096)); // the writer stays open
            from = pipe.Read;
        }
        else
        {
            await File.WriteAllBytesAsync(dir.File("in"), Descriptors.Data(1 << 20, seed: 10), Ct);
            from = File.OpenHandle(dir.File("in"), FileMode.Open, FileAccess.Read);
        }

        try
        {
            await using var copy = CopyRun.Start(Descriptors.Fd(from), pair.NearFd);
            var end = await copy.EndAsync();
            Assert.Equal(KernelCopyEnding.Failed, end.Ending);
            Assert.Contains(end.Errno, new[] { EConnReset, EPipe });
        }
        finally
        {
            from.Dispose();
        }
    }

    // ---- pairs the kernel cannot copy ----

    [Theory]
    [InlineData("socket", "socket")]
    [InlineData("pipe", "pipe")]
    [InlineData("file", "file")]
    [InlineData("file", "pipe")]
    [InlineData("pipe", "file")]
    [InlineData("pipe", "/dev/null")]
    [InlineData("/dev/zero", "pipe")]
    [InlineData("/dev/zero", "/dev/null")]
    [InlineData("directory", "socket")]
    [InlineData("invalid", "socket")]
    [InlineData("socket", "invalid")]
    public async Task Other_pairs_are_unsupported_at_once_with_nothing_moved_or_changed(string input, string output)
    {
        LinuxOnly();
        using var dir = new TempDir();
        var held = new List<SafeFileHandle>();
        try
        {
            int Open(string what, bool forInput)
            {
                SafeFileHandle handle;
                switch (what)
                {
                    case "invalid":
                        return -1;
                    case "socket":
                        // A blocking socket of its own, to see that it is not made non-blocking.
                        handle = new SafeFileHandle(Libc.Socket(Libc.AfUnix, Libc.SockStream | Libc.SockCloexec, 0), ownsHandle: true);
                        break;
                    case "pipe":
                        var pipe = TestPipe.Open();
                        held.Add(pipe.Read);
                        held.Add(pipe.Write);
                        Assert.Equal(5, (int)Libc.Write(pipe.WriteFd, "bytes"u8, 5));
                        return forInput ? pipe.ReadFd : pipe.WriteFd;
                    case "file":
                        var path = dir.File(forInput ? "in" : "out");
                        File.WriteAllBytes(path, "bytes"u8.ToArray());
                        handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
                        break;
                    case "directory":
                        handle = new SafeFileHandle(Libc.Open(dir.Path, Libc.OCloexec), ownsHandle: true); // O_RDONLY
                        break;
                    default:
                        handle = Descriptors.OpenDevice(what, forInput ? FileAccess.Read : FileAccess.Write);
                        break;
                }

                Assert.False(handle.IsInvalid, $"could not open {what}: errno {Errno.Last}");
                held.Add(handle);
                return Descriptors.Fd(handle);
            }

            var (inFd, outFd) = (Open(input, forInput: true), Open(output, forInput: false));
            var flagsBefore = (inFd < 0 ? 0 : Descriptors.StatusFlags(inFd), outFd < 0 ? 0 : Descriptors.StatusFlags(outFd));
            await using var copy = CopyRun.Start(inFd, outFd);

            Assert.True(copy.Ending.IsCompleted, "an unsupported pair is known before any thread starts");
            Assert.Equal(new KernelCopyEnd(KernelCopyEnding.Unsupported), await copy.EndAsync());
            Assert.Equal(0, copy.Moved.Calls);
            Assert.Equal(flagsBefore, (inFd < 0 ? 0 : Descriptors.StatusFlags(inFd), outFd < 0 ? 0 : Descriptors.StatusFlags(outFd)));
            if (output == "file")
            {
                Assert.Equal("bytes"u8.ToArray(), await File.ReadAllBytesAsync(dir.File("out"), Ct));
            }
        }
        finally
        {
            held.ForEach(h => h.Dispose());
        }
    }

    /// <summary>The copy is still waiting after a while; cancelled, it ends so within <see cref="CancelBound"/>.</summary>
    private static async Task AssertCancelledAsync(CopyRun copy)
    {
        await Descriptors.CopiesWaitingAsync();
        if (copy.Ending.IsCompleted)
        {
            Assert.Fail($"the copy ended by itself: {await copy.Ending}");
        }

        await copy.CancelAsync();
        Assert.Equal(new KernelCopyEnd(KernelCopyEnding.Cancelled), await copy.EndAsync(CancelBound));
    }

    private static CancellationTokenSource Bounded()
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(Bound);
        return cts;
    }
}
