using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Nsock.EndToEnd;

/// <summary>
/// The socket file nsock creates: gone within 0.5 s of every end (normal, error, SIGINT,
/// SIGTERM); a non-socket at the path never touched (exit 5); a stale socket replaced, a live one
/// refused as in use without disturbing its owner; sun_path's 107-byte limit.
/// </summary>
public sealed class UnixLifecycleTests
{
    // Every test runs nsock unix; those of datagrams or signals say so too.
    public UnixLifecycleTests() => ToolPlatform.NeedsUnix();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Socket_file_is_gone_after_a_normal_end(bool dgram)
    {
        ToolPlatform.NeedsUnix(dgram);
        using var dir = new UnixTempDir();
        var path = dir.File("s");
        await using var nsock = RunningProcess.Nsock(["unix", "-l", "-v", .. dgram ? new[] { "-u", "-c", "1" } : [], path]);
        await Unix.WaitForListeningAsync(nsock, path);
        Assert.Equal("socket", Unix.FileType(path));

        await Unix.BeTheOneClientAsync(nsock, path, dgram, "bye"u8.ToArray());

        await nsock.AssertExitCodeAsync(0);
        await Unix.AssertGoneAsync(path);
        Assert.Equal("bye", nsock.Stdout.Text);
        Assert.Empty(dir.Entries());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Socket_file_is_gone_after_an_idle_timeout_error(bool dgram)
    {
        ToolPlatform.NeedsUnix(dgram);
        using var dir = new UnixTempDir();
        var path = dir.File("s");
        await using var nsock = RunningProcess.Nsock(["unix", "-l", "-v", "-i", "0.5", .. dgram ? new[] { "-u" } : [], path]);
        await Unix.WaitForListeningAsync(nsock, path);

        // A stream server's idle clock runs in a session: give it a silent client.
        using var client = dgram ? null : await Unix.ConnectAsync(path);

        await nsock.AssertExitCodeAsync(4);
        await Unix.AssertGoneAsync(path);
        Assert.Contains("idle", nsock.StderrLines[^1], StringComparison.Ordinal);
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    [Theory]
    [InlineData(false, Signals.SigInt, 130)]
    [InlineData(false, Signals.SigTerm, 143)]
    [InlineData(true, Signals.SigInt, 130)]
    [InlineData(true, Signals.SigTerm, 143)]
    public async Task Socket_file_is_gone_after_a_signal(bool dgram, int signal, int expectedCode)
    {
        ToolPlatform.NeedsUnix(dgram);
        ToolPlatform.NeedsSignal(signal);
        using var dir = new UnixTempDir();
        var path = dir.File("s");
        string[] args = ["unix", "-l", "-v", .. dgram ? new[] { "-u" } : [], path];
        await using var nsock = signal == Signals.SigInt ? RunningProcess.NsockInterruptible(args) : RunningProcess.Nsock(args);
        await Unix.WaitForListeningAsync(nsock, path);
        Assert.Equal("socket", Unix.FileType(path));

        nsock.Signal(signal);

        await nsock.AssertExitCodeAsync(expectedCode, TimeSpan.FromSeconds(5));
        await Unix.AssertGoneAsync(path);
        Assert.Empty(dir.Entries());
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    [Theory]
    [InlineData(false, Signals.SigInt, 130)]
    [InlineData(false, Signals.SigTerm, 143)]
    [InlineData(true, Signals.SigInt, 130)]
    [InlineData(true, Signals.SigTerm, 143)]
    public async Task Socket_file_is_gone_after_a_signal_mid_session(bool keepOpen, int signal, int expectedCode)
    {
        ToolPlatform.NeedsSignal(signal);
        using var dir = new UnixTempDir();
        var path = dir.File("s");
        string[] args = ["unix", "-l", "-v", .. keepOpen ? new[] { "-k" } : [], path];
        await using var nsock = signal == Signals.SigInt ? RunningProcess.NsockInterruptible(args) : RunningProcess.Nsock(args);
        await Unix.WaitForListeningAsync(nsock, path);
        using var client = await Unix.ConnectAsync(path);
        await Loopback.SendAllAsync(client, "hello"u8.ToArray());
        await nsock.Stdout.WaitForTextAsync("hello", RunningProcess.DefaultWait);

        nsock.Signal(signal);

        await nsock.AssertExitCodeAsync(expectedCode, TimeSpan.FromSeconds(5));
        await Unix.AssertGoneAsync(path);
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    [Theory]
    [InlineData(Signals.SigInt, 130)]
    [InlineData(Signals.SigTerm, 143)]
    public async Task Datagram_client_source_file_is_gone_after_a_signal(int signal, int expectedCode)
    {
        ToolPlatform.NeedsUnix(dgram: true);
        ToolPlatform.NeedsSignal(signal);
        using var dir = new UnixTempDir();
        var path = dir.File("rcv");
        var source = dir.File("me");
        using var receiver = Unix.Datagram(path);
        string[] args = ["unix", "-u", "-s", source, path];
        await using var nsock = signal == Signals.SigInt ? RunningProcess.NsockInterruptible(args) : RunningProcess.Nsock(args);
        await nsock.WriteStdinAsync("x");
        var (_, from) = await Unix.ReceiveAsync(receiver);
        Assert.Equal(source, from);
        Assert.Equal("socket", Unix.FileType(source));

        nsock.Signal(signal);

        await nsock.AssertExitCodeAsync(expectedCode, TimeSpan.FromSeconds(5));
        await Unix.AssertGoneAsync(source);
        Assert.Equal(["rcv"], dir.Entries());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_regular_file_at_the_path_survives_byte_identical_exit_5(bool dgram)
    {
        ToolPlatform.NeedsUnix(dgram);
        using var dir = new UnixTempDir();
        var path = dir.File("data.bin");
        var content = RandomNumberGenerator.GetBytes(4099);
        File.WriteAllBytes(path, content);
        var written = File.GetLastWriteTimeUtc(path);
        await using var nsock = RunningProcess.Nsock(["unix", "-l", "-v", .. dgram ? new[] { "-u" } : [], path]);

        await nsock.AssertExitCodeAsync(5);
        var line = ErrorLine.AssertSole(nsock, path);
        Assert.Contains("not a socket", line, StringComparison.Ordinal);
        Assert.Equal("regular file", Unix.FileType(path));
        Bytes.AssertSame(content, File.ReadAllBytes(path), path);
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        Assert.Equal(["data.bin"], dir.Entries());
    }

    [Fact]
    public async Task A_regular_file_as_a_datagram_client_source_survives_exit_5()
    {
        ToolPlatform.NeedsUnix(dgram: true);
        using var dir = new UnixTempDir();
        var path = dir.File("rcv");
        var source = dir.File("mine.txt");
        File.WriteAllText(source, "keep me\n");
        using var receiver = Unix.Datagram(path);
        await using var nsock = RunningProcess.Nsock("unix", "-u", "-s", source, path);
        await nsock.WriteStdinAsync("x");
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(5);
        ErrorLine.AssertSole(nsock, source);
        Assert.Equal("keep me\n", File.ReadAllText(source));
        Assert.True(Unix.NothingWithin(receiver, TimeSpan.FromMilliseconds(100)), "a datagram was sent anyway");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_directory_at_the_path_is_left_intact_exit_5(bool dgram)
    {
        ToolPlatform.NeedsUnix(dgram);
        using var dir = new UnixTempDir();
        var path = dir.File("sub");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "inside"), "still here");
        await using var nsock = RunningProcess.Nsock(["unix", "-l", "-v", .. dgram ? new[] { "-u" } : [], path]);

        await nsock.AssertExitCodeAsync(5);
        ErrorLine.AssertSole(nsock, path);
        Assert.Equal("directory", Unix.FileType(path));
        Assert.Equal("still here", File.ReadAllText(Path.Combine(path, "inside")));
        Assert.Equal(["sub", "sub/inside"], dir.Entries());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_stale_socket_is_replaced_and_the_server_works(bool dgram)
    {
        ToolPlatform.NeedsUnix(dgram);
        using var dir = new UnixTempDir();
        var path = dir.File("s");
        await Unix.MakeStaleSocketAsync(path, dgram);
        await using var nsock = RunningProcess.Nsock(["unix", "-l", "-v", .. dgram ? new[] { "-u", "-c", "1" } : [], path]);
        await Unix.WaitForListeningAsync(nsock, path);
        Assert.True(Unix.IsBound(path), $"{path} is not bound after nsock said it listens");

        await Unix.BeTheOneClientAsync(nsock, path, dgram, "fresh"u8.ToArray());

        await nsock.AssertExitCodeAsync(0);
        Assert.Equal("fresh", nsock.Stdout.Text);
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
        await Unix.AssertGoneAsync(path);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public async Task A_live_nsock_socket_is_refused_as_in_use_and_its_owner_keeps_serving(bool firstDgram, bool secondDgram)
    {
        ToolPlatform.NeedsUnix(dgram: firstDgram || secondDgram);
        using var dir = new UnixTempDir();
        var path = dir.File("s");
        await using var first = RunningProcess.Nsock(["unix", "-l", "-v", .. firstDgram ? new[] { "-u", "-c", "1" } : [], path]);
        await Unix.WaitForListeningAsync(first, path);

        await using (var second = RunningProcess.Nsock(["unix", "-l", "-v", .. secondDgram ? new[] { "-u" } : [], path]))
        {
            await second.AssertExitCodeAsync(5);
            var line = ErrorLine.AssertSole(second, path);
            Assert.Contains("in use", line, StringComparison.Ordinal);
        }

        // The loser neither removed nor replaced the file, nor used up the first one's client.
        Assert.Equal("socket", Unix.FileType(path));
        Assert.DoesNotContain(first.StderrLines, l => l.StartsWith("connection from", StringComparison.Ordinal));
        if (firstDgram)
        {
            using var sender = Unix.Datagram(null);
            await Unix.SendToAsync(sender, "still served"u8.ToArray(), path);
        }
        else
        {
            using var client = await Unix.ConnectAsync(path);
            await Loopback.SendAllAsync(client, "still served"u8.ToArray());
            client.Shutdown(SocketShutdown.Send);
            await first.WriteStdinAsync("to the real client");
            await first.CloseStdinAsync();
            Assert.Equal("to the real client", Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(client)));
        }

        await first.AssertExitCodeAsync(0);
        Assert.Equal("still served", first.Stdout.Text);
        await Unix.AssertGoneAsync(path);
    }

    /// <summary>
    /// The same live socket file spelled another way by the second server: through a symlinked
    /// directory, or with a ./ segment. It is still in use, whichever spelling each side used.
    /// </summary>
    [Theory]
    [InlineData("canonical", "symlinked dir")]
    [InlineData("symlinked dir", "canonical")]
    [InlineData("canonical", "dot segment")]
    [InlineData("dot segment", "canonical")]
    public async Task A_live_socket_spelled_another_way_is_refused_as_in_use(string firstSpelling, string secondSpelling)
    {
        using var dir = new UnixTempDir();
        Directory.CreateDirectory(dir.File("real"));
        Directory.CreateSymbolicLink(dir.File("link"), "real");
        string Spell(string how) => how switch
        {
            "canonical" => dir.File("real/s"),
            "symlinked dir" => dir.File("link/s"),
            _ => dir.File("real/./s"),
        };

        await using var first = RunningProcess.Nsock("unix", "-l", "-v", Spell(firstSpelling));
        await Unix.WaitForListeningAsync(first, Spell(firstSpelling));

        await using (var second = RunningProcess.Nsock("unix", "-l", "-v", Spell(secondSpelling)))
        {
            var code = await second.WaitForExitOrListeningAsync(Spell(secondSpelling));
            Assert.True(code == 5, $"second server on {Spell(secondSpelling)} (first on {Spell(firstSpelling)}): expected exit 5 'in use', got {(code is null ? "a listening server: it replaced the live socket as if stale" : $"exit {code}")}; stderr:\n{second.Stderr}");
            Assert.Contains("in use", ErrorLine.AssertSole(second, Spell(secondSpelling)), StringComparison.Ordinal);
        }

        await AssertStillServesAsync(first, dir.File("real/s"));
    }

    /// <summary>
    /// Relative paths: /proc/net/unix shows them as bound, relative to a directory it does not
    /// say, so the live check cannot match them by name. Whatever it does instead must not take
    /// the first server's one connection.
    /// </summary>
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task A_live_socket_at_a_relative_path_is_refused_and_keeps_its_client(bool firstRelative, bool secondRelative)
    {
        using var dir = new UnixTempDir();
        var full = dir.File("s");
        var firstPath = firstRelative ? "s" : full;
        var secondPath = secondRelative ? "s" : full;
        await using var first = Unix.NsockIn(dir.FullName, "unix", "-l", "-v", firstPath);
        await Unix.WaitForListeningAsync(first, firstPath);

        await using (var second = Unix.NsockIn(dir.FullName, "unix", "-l", "-v", secondPath))
        {
            var code = await second.WaitForExitOrListeningAsync(secondPath);
            Assert.True(code == 5, $"second server: expected exit 5 'in use', got {(code is null ? "a listening server" : $"exit {code}")}; stderr:\n{second.Stderr}");
            Assert.Contains("in use", ErrorLine.AssertSole(second, secondPath), StringComparison.Ordinal);
        }

        await AssertStillServesAsync(first, full);
    }

    [Fact]
    public async Task A_live_socket_of_another_program_is_refused_without_a_probe_connection()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("s");
        using var listener = Unix.ListenStream(path);
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-v", path);

        await nsock.AssertExitCodeAsync(5);
        Assert.Contains("in use", ErrorLine.AssertSole(nsock, path), StringComparison.Ordinal);

        // Nobody connected to the owner: the live check must not cost a single-client server its client.
        Assert.False(listener.Poll(TimeSpan.FromMilliseconds(100), SelectMode.SelectRead), "nsock's live check connected to the owner");
        Assert.Equal("socket", Unix.FileType(path));
        using var client = await Unix.ConnectAsync(path);
        using var accepted = await Loopback.AcceptAsync(listener);
    }

    [Theory]
    [InlineData("listen")]
    [InlineData("connect")]
    [InlineData("dgram-listen")]
    [InlineData("dgram-connect")]
    [InlineData("dgram-source")]
    public async Task A_200_byte_path_exits_5_naming_the_107_byte_limit(string role)
    {
        ToolPlatform.NeedsUnix(dgram: role.StartsWith("dgram", StringComparison.Ordinal));
        using var dir = new UnixTempDir();
        var path = PathOfBytes(dir, 200);
        var rcv = dir.File("rcv");
        using var receiver = role == "dgram-source" ? Unix.Datagram(rcv) : null;
        string[] args = role switch
        {
            "listen" => ["unix", "-l", "-v", path],
            "connect" => ["unix", path],
            "dgram-listen" => ["unix", "-l", "-u", "-v", path],
            "dgram-connect" => ["unix", "-u", path],
            _ => ["unix", "-u", "-s", path, rcv],
        };
        await using var nsock = RunningProcess.Nsock(args);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(5);
        var line = ErrorLine.AssertSole(nsock, null);
        Assert.Contains("107", line, StringComparison.Ordinal);
        Assert.Contains(path[..20], line, StringComparison.Ordinal);
        Assert.Equal(receiver is null ? Array.Empty<string>() : ["rcv"], dir.Entries());
    }

    [Fact]
    public async Task A_107_byte_path_works_and_108_bytes_is_too_long()
    {
        ToolPlatform.NeedsUnix(dgram: true);
        using var dir = new UnixTempDir();
        var longest = PathOfBytes(dir, 107);
        await using (var nsock = RunningProcess.Nsock("unix", "-l", "-u", "-v", "-c", "1", longest))
        {
            await Unix.WaitForListeningAsync(nsock, longest);
            using var sender = Unix.Datagram(null);
            await Unix.SendToAsync(sender, "fits"u8.ToArray(), longest);
            await nsock.AssertExitCodeAsync(0);
            Assert.Equal("fits", nsock.Stdout.Text);
            await Unix.AssertGoneAsync(longest);
        }

        var tooLong = PathOfBytes(dir, 108);
        await using var refused = RunningProcess.Nsock("unix", "-l", "-v", tooLong);
        await refused.AssertExitCodeAsync(5);
        Assert.Contains("107", ErrorLine.AssertSole(refused, null), StringComparison.Ordinal);
        Assert.Empty(dir.Entries());
    }

    /// <summary>
    /// The first (single-connection) server still has its socket file and its one client: a
    /// client connects, both ways exchange data, it exits 0 and removes the file.
    /// </summary>
    private static async Task AssertStillServesAsync(RunningProcess first, string path)
    {
        Assert.True(Unix.FileType(path) == "socket", $"{path} is {Unix.FileType(path)} after the second server; first server {(first.HasExited ? "exited" : "running")}, stderr:\n{first.Stderr}");
        Socket client;
        try
        {
            client = await Unix.ConnectAsync(path);
        }
        catch (SocketException e)
        {
            throw new Xunit.Sdk.XunitException($"the first server no longer serves {path} ({e.SocketErrorCode}); it {(first.HasExited ? "exited" : "is running")}; stderr:\n{first.Stderr}");
        }

        using (client)
        {
            await Loopback.SendAllAsync(client, "still served"u8.ToArray());
            client.Shutdown(SocketShutdown.Send);
            await first.WriteStdinAsync("to the real client");
            await first.CloseStdinAsync();
            Assert.Equal("to the real client", Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(client)));
        }

        await first.AssertExitCodeAsync(0);
        Assert.Equal("still served", first.Stdout.Text);
        ErrorLine.AssertNone(first);
        await Unix.AssertGoneAsync(path);
    }

    /// <summary>A path in <paramref name="dir"/> exactly <paramref name="bytes"/> bytes long (ASCII).</summary>
    private static string PathOfBytes(UnixTempDir dir, int bytes)
    {
        var prefix = dir.FullName + "/";
        Assert.True(prefix.Length < bytes - 1, $"temp dir path too long for the test: {prefix}");
        var path = prefix + new string('p', bytes - prefix.Length);
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(path));
        return path;
    }
}
