using System.Security.Cryptography;

namespace Nsock.EndToEnd;

/// <summary>
/// How large a datagram may be is a fact of its family: UDP stops at 65507 bytes, as ever; a
/// unix datagram is as large as the socket's send buffer allows (nsock raises it), and arrives
/// whole however large it is, with nsock or socat at either end.
/// </summary>
public sealed class DatagramSizeTests
{
    private const int Large = 200_000;

    [Fact]
    public async Task A_200000_byte_unix_datagram_goes_whole_from_nsock_to_nsock()
    {
        ToolPlatform.NeedsUnix(dgram: true);
        using var dir = new UnixTempDir();
        var (file, data) = await LargeFileAsync(dir);
        await using var server = RunningProcess.Nsock("unix", "-l", "-u", "-v", "-c", "1", dir.File("s"));
        await Unix.WaitForListeningAsync(server, dir.File("s"));

        await using (var client = StdinFrom(file, NsockTool.Path, "unix", "-u", "--buffer-size", $"{Large}", dir.File("s")))
        {
            Assert.Equal(0, await client.WaitForExitAsync());
        }

        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.Equal(Sha(data), Sha(server.Stdout.ToArray()));
    }

    [Fact]
    public async Task A_200000_byte_unix_datagram_from_socat_arrives_whole()
    {
        ToolPlatform.NeedsUnix(dgram: true);
        using var dir = new UnixTempDir();
        var (file, data) = await LargeFileAsync(dir);
        await using var server = RunningProcess.Nsock("unix", "-l", "-u", "-v", "-c", "1", dir.File("s"));
        await Unix.WaitForListeningAsync(server, dir.File("s"));

        await using (var socat = RunningProcess.Start("socat", ["-u", "-b", $"{Large}", $"OPEN:{file}", $"UNIX-SENDTO:{dir.File("s")}"]))
        {
            Assert.Equal(0, await socat.WaitForExitAsync());
        }

        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.Equal(Sha(data), Sha(server.Stdout.ToArray()));
    }

    [Fact]
    public async Task A_200000_byte_unix_datagram_from_nsock_reaches_socat_whole()
    {
        ToolPlatform.NeedsUnix(dgram: true);
        using var dir = new UnixTempDir();
        var (file, data) = await LargeFileAsync(dir);
        var received = dir.File("received");
        await using var socat = RunningProcess.Start("socat", ["-u", "-b", $"{2 * Large}", $"UNIX-RECVFROM:{dir.File("s")}", $"OPEN:{received},creat"]);
        await Unix.WaitForBoundAsync(dir.File("s"), socat);

        await using (var client = StdinFrom(file, NsockTool.Path, "unix", "-u", "--buffer-size", $"{Large}", dir.File("s")))
        {
            Assert.Equal(0, await client.WaitForExitAsync());
        }

        Assert.Equal(0, await socat.WaitForExitAsync());
        Assert.Equal(Sha(data), Sha(await File.ReadAllBytesAsync(received, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Udp_keeps_its_65507_byte_limit_and_its_words()
    {
        await using var nsock = RunningProcess.Nsock("udp-send", "--buffer-size", "65508", "127.0.0.1", "9", "x");
        await nsock.CloseStdinAsync();

        Assert.Equal(2, await nsock.WaitForExitAsync());
        Assert.Equal("nsock: --buffer-size: a UDP datagram holds at most 65507 bytes", ErrorLine.AssertSole(nsock, "--buffer-size", usage: true));
    }

    private static async Task<(string File, byte[] Data)> LargeFileAsync(UnixTempDir dir)
    {
        var data = RandomNumberGenerator.GetBytes(Large);
        var file = dir.File("large");
        await File.WriteAllBytesAsync(file, data, TestContext.Current.CancellationToken);
        return (file, data);
    }

    // One read of a regular file gives all of it: one stdin read, one datagram.
    private static RunningProcess StdinFrom(string file, string program, params string[] args) =>
        RunningProcess.Start("bash", ["-c", $"exec \"$0\" \"$@\" <\"{file}\"", program, .. args]);

    private static string Sha(byte[] data) => Convert.ToHexString(SHA256.HashData(data));
}
