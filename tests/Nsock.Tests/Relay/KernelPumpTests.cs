using System.Runtime.Versioning;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Nsock.Platform;
using Nsock.Relay;
using Nsock.Tests.Platform;

namespace Nsock.Tests.Relay;

/// <summary>
/// The relay with a local end whose source and sink are plain descriptors (as stdin and stdout
/// are when they are a pipe, a file or a device): over a socket, the kernel moves the bytes
/// (<see cref="KernelPump"/>) and the session behaves exactly as the copy loop would; where the
/// bytes are changed or shown (--crlf, --hex) or there is no socket (TLS), the copy loop runs.
/// The fakes count their user-space calls, which tells the two apart.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class KernelPumpTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public static TheoryData<ConnectionKind> Kinds => new(ConnectionKind.Tcp, ConnectionKind.Unix);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void KernelOnly()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the kernel copy is Linux only");
        Assert.SkipWhen(Environment.GetEnvironmentVariable("NSOCK_KERNEL_COPY") == "0", "NSOCK_KERNEL_COPY=0 turns the kernel copy off");
    }

    [Theory]
    [InlineData(ConnectionKind.Tcp, "pipe")]
    [InlineData(ConnectionKind.Tcp, "file")]
    [InlineData(ConnectionKind.Unix, "pipe")]
    [InlineData(ConnectionKind.Unix, "file")]
    public async Task Half_close_works_with_the_kernel_moving_both_ways(ConnectionKind kind, string input)
    {
        KernelOnly();
        var request = Descriptors.Data((1 << 20) + 3, seed: 21);
        var reply = Descriptors.Data((2 << 20) + 5, seed: 22);
        using var dir = new TempDir();
        using var pipe = TestPipe.Open();
        var writing = Task.CompletedTask;
        SafeFileHandle from;
        if (input == "pipe")
        {
            from = pipe.Read;
            writing = Task.Run(
                async () =>
                {
                    await Descriptors.WriteAllAsync(pipe.Write, request, 4093, 65537, 7);
                    pipe.Write.Dispose(); // the source's end
                },
                Ct);
        }
        else
        {
            await File.WriteAllBytesAsync(dir.File("in"), request, Ct);
            from = File.OpenHandle(dir.File("in"), FileMode.Open, FileAccess.Read);
        }

        using var fromHandle = from;
        using var to = File.OpenHandle(dir.File("out"), FileMode.CreateNew, FileAccess.Write);
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var source = new DescriptorSource(from);
        var sink = new DescriptorSink(to);
        await using var run = RelayRun.Start(pair, new LocalEnd(source, sink));

        Descriptors.AssertSameBytes(request, await pair.Peer.ReadToEndAsync()); // the source's end reached the peer as a FIN
        await writing.WaitAsync(Bound, Ct);
        Assert.False(run.Relay.IsCompleted);
        Assert.False(sink.Completed.IsCompleted);

        await pair.Peer.SendAsync(reply);
        await pair.Peer.CloseWriteAsync();

        var result = await run.Relay.WaitAsync(Bound, Ct);
        Assert.Equal(new RelayResult(RelayOutcome.Completed, request.Length, reply.Length), result);
        Assert.True(sink.Completed.IsCompleted);
        Descriptors.AssertSameBytes(reply, await File.ReadAllBytesAsync(dir.File("out"), Ct));
        Assert.Equal((0, 0), (source.Reads, sink.Writes)); // the kernel moved it all
    }

    [Theory]
    [InlineData(ConnectionKind.Tcp, "crlf")]
    [InlineData(ConnectionKind.Unix, "crlf")]
    [InlineData(ConnectionKind.Tcp, "hex")]
    [InlineData(ConnectionKind.Unix, "hex")]
    [InlineData(ConnectionKind.Tls, "none")]
    public async Task The_copy_loop_runs_where_bytes_are_changed_or_shown_or_there_is_no_socket(ConnectionKind kind, string option)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "descriptor fakes are Linux only");
        var options = option switch
        {
            "crlf" => new RelayOptions(Crlf: true),
            "hex" => new RelayOptions(HexDump: true),
            _ => new RelayOptions(),
        };
        using var dir = new TempDir();
        using var pipe = TestPipe.Open();
        Assert.Equal(7, (int)Libc.Write(pipe.WriteFd, "a\nb\r\nc\n"u8, 7));
        pipe.Write.Dispose();
        using var to = File.OpenHandle(dir.File("out"), FileMode.CreateNew, FileAccess.Write);
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var source = new DescriptorSource(pipe.Read);
        var sink = new DescriptorSink(to);
        await using var run = RelayRun.Start(pair, new LocalEnd(source, sink), options);

        var expected = option == "crlf" ? "a\r\nb\r\nc\r\n" : "a\nb\r\nc\n";
        Assert.Equal(expected, Encoding.ASCII.GetString(await pair.Peer.ReadToEndAsync()));
        await pair.Peer.SendAsync("x\ny\n"u8.ToArray());
        await pair.Peer.CloseWriteAsync();

        var result = await run.Relay.WaitAsync(Bound, Ct);
        Assert.Equal(new RelayResult(RelayOutcome.Completed, expected.Length, 4), result);
        Assert.True(sink.Completed.IsCompleted);
        Assert.Equal("x\ny\n", Encoding.ASCII.GetString(await File.ReadAllBytesAsync(dir.File("out"), Ct))); // no CRLF on what is received
        Assert.True(source.Reads > 0, "the source was never read in user space");
        Assert.True(sink.Writes > 0, "the sink was never written in user space");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task What_the_kernel_cannot_write_goes_on_in_user_space_in_order(ConnectionKind kind)
    {
        // splice(2) refuses a file opened O_APPEND (stdout of `>>`): the kernel hands over what it
        // took, and the copy loop takes the rest.
        KernelOnly();
        const int OWrOnly = 1, OAppend = 0x400;
        var reply = Descriptors.Data((3 << 20) + 11, seed: 23);
        using var dir = new TempDir();
        await File.WriteAllBytesAsync(dir.File("out"), [], Ct);
        using var to = new SafeFileHandle(Libc.Open(dir.File("out"), OWrOnly | OAppend | Libc.OCloexec), ownsHandle: true);
        Assert.False(to.IsInvalid);
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var sink = new DescriptorSink(to);
        await using var run = RelayRun.Start(pair, new LocalEnd(null, sink));

        await pair.Peer.SendAsync(reply);
        await pair.Peer.CloseWriteAsync();

        var result = await run.Relay.WaitAsync(Bound, Ct);
        Assert.Equal(new RelayResult(RelayOutcome.Completed, 0, reply.Length), result);
        Assert.True(sink.Completed.IsCompleted);
        Descriptors.AssertSameBytes(reply, await File.ReadAllBytesAsync(dir.File("out"), Ct));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_reset_while_the_kernel_receives_ends_as_a_network_failure_naming_the_peer(ConnectionKind kind)
    {
        KernelOnly();
        using var dir = new TempDir();
        using var pipe = TestPipe.Open(); // the source: its writer stays open and never writes
        using var to = File.OpenHandle(dir.File("out"), FileMode.CreateNew, FileAccess.Write);
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var source = new DescriptorSource(pipe.Read);
        var sink = new DescriptorSink(to);
        await using var run = RelayRun.Start(pair, new LocalEnd(source, sink));
        await Descriptors.CopiesWaitingAsync(2); // both directions waiting in the kernel copy

        pair.Peer.Reset();

        var result = await run.Relay.WaitAsync(Bound, Ct);
        Assert.Equal(RelayOutcome.Failed, result.Outcome);
        var failure = Assert.IsType<NsockException>(result.Error);
        Assert.Equal(ExitCodes.Network, failure.ExitCode);
        Assert.Equal("peer", failure.What);
        Assert.Equal("connection reset by peer", failure.Why);
        Assert.False(sink.Completed.IsCompleted); // a reset is not the peer's end
        Assert.Equal((0, 0), (source.Reads, sink.Writes));
    }

    // Until the peer's reset has reached the socket (POLLERR) or the relay has already failed
    // on the bytes before (a unix socket refuses them at once): then the next bytes must fail.
    private static async Task ResetOrEndAsync(System.Net.Sockets.Socket socket, Task relay)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!relay.IsCompleted && DateTime.UtcNow < deadline)
        {
            // poll(2) waits for the reset itself, 50 ms at a time so that the relay's end is seen too.
            if (await Task.Run(() => HasError(socket, 50), Ct))
            {
                return;
            }
        }
    }

    private static bool HasError(System.Net.Sockets.Socket socket, int milliseconds)
    {
        Span<Libc.PollFd> fds = [new() { Fd = (int)socket.Handle }];
        return Libc.Poll(fds, 1, milliseconds) > 0 && (fds[0].Revents & Libc.PollErr) != 0;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_peer_that_has_gone_fails_the_kernel_send_naming_the_peer(ConnectionKind kind)
    {
        // The peer reads what it was sent, then closes: the receiving side sees a clean end (the
        // sink completes, the session goes on), and the next bytes the kernel sends fail. That is
        // the connection failing, never the end of the source.
        KernelOnly();
        using var dir = new TempDir();
        using var pipe = TestPipe.Open(); // the source's writer stays open
        using var to = File.OpenHandle(dir.File("out"), FileMode.CreateNew, FileAccess.Write);
        using var pair = await SocketPair.CreateAsync(kind);
        var source = new DescriptorSource(pipe.Read);
        var sink = new DescriptorSink(to);
        await using var run = RelayRun.Start(new Nsock.Endpoints.SocketConnection(pair.Near, "peer"), new LocalEnd(source, sink));

        Assert.Equal(5, (int)Libc.Write(pipe.WriteFd, "first"u8, 5));
        Assert.Equal("first", Encoding.ASCII.GetString(await Descriptors.ReceiveToEndAsync(pair.Far, limit: 5)));
        pair.Far.Close(); // nothing left unread: a FIN, no reset
        await sink.Completed.WaitAsync(Bound, Ct);
        Assert.False(run.Relay.IsCompleted);

        Assert.Equal(6, (int)Libc.Write(pipe.WriteFd, "second"u8, 6)); // over TCP this one may still go out, and draw an RST
        await ResetOrEndAsync(pair.Near, run.Relay);
        Assert.Equal(5, (int)Libc.Write(pipe.WriteFd, "third"u8, 5));

        var result = await run.Relay.WaitAsync(Bound, Ct);
        Assert.Equal(RelayOutcome.Failed, result.Outcome);
        var failure = Assert.IsType<NsockException>(result.Error);
        Assert.Equal(ExitCodes.Network, failure.ExitCode);
        Assert.Equal("peer", failure.What);
        Assert.Contains(failure.Why, new[] { "connection reset by peer", "broken pipe (the peer has closed the connection)" });
        Assert.Equal((0, 0), (source.Reads, sink.Writes));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task An_output_whose_reader_has_gone_ends_the_session_as_output_closed(ConnectionKind kind)
    {
        KernelOnly();
        using var source = TestPipe.Open(); // never written
        using var output = TestPipe.Open();
        output.Read.Dispose();
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var sink = new DescriptorSink(output.Write);
        await using var run = RelayRun.Start(pair, new LocalEnd(new DescriptorSource(source.Read), sink));

        await pair.Peer.SendAsync("data"u8.ToArray());

        var result = await run.Relay.WaitAsync(Bound, Ct);
        Assert.Equal(RelayOutcome.OutputClosed, result.Outcome);
        Assert.Null(result.Error);
        Assert.Equal(0, sink.Writes);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task An_output_that_fails_ends_the_session_with_its_error(ConnectionKind kind)
    {
        KernelOnly();
        using var source = TestPipe.Open(); // never written
        using var full = Descriptors.OpenDevice("/dev/full", FileAccess.Write);
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var sink = new DescriptorSink(full);
        await using var run = RelayRun.Start(pair, new LocalEnd(new DescriptorSource(source.Read), sink));

        await pair.Peer.SendAsync("data"u8.ToArray());

        var result = await run.Relay.WaitAsync(Bound, Ct);
        Assert.Equal(RelayOutcome.OutputFailed, result.Outcome);
        var failure = Assert.IsType<NsockException>(result.Error);
        Assert.Equal(ExitCodes.Network, failure.ExitCode);
        Assert.Equal("stdout", failure.What);
        Assert.Equal(Errno.Describe(28), failure.Why); // ENOSPC
        Assert.Equal(0, sink.Writes);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Idle_timeout_ends_a_quiet_session_the_kernel_waits_on(ConnectionKind kind)
    {
        KernelOnly();
        using var dir = new TempDir();
        using var pipe = TestPipe.Open();
        using var to = File.OpenHandle(dir.File("out"), FileMode.CreateNew, FileAccess.Write);
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var source = new DescriptorSource(pipe.Read);
        await using var run = RelayRun.Start(pair, new LocalEnd(source, new DescriptorSink(to)), new RelayOptions(IdleTimeout: TimeSpan.FromMilliseconds(200)));

        Assert.Equal(RelayOutcome.IdleTimeout, (await run.Relay.WaitAsync(Bound, Ct)).Outcome);
        Assert.Equal(0, source.Reads);
    }

    [Theory]
    [InlineData(ConnectionKind.Tcp, "send")]
    [InlineData(ConnectionKind.Tcp, "receive")]
    [InlineData(ConnectionKind.Unix, "send")]
    [InlineData(ConnectionKind.Unix, "receive")]
    public async Task Bytes_the_kernel_moves_keep_the_session_from_going_idle(ConnectionKind kind, string direction)
    {
        KernelOnly();
        var idle = TimeSpan.FromSeconds(1);
        using var dir = new TempDir();
        using var pipe = TestPipe.Open();
        using var to = File.OpenHandle(dir.File("out"), FileMode.CreateNew, FileAccess.Write);
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var source = new DescriptorSource(pipe.Read);
        var sink = new DescriptorSink(to);
        await using var run = RelayRun.Start(pair, new LocalEnd(source, sink), new RelayOptions(IdleTimeout: idle));

        // Twice the idle timeout of steady traffic, a byte every 100 ms.
        for (var i = 0; i < 20; i++)
        {
            if (direction == "send")
            {
                Assert.Equal(1, (int)Libc.Write(pipe.WriteFd, "s"u8, 1));
            }
            else
            {
                await pair.Peer.SendAsync("r"u8.ToArray());
            }

            await Task.Delay(100, Ct);
        }

        if (run.Relay.IsCompleted)
        {
            Assert.Fail($"the session ended while bytes were moving: {await run.Relay}");
        }

        var result = await run.Relay.WaitAsync(Bound, Ct); // now quiet: it does go idle
        Assert.Equal(RelayOutcome.IdleTimeout, result.Outcome);
        Assert.Equal(direction == "send" ? (20L, 0L) : (0L, 20L), (result.BytesSent, result.BytesReceived));
        Assert.Equal((0, 0), (source.Reads, sink.Writes));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Cancellation_ends_the_session_by_throwing_while_the_kernel_waits(ConnectionKind kind)
    {
        KernelOnly();
        using var dir = new TempDir();
        using var pipe = TestPipe.Open();
        using var to = File.OpenHandle(dir.File("out"), FileMode.CreateNew, FileAccess.Write);
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var source = new DescriptorSource(pipe.Read);
        await using var run = RelayRun.Start(pair, new LocalEnd(source, new DescriptorSink(to)));
        await Descriptors.CopiesWaitingAsync(2);

        await run.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.Relay.WaitAsync(Bound, Ct));
        Assert.Equal(0, source.Reads);
    }
}

/// <summary>
/// A relay with a token of its own. Disposing cancels it and waits (bounded) for it to end, so
/// that no descriptor it uses is closed under it: declare it after them.
/// </summary>
internal sealed class RelayRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

    private RelayRun(IConnection connection, LocalEnd end, RelayOptions options) =>
        Relay = new StreamRelay(new TappedConnection(connection, options), end, options).RunAsync(_cts.Token);

    public Task<RelayResult> Relay { get; }

    public static RelayRun Start(ConnectionPair pair, LocalEnd end, RelayOptions? options = null) => new(pair.Connection, end, options ?? new RelayOptions());

    public static RelayRun Start(IConnection connection, LocalEnd end, RelayOptions? options = null) => new(connection, end, options ?? new RelayOptions());

    public Task CancelAsync() => _cts.CancelAsync();

    public async ValueTask DisposeAsync()
    {
        if (!Relay.IsCompleted)
        {
            _cts.Cancel();
            try
            {
                await Relay.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
            catch (Exception)
            {
            }
        }

        _cts.Dispose();
    }
}

/// <summary>A source that is a descriptor (a pipe's read end, a file); read in user space by read(2) when the kernel does not.</summary>
[SupportedOSPlatform("linux")]
internal sealed class DescriptorSource(SafeFileHandle handle) : IRelaySource
{
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    public int? Descriptor => Descriptors.Fd(handle);

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
    {
        Interlocked.Increment(ref _reads);
        return await Task.Factory.StartNew(
            () =>
            {
                var added = false;
                handle.DangerousAddRef(ref added);
                try
                {
                    while (true)
                    {
                        var read = Libc.Read(Descriptors.Fd(handle), buffer.Span, (nuint)buffer.Length);
                        if (read >= 0 || Errno.Last != Errno.EINTR)
                        {
                            return (int)Math.Max(read, 0); // a read error is the end, as in StdinSource
                        }
                    }
                }
                finally
                {
                    handle.DangerousRelease();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }
}

/// <summary>
/// A sink that is a descriptor (a pipe's write end, a file, a device); written in user space by
/// write(2) when the kernel does not, failing as StdoutSink does; remembers completion.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class DescriptorSink(SafeFileHandle handle) : IRelaySink
{
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _writes;

    public int Writes => Volatile.Read(ref _writes);

    public Task Completed => _completed.Task;

    public int? Descriptor => Descriptors.Fd(handle);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        Interlocked.Increment(ref _writes);
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            for (var done = 0; done < chunk.Length;)
            {
                var written = Libc.Write(Descriptors.Fd(handle), chunk.Span[done..], (nuint)(chunk.Length - done));
                if (written > 0)
                {
                    done += (int)written;
                    continue;
                }

                var errno = Errno.Last;
                if (errno == Errno.EINTR)
                {
                    continue;
                }

                throw errno == Errno.EPIPE
                    ? new SinkClosedException()
                    : new SinkFailedException(new NsockException(ExitCodes.Network, "stdout", Errno.Describe(errno)));
            }
        }
        finally
        {
            handle.DangerousRelease();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(CancellationToken ct)
    {
        _completed.TrySetResult();
        return ValueTask.CompletedTask;
    }
}
