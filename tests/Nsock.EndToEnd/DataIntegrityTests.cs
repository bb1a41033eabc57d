using System.Net.Sockets;
using System.Security.Cryptography;

namespace Nsock.EndToEnd;

/// <summary>
/// "Bytes are bytes": every byte value, awkward sizes around buffer and page boundaries, and
/// large volumes survive nsock unchanged in both directions, as client and as server.
/// </summary>
public sealed class DataIntegrityTests
{
    private static readonly TimeSpan BigWait = TimeSpan.FromSeconds(60);

    public enum Role
    {
        /// <summary><c>nsock connect</c> to a listener of the test.</summary>
        Client,

        /// <summary><c>nsock listen</c>, the test connects.</summary>
        Server,
    }

    public static TheoryData<Role> Roles => new(Role.Client, Role.Server);

    public static TheoryData<Role, int> RolesAndSizes
    {
        get
        {
            var data = new TheoryData<Role, int>();
            foreach (var role in new[] { Role.Client, Role.Server })
            {
                foreach (var size in new[] { 1, 4095, 4096, 4097, 4098, 65535, 65536, 65537, (1 << 20) + 1 })
                {
                    data.Add(role, size);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task All_256_byte_values_survive_both_ways(Role role)
    {
        var up = Enumerable.Range(0, 256 * 64).Select(i => (byte)i).ToArray();
        var down = Enumerable.Range(0, 256 * 64).Select(i => (byte)(255 - i)).ToArray();
        await using var session = await Connected.OpenAsync(role, nsock => FeedAsync(nsock, up));

        var received = Loopback.ReadToEndAsync(session.Peer);
        await SendAllAsync(session.Peer, down, RunningProcess.DefaultWait);
        session.Peer.Shutdown(SocketShutdown.Send);

        Bytes.AssertSame(up, await received, "peer received (nsock's stdin)");
        await session.Feeding.WaitAsync(RunningProcess.DefaultWait, TestContext.Current.CancellationToken);
        Assert.Equal(0, await session.Nsock.WaitForExitAsync());
        Bytes.AssertSame(down, session.Nsock.Stdout.ToArray(), "nsock's stdout (peer sent)");
        AssertNoErrors(session.Nsock);
    }

    [Theory]
    [MemberData(nameof(RolesAndSizes))]
    public async Task Stdin_written_and_closed_at_once_reaches_the_peer_exactly(Role role, int size)
    {
        var data = RandomBytes(seed: size, size);
        await using var session = await Connected.OpenAsync(role, nsock => FeedAsync(nsock, data));

        var received = await Loopback.ReadToEndAsync(session.Peer, BigWait);
        session.Peer.Shutdown(SocketShutdown.Send);

        Bytes.AssertSame(data, received, $"peer received ({size} bytes from nsock's stdin)");
        await session.Feeding.WaitAsync(BigWait, TestContext.Current.CancellationToken);
        Assert.Equal(0, await session.Nsock.WaitForExitAsync(BigWait));
        Assert.Equal(0, session.Nsock.Stdout.Length);
        AssertNoErrors(session.Nsock);
    }

    [Theory]
    [MemberData(nameof(RolesAndSizes))]
    public async Task Peer_data_reaches_stdout_exactly(Role role, int size)
    {
        var data = RandomBytes(seed: -size, size);
        await using var session = await Connected.OpenAsync(role, nsock => nsock.CloseStdinAsync());

        await SendAllAsync(session.Peer, data, BigWait);
        session.Peer.Shutdown(SocketShutdown.Send);
        var fromNsock = await Loopback.ReadToEndAsync(session.Peer, BigWait);

        Assert.Empty(fromNsock);
        Assert.Equal(0, await session.Nsock.WaitForExitAsync(BigWait));
        Bytes.AssertSame(data, session.Nsock.Stdout.ToArray(), $"nsock's stdout ({size} bytes from the peer)");
        AssertNoErrors(session.Nsock);
    }

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Sixty_four_MiB_from_stdin_reach_the_peer_intact(Role role)
    {
        const long size = 64L << 20;
        var sent = new SentDigest();
        await using var session = await Connected.OpenAsync(role, nsock => FeedRandomAsync(nsock, seed: 64, size, sent));

        var (count, digest) = await ReceiveDigestAsync(session.Peer, BigWait);
        session.Peer.Shutdown(SocketShutdown.Send);

        await session.Feeding.WaitAsync(BigWait, TestContext.Current.CancellationToken);
        Assert.Equal(size, count);
        Assert.Equal(Convert.ToHexString(sent.Hash!), Convert.ToHexString(digest));
        Assert.Equal(0, await session.Nsock.WaitForExitAsync(BigWait));
        AssertNoErrors(session.Nsock);
    }

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Sixty_four_MiB_from_the_peer_reach_stdout_intact(Role role)
    {
        const int chunk = 256 * 1024;
        const int chunks = 256; // 64 MiB
        var stdout = new HashingConsumer();
        await using var session = await Connected.OpenAsync(role, nsock => nsock.CloseStdinAsync(), stdout.ConsumeAsync);

        var random = new Random(640);
        var buffer = new byte[chunk];
        using var sentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var cts = new CancellationTokenSource(BigWait))
        {
            for (var i = 0; i < chunks; i++)
            {
                random.NextBytes(buffer);
                sentHash.AppendData(buffer);
                await SendAllAsync(session.Peer, buffer, cts.Token);
            }
        }

        session.Peer.Shutdown(SocketShutdown.Send);
        var fromNsock = await Loopback.ReadToEndAsync(session.Peer, BigWait);

        Assert.Empty(fromNsock);
        Assert.Equal(0, await session.Nsock.WaitForExitAsync(BigWait));
        var (count, digest) = await stdout.Result.WaitAsync(BigWait, TestContext.Current.CancellationToken);
        Assert.Equal((long)chunk * chunks, count);
        Assert.Equal(Convert.ToHexString(sentHash.GetHashAndReset()), Convert.ToHexString(digest));
        AssertNoErrors(session.Nsock);
    }

    /// <summary>
    /// The peer sends all 16 MiB before it reads a byte, while nsock's stdin also carries 16 MiB:
    /// far more than the socket buffers hold, so this only finishes if nsock keeps reading the
    /// socket while its own sends are blocked.
    /// </summary>
    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Sixteen_MiB_both_ways_at_once_with_a_peer_that_writes_before_it_reads(Role role)
    {
        const long size = 16L << 20;
        var down = RandomBytes(seed: 1600, (int)size);
        var sent = new SentDigest();
        var stdout = new HashingConsumer();
        await using var session = await Connected.OpenAsync(role, nsock => FeedRandomAsync(nsock, seed: 1601, size, sent), stdout.ConsumeAsync);

        try
        {
            await SendAllAsync(session.Peer, down, BigWait);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the peer could not send {size} bytes within {BigWait.TotalSeconds} s while not reading: nsock stopped reading the socket (deadlock?)");
        }

        session.Peer.Shutdown(SocketShutdown.Send);
        var (count, digest) = await ReceiveDigestAsync(session.Peer, BigWait);

        await session.Feeding.WaitAsync(BigWait, TestContext.Current.CancellationToken);
        Assert.Equal(size, count);
        Assert.Equal(Convert.ToHexString(sent.Hash!), Convert.ToHexString(digest));
        Assert.Equal(0, await session.Nsock.WaitForExitAsync(BigWait));
        var (stdoutCount, stdoutDigest) = await stdout.Result.WaitAsync(BigWait, TestContext.Current.CancellationToken);
        Assert.Equal(size, stdoutCount);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(down)), Convert.ToHexString(stdoutDigest));
        AssertNoErrors(session.Nsock);
    }

    private static byte[] RandomBytes(int seed, int size)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static void AssertNoErrors(RunningProcess nsock) =>
        Assert.DoesNotContain(nsock.StderrLines, line => line.StartsWith("nsock:", StringComparison.Ordinal));

    /// <summary>Writes all of <paramref name="data"/> to stdin and closes it straight after.</summary>
    private static async Task FeedAsync(RunningProcess nsock, byte[] data)
    {
        await nsock.WriteStdinAsync(data);
        await nsock.CloseStdinAsync();
    }

    /// <summary>Streams <paramref name="size"/> pseudo-random bytes into stdin, hashing what it wrote, then closes it.</summary>
    private static async Task FeedRandomAsync(RunningProcess nsock, int seed, long size, SentDigest sent)
    {
        var random = new Random(seed);
        var buffer = new byte[128 * 1024];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (long left = size; left > 0;)
        {
            var n = (int)Math.Min(buffer.Length, left);
            random.NextBytes(buffer.AsSpan(0, n));
            hash.AppendData(buffer, 0, n);
            await nsock.WriteStdinAsync(n == buffer.Length ? buffer : buffer[..n]);
            left -= n;
        }

        sent.Hash = hash.GetHashAndReset();
        await nsock.CloseStdinAsync();
    }

    private static async Task SendAllAsync(Socket socket, byte[] data, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await SendAllAsync(socket, data, cts.Token);
    }

    private static async Task SendAllAsync(Socket socket, byte[] data, CancellationToken ct)
    {
        for (var offset = 0; offset < data.Length;)
        {
            offset += await socket.SendAsync(data.AsMemory(offset), SocketFlags.None, ct);
        }
    }

    /// <summary>Reads to EOF, hashing as it goes (bounded in time).</summary>
    private static async Task<(long Count, byte[] Digest)> ReceiveDigestAsync(Socket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[256 * 1024];
        long count = 0;
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            count += read;
        }

        return (count, hash.GetHashAndReset());
    }

