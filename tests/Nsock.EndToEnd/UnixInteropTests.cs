namespace Nsock.EndToEnd;

/// <summary>
/// <c>nsock unix</c> against socat where only unix sockets go: @abstract names (ABSTRACT-LISTEN,
/// ABSTRACT-CONNECT, ABSTRACT-SENDTO) and datagrams (UNIX-RECVFROM, UNIX-SENDTO), in both roles:
/// exact bytes both ways, nsock exits 0. Streams over a path (socat UNIX-LISTEN/UNIX-CONNECT,
/// <c>nc -U</c>, <c>nc -lU</c>) are in <see cref="InteropTests"/>, with TCP's peers.
/// </summary>
/// <remarks>Streams are exchanged as <see cref="Exchange"/> says: the peer finishes sending first.</remarks>
public sealed class UnixInteropTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    // Every test runs nsock unix; each says too whether it needs datagrams or abstract names.
    public UnixInteropTests() => ToolPlatform.NeedsUnix();

    [Fact]
    public async Task Nsock_connects_to_socat_ABSTRACT_LISTEN()
    {
        ToolPlatform.NeedsUnix(abstractName: true);
        var name = Unix.AbstractName();
        await using var server = RunningProcess.Start("socat", ["-t", "30", $"ABSTRACT-LISTEN:{name[1..]}", "-"]);
        await Unix.WaitForBoundAsync(name, server, Wait);
        await using var nsock = await NsockWhenListening.ConnectAsync(["unix", "-v", name], name, server, Wait);

        await Exchange.BothWaysAsync(nsock, server, Bytes.Random(seed: 13, 200_003), Bytes.Random(seed: 14, 300_007));
    }

    [Fact]
    public async Task Socat_ABSTRACT_CONNECT_to_nsock_listening_on_an_abstract_name()
    {
        ToolPlatform.NeedsUnix(abstractName: true);
        var name = Unix.AbstractName();
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-v", name);
        await Unix.WaitForListeningAsync(nsock, name, Wait);
        await using var client = RunningProcess.Start("socat", ["-t", "30", "-", $"ABSTRACT-CONNECT:{name[1..]}"]);

        await Exchange.BothWaysAsync(nsock, client, Bytes.Random(seed: 15, 200_003), Bytes.Random(seed: 16, 300_007));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Nsock_datagram_client_gets_echoes_from_socat_UNIX_RECVFROM(bool sourcePath)
    {
        ToolPlatform.NeedsUnix(dgram: true);
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

        await nsock.AssertExitCodeAsync(0, Wait);
        Assert.Equal($"{path} 12 a\\0b and more\n", nsock.Stdout.Text);
        ErrorLine.AssertNone(nsock);
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
        ToolPlatform.NeedsUnix(dgram: true, abstractName: socatAddress.StartsWith("ABSTRACT", StringComparison.Ordinal));
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
        await nsock.AssertExitCodeAsync(0, Wait);
        Assert.Equal($"{expectedSender} 11 hello\\0there\n", nsock.Stdout.Text);

        if (binding == "bound")
        {
            await socat.Stdout.WaitForAsync(b => b.Length >= 11, Wait, "the echo on socat's stdout");
        }

        await socat.CloseStdinAsync();
        await socat.AssertExitCodeAsync(0, Wait);
        Assert.Equal(binding == "bound" ? "hello\0there" : "", socat.Stdout.Text);
        if (!abstractServer)
        {
            await Unix.AssertGoneAsync(server);
        }
    }
}
