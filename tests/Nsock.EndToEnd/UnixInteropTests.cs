namespace Nsock.EndToEnd;

/// <summary>
/// <c>nsock unix</c> against socat (UNIX-LISTEN, UNIX-CONNECT, UNIX-RECVFROM, UNIX-SENDTO,
/// ABSTRACT-LISTEN, ABSTRACT-CONNECT, ABSTRACT-SENDTO) and OpenBSD nc (<c>nc -U</c>,
/// <c>nc -lU</c>), in both roles: exact bytes both ways, nsock exits 0.
/// </summary>
/// <remarks>
/// Streams are exchanged as in <see cref="InteropTests"/>: the peer sends and closes its stdin
/// first, nsock's stdout is awaited until it holds all of it, then nsock sends and closes (nc
/// quits as soon as its socket reaches EOF, so the other order would test nc's policy).
/// </remarks>
public sealed class UnixInteropTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public static TheoryData<string> StreamPeers => new("socat", "nc");

    [Theory]
    [MemberData(nameof(StreamPeers))]
    public async Task Nsock_connects_to_a_peer_listening_on_a_path(string peer)
    {
        using var dir = new UnixTempDir();
        var path = dir.File("peer.sock");
        string[] args = peer == "socat" ? ["-t", "30", $"UNIX-LISTEN:{path}", "-"] : ["-N", "-lU", path];
        await using var server = RunningProcess.Start(peer, args);
        await Unix.WaitForSocketFileAsync(path, server, Wait);
        await using var nsock = await NsockWhenListening.ConnectAsync(["unix", "-v", path], path, server, Wait);

        await ExchangeAsync(nsock, server, seed: 11);
    }

    [Theory]
    [MemberData(nameof(StreamPeers))]
    public async Task Peer_connects_to_nsock_listening_on_a_path(string peer)
    {
        using var dir = new UnixTempDir();
        var path = dir.File("nsock.sock");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-v", path);
        await Unix.WaitForListeningAsync(nsock, path, Wait);
        string[] args = peer == "socat" ? ["-t", "30", "-", $"UNIX-CONNECT:{path}"] : ["-N", "-U", path];
        await using var client = RunningProcess.Start(peer, args);

        await ExchangeAsync(nsock, client, seed: 12);
        await Unix.AssertGoneAsync(path);
    }

    [Fact]
    public async Task Nsock_connects_to_socat_ABSTRACT_LISTEN()
    {
        var name = Unix.AbstractName();
        await using var server = RunningProcess.Start("socat", ["-t", "30", $"ABSTRACT-LISTEN:{name[1..]}", "-"]);
        await Unix.WaitForBoundAsync(name, server, Wait);
        await using var nsock = await NsockWhenListening.ConnectAsync(["unix", "-v", name], name, server, Wait);

        await ExchangeAsync(nsock, server, seed: 13);
    }

    [Fact]
    public async Task Socat_ABSTRACT_CONNECT_to_nsock_listening_on_an_abstract_name()
    {
        var name = Unix.AbstractName();
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-v", name);
        await Unix.WaitForListeningAsync(nsock, name, Wait);
        await using var client = RunningProcess.Start("socat", ["-t", "30", "-", $"ABSTRACT-CONNECT:{name[1..]}"]);

        await ExchangeAsync(nsock, client, seed: 14);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Nsock_datagram_client_gets_echoes_from_socat_UNIX_RECVFROM(bool sourcePath)
    {
        using var dir = new UnixTempDir();
        var path = dir.File("echo.sock");
        // Each datagram forks a child that sends back what cat returns; -T ends idle children.
        await using var socat = RunningProcess.Start("socat", ["-T", "10", $"UNIX-RECVFROM:{path},fork", "SYSTEM:cat"]);
        await Unix.WaitForSocketFileAsync(path, socat, Wait);
        var source = dir.File("me.sock");

        string[] args = ["unix", "-u", "-c", "1", "--wait", "20", "--format", "line", .. sourcePath ? new[] { "-s", source } : [], path];
        await using var nsock = RunningProcess.Nsock(args);
        await nsock.WriteStdinAsync("a\0b and more");
        await nsock.CloseStdinAsync();

        Assert.Equal(0, await nsock.WaitForExitAsync(Wait));
        Assert.Equal($"{path} 12 a\\0b and more\n", nsock.Stdout.Text);
        Assert.DoesNotContain(nsock.StderrLines, line => line.StartsWith("nsock:", StringComparison.Ordinal));
        if (sourcePath)
        {
            await Unix.AssertGoneAsync(source);
        }
    }

    [Theory]
    [InlineData("UNIX-SENDTO", "bound")]
    [InlineData("UNIX-SENDTO", "unbound")]
    [InlineData("ABSTRACT-SENDTO", "bound")]
    public async Task Socat_SENDTO_reaches_nsock_datagram_server_and_gets_the_echo(string socatAddress, string binding)
    {
        using var dir = new UnixTempDir();
        var abstractServer = socatAddress.StartsWith("ABSTRACT", StringComparison.Ordinal);
        var server = abstractServer ? Unix.AbstractName() : dir.File("srv.sock");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-u", "-v", "--echo", "--format", "line", "-c", "1", server);
        await Unix.WaitForListeningAsync(nsock, server, Wait);

        // socat binds abstract names for ABSTRACT-* addresses: bind=NAME is @NAME there.
        var clientName = abstractServer ? Unix.AbstractName() : dir.File("cli.sock");
        var target = $"{socatAddress}:{(abstractServer ? server[1..] : server)}";
        if (binding == "bound")
        {
            target += $",bind={(abstractServer ? clientName[1..] : clientName)}";
        }

        // -t: after stdin's EOF, socat listens half a second more, then ends.
        await using var socat = RunningProcess.Start("socat", ["-t", "0.5", "-", target]);
        await socat.WriteStdinAsync("hello\0there");
        var expectedSender = binding == "bound" ? clientName : "(unbound)";
        await Unix.WaitForOutputAsync(nsock, $"{expectedSender} 11 hello\\0there\n", Wait);
        Assert.Equal(0, await nsock.WaitForExitAsync(Wait));
        Assert.Equal($"{expectedSender} 11 hello\\0there\n", nsock.Stdout.Text);

        if (binding == "bound")
        {
            await socat.Stdout.WaitForAsync(b => b.Length >= 11, Wait, "the echo on socat's stdout");
        }

        await socat.CloseStdinAsync();
        Assert.Equal(0, await socat.WaitForExitAsync(Wait));
        Assert.Equal(binding == "bound" ? "hello\0there" : "", socat.Stdout.Text);
        if (!abstractServer)
        {
            await Unix.AssertGoneAsync(server);
        }
    }

    /// <summary>Peer's stdin → nsock's stdout, then nsock's stdin → peer's stdout; both exactly.</summary>
    private static async Task ExchangeAsync(RunningProcess nsock, RunningProcess peer, int seed)
    {
        var random = new Random(seed);
        var fromPeer = new byte[200_003];
        var fromNsock = new byte[300_007];
        random.NextBytes(fromPeer);
        random.NextBytes(fromNsock);

        await peer.WriteStdinAsync(fromPeer).WaitAsync(Wait, TestContext.Current.CancellationToken);
        await peer.CloseStdinAsync().WaitAsync(Wait, TestContext.Current.CancellationToken);
        await nsock.Stdout.WaitForAsync(b => b.Length >= fromPeer.Length, Wait, $"{fromPeer.Length} bytes from {peer.Program} on nsock's stdout");
        Assert.False(nsock.HasExited, $"nsock ended while its stdin was still open; stderr:\n{nsock.Stderr}");

        await nsock.WriteStdinAsync(fromNsock).WaitAsync(Wait, TestContext.Current.CancellationToken);
        await nsock.CloseStdinAsync().WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal(0, await nsock.WaitForExitAsync(Wait));
        var peerExit = await peer.WaitForExitAsync(Wait);

        Bytes.AssertSame(fromPeer, nsock.Stdout.ToArray(), $"nsock's stdout (sent by {peer.Program})");
        Bytes.AssertSame(fromNsock, peer.Stdout.ToArray(), $"{peer.Program}'s stdout (sent by nsock)");
        Assert.True(peerExit == 0, $"{peer.Program} exited {peerExit}; stderr:\n{peer.Stderr}");
        Assert.DoesNotContain(nsock.StderrLines, line => line.StartsWith("nsock:", StringComparison.Ordinal));
    }
}
