using System.Net.Sockets;
using System.Security.Cryptography;

namespace Nsock.EndToEnd;

/// <summary>
/// "Bytes are bytes": every byte value, awkward sizes around buffer and page boundaries, and
/// large volumes survive nsock unchanged in both directions, as client and as server, over every
/// family (TCP on 127.0.0.1 and ::1, unix stream), and between two nsocks.
/// </summary>
public sealed class DataIntegrityTests
{
    private static readonly TimeSpan BigWait = TimeSpan.FromSeconds(60);

    public static TheoryData<Family, Role, int> InBothRolesAndSizes
    {
        get
        {
            var data = new TheoryData<Family, Role, int>();
            foreach (var family in Families.Each)
            {
                foreach (var role in Families.BothRoles)
                {
                    foreach (var size in new[] { 1, 4095, 4096, 4097, 4098, 65535, 65536, 65537, (1 << 20) + 1 })
                    {
                        data.Add(family, role, size);
                    }
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Families.InBothRoles), MemberType = typeof(Families))]
    public async Task All_256_byte_values_survive_both_ways(Family family, Role role)
    {
        var up = Enumerable.Range(0, 256 * 64).Select(i => (byte)i).ToArray();
        var down = Enumerable.Range(0, 256 * 64).Select(i => (byte)(255 - i)).ToArray();
        await using var session = await Session.OpenAsync(family, role, [], nsock => FeedAsync(nsock, up));

        var received = Loopback.ReadToEndAsync(session.Peer);
        await Loopback.SendAllAsync(session.Peer, down, RunningProcess.DefaultWait);
        session.Peer.Shutdown(SocketShutdown.Send);

        Bytes.AssertSame(up, await received, "peer received (nsock's stdin)");
        await session.Feeding.WaitAsync(RunningProcess.DefaultWait, TestContext.Current.CancellationToken);
        await session.Nsock.AssertExitCodeAsync(0);
        Bytes.AssertSame(down, session.Nsock.Stdout.ToArray(), "nsock's stdout (peer sent)");
        ErrorLine.AssertNone(session.Nsock);
    }

    [Theory]
    [MemberData(nameof(InBothRolesAndSizes))]
    public async Task Stdin_written_and_closed_at_once_reaches_the_peer_exactly(Family family, Role role, int size)
    {
        var data = Bytes.Random(seed: size, size);
        await using var session = await Session.OpenAsync(family, role, [], nsock => FeedAsync(nsock, data));

        var received = await Loopback.ReadToEndAsync(session.Peer, BigWait);
        session.Peer.Shutdown(SocketShutdown.Send);

        Bytes.AssertSame(data, received, $"peer received ({size} bytes from nsock's stdin)");
        await session.Feeding.WaitAsync(BigWait, TestContext.Current.CancellationToken);
        await session.Nsock.AssertExitCodeAsync(0, BigWait);
        Assert.Equal(0, session.Nsock.Stdout.Length);
        ErrorLine.AssertNone(session.Nsock);
    }

    [Theory]
    [MemberData(nameof(InBothRolesAndSizes))]
    public async Task Peer_data_reaches_stdout_exactly(Family family, Role role, int size)
    {
        var data = Bytes.Random(seed: -size, size);
        await using var session = await Session.OpenAsync(family, role, [], nsock => nsock.CloseStdinAsync());

        await Loopback.SendAllAsync(session.Peer, data, BigWait);
        session.Peer.Shutdown(SocketShutdown.Send);
        var fromNsock = await Loopback.ReadToEndAsync(session.Peer, BigWait);

        Assert.Empty(fromNsock);
        await session.Nsock.AssertExitCodeAsync(0, BigWait);
        Bytes.AssertSame(data, session.Nsock.Stdout.ToArray(), $"nsock's stdout ({size} bytes from the peer)");
        ErrorLine.AssertNone(session.Nsock);
    }

    [Theory]
    [MemberData(nameof(Families.InBothRoles), MemberType = typeof(Families))]
    public async Task Sixty_four_MiB_from_stdin_reach_the_peer_intact(Family family, Role role)
    {
        const long size = 64L << 20;
        var sent = new SentDigest();
        await using var session = await Session.OpenAsync(family, role, [], nsock => FeedRandomAsync(nsock, seed: 64, size, sent));

        var (count, digest) = await ReceiveDigestAsync(session.Peer, BigWait);
        session.Peer.Shutdown(SocketShutdown.Send);

        await session.Feeding.WaitAsync(BigWait, TestContext.Current.CancellationToken);
        Assert.Equal(size, count);
        Assert.Equal(Convert.ToHexString(sent.Hash!), Convert.ToHexString(digest));
        await session.Nsock.AssertExitCodeAsync(0, BigWait);
        ErrorLine.AssertNone(session.Nsock);
    }

    [Theory]
    [MemberData(nameof(Families.InBothRoles), MemberType = typeof(Families))]
    public async Task Sixty_four_MiB_from_the_peer_reach_stdout_intact(Family family, Role role)
    {
        const int chunk = 256 * 1024;
        const int chunks = 256; // 64 MiB
        var stdout = new HashingConsumer();
        await using var session = await Session.OpenAsync(family, role, [], nsock => nsock.CloseStdinAsync(), stdout.ConsumeAsync);

        var random = new Random(640);
        var buffer = new byte[chunk];
        using var sentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var cts = new CancellationTokenSource(BigWait))
        {
            for (var i = 0; i < chunks; i++)
            {
                random.NextBytes(buffer);
                sentHash.AppendData(buffer);
                await Loopback.SendAllAsync(session.Peer, buffer, cts.Token);
            }
        }

        session.Peer.Shutdown(SocketShutdown.Send);
        var fromNsock = await Loopback.ReadToEndAsync(session.Peer, BigWait);

        Assert.Empty(fromNsock);
        await session.Nsock.AssertExitCodeAsync(0, BigWait);
        var (count, digest) = await stdout.Result.WaitAsync(BigWait, TestContext.Current.CancellationToken);
        Assert.Equal((long)chunk * chunks, count);
        Assert.Equal(Convert.ToHexString(sentHash.GetHashAndReset()), Convert.ToHexString(digest));
        ErrorLine.AssertNone(session.Nsock);
    }