    private sealed class SentDigest
    {
        public byte[]? Hash { get; set; }
    }

    /// <summary>nsock's stdout, hashed as it streams in instead of buffered.</summary>
    private sealed class HashingConsumer
    {
        private readonly TaskCompletionSource<(long Count, byte[] Digest)> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<(long Count, byte[] Digest)> Result => _result.Task;

        public async Task ConsumeAsync(Stream stdout, CancellationToken ct)
        {
            try
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[256 * 1024];
                long count = 0;
                int read;
                while ((read = await stdout.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    count += read;
                }

                _result.TrySetResult((count, hash.GetHashAndReset()));
            }
            catch (Exception e)
            {
                _result.TrySetException(e);
                throw;
            }
        }
    }

    /// <summary>nsock in <see cref="Role"/>, connected to a socket of the test; disposing ends both.</summary>
    private sealed class Connected : IAsyncDisposable
    {
        private Connected(RunningProcess nsock, Socket peer, Task feeding)
        {
            Nsock = nsock;
            Peer = peer;
            Feeding = feeding;
        }

        public RunningProcess Nsock { get; }

        public Socket Peer { get; }

        /// <summary>What <c>whenStarted</c> began (feeding stdin); await it to see it finished.</summary>
        public Task Feeding { get; }

        /// <param name="whenStarted">Runs as soon as nsock is started, before the connection exists.</param>
        public static async Task<Connected> OpenAsync(Role role, Func<RunningProcess, Task> whenStarted, Func<Stream, CancellationToken, Task>? stdoutConsumer = null)
        {
            if (role == Role.Client)
            {
                using var listener = Loopback.Listen();
                var nsock = RunningProcess.Start(NsockTool.Path, ["connect", "127.0.0.1", Loopback.PortOf(listener).ToString()], stdoutConsumer);
                try
                {
                    var feeding = whenStarted(nsock);
                    var peer = await Loopback.AcceptAsync(listener);
                    return new Connected(nsock, peer, feeding);
                }
                catch
                {
                    await nsock.DisposeAsync();
                    throw;
                }
            }
            else
            {
                var nsock = RunningProcess.Start(NsockTool.Path, ["listen", "-v", "127.0.0.1", "0"], stdoutConsumer);
                try
                {
                    var feeding = whenStarted(nsock);
                    var port = await nsock.WaitForListeningPortAsync();
                    var peer = await Loopback.ConnectAsync(port);
                    return new Connected(nsock, peer, feeding);
                }
                catch
                {
                    await nsock.DisposeAsync();
                    throw;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            Peer.Dispose();
            await Nsock.DisposeAsync();
        }
    }
}