    /// <summary>
    /// The peer sends all 16 MiB before it reads a byte, while nsock's stdin also carries 16 MiB:
    /// far more than the socket buffers hold, so this only finishes if nsock keeps reading the
    /// socket while its own sends are blocked.
    /// </summary>
    [Theory]
    [MemberData(nameof(Families.InBothRoles), MemberType = typeof(Families))]
    public async Task Sixteen_MiB_both_ways_at_once_with_a_peer_that_writes_before_it_reads(Family family, Role role)
    {
        const long size = 16L << 20;
        var down = Bytes.Random(seed: 1600, (int)size);
        var sent = new SentDigest();
        var stdout = new HashingConsumer();
        await using var session = await Session.OpenAsync(family, role, [], nsock => FeedRandomAsync(nsock, seed: 1601, size, sent), stdout.ConsumeAsync);

        try
        {
            await Loopback.SendAllAsync(session.Peer, down, BigWait);
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
        await session.Nsock.AssertExitCodeAsync(0, BigWait);
        var (stdoutCount, stdoutDigest) = await stdout.Result.WaitAsync(BigWait, TestContext.Current.CancellationToken);
        Assert.Equal(size, stdoutCount);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(down)), Convert.ToHexString(stdoutDigest));
        ErrorLine.AssertNone(session.Nsock);
    }

    [Theory]
    [MemberData(nameof(Families.All), MemberType = typeof(Families))]
    public async Task One_MiB_each_way_at_once_between_two_nsocks_arrives_intact(Family family)
    {
        const int size = 1024 * 1024;
        var toServer = RandomNumberGenerator.GetBytes(size);
        var toClient = RandomNumberGenerator.GetBytes(size);
        await using var server = await NsockServer.StartAsync(family);
        await using var client = RunningProcess.Nsock(server.ClientArgs());

        var feeding = Task.WhenAll(FeedInPiecesAsync(server.Nsock, toClient), FeedInPiecesAsync(client, toServer));
        await feeding.WaitAsync(BigWait, TestContext.Current.CancellationToken);

        await client.AssertExitCodeAsync(0, BigWait);
        await server.Nsock.AssertExitCodeAsync(0, BigWait);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(toServer)), Convert.ToHexString(SHA256.HashData(server.Nsock.Stdout.ToArray())));
        Assert.Equal(Convert.ToHexString(SHA256.HashData(toClient)), Convert.ToHexString(SHA256.HashData(client.Stdout.ToArray())));
        Assert.Equal(size, server.Nsock.Stdout.Length);
        Assert.Equal(size, client.Stdout.Length);

        static async Task FeedInPiecesAsync(RunningProcess nsock, byte[] data)
        {
            // In 64 KiB pieces, so both sides are sending while the other is.
            for (var offset = 0; offset < data.Length; offset += 65536)
            {
                await nsock.WriteStdinAsync(data[offset..Math.Min(data.Length, offset + 65536)]);
            }

            await nsock.CloseStdinAsync();
        }
    }

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
}
