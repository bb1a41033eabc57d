using System.Text;

namespace Nsock.EndToEnd;

/// <summary>
/// A unix peer picks its own address, any path or abstract name, with any bytes in it. No such
/// choice may crash a server (a name longer than the server's used to abort the runtime's accept)
/// or reach the terminal raw: every name nsock prints is escaped, so it cannot steer a terminal or
/// forge a line such as a second readiness line.
/// </summary>
public sealed class HostilePeerTests
{
    // A client bound to a name longer than the server's, sending one line and reading to EOF.
    private const string LongNameClient = """
        import socket, sys
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        name = sys.argv[2]
        c.bind("\0" + name[1:] if name.startswith("@") else name)
        c.connect("\0" + sys.argv[1][1:] if sys.argv[1].startswith("@") else sys.argv[1])
        c.sendall(b"from a long name\n")
        c.close()
        """;

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task A_client_bound_to_a_longer_name_than_the_server_is_served(bool keepOpen, bool abstractServer)
    {
        ToolPlatform.NeedsUnix(abstractName: abstractServer);
        using var dir = new UnixTempDir();
        var path = abstractServer ? "@" + Guid.NewGuid().ToString("N")[..6] : dir.File("s");
        var clientName = dir.File("a-client-name-much-longer-than-the-servers-" + new string('x', 40));
        await using var nsock = RunningProcess.Nsock(["unix", "-l", "-v", .. keepOpen ? new[] { "-k" } : [], path]);
        await Unix.WaitForListeningAsync(nsock, path);

        await using (var client = RunningProcess.Start("python3", ["-c", LongNameClient, path, clientName]))
        {
            await client.AssertExitCodeAsync(0);
        }

        await nsock.Stdout.WaitForTextAsync("from a long name\n", RunningProcess.DefaultWait);
        await nsock.WaitForStderrAsync("^connection from " + System.Text.RegularExpressions.Regex.Escape(clientName) + "$");
        if (keepOpen)
        {
            // Still serving: an ordinary client comes next.
            using var next = await Unix.ConnectAsync(path);
            await Loopback.SendAllAsync(next, "next\n"u8.ToArray());
            await nsock.Stdout.WaitForTextAsync("next\n", RunningProcess.DefaultWait);
            ToolPlatform.Needs(Need.PosixSignals); // the end is by SIGTERM; all before it is checked everywhere
            nsock.Signal(Signals.SigTerm);
            await nsock.AssertExitCodeAsync(143, TimeSpan.FromSeconds(5));
        }
        else
        {
            await nsock.CloseStdinAsync();
            await nsock.AssertExitCodeAsync(0);
        }

        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
        if (!abstractServer)
        {
            await Unix.AssertGoneAsync(path);
        }
    }

    [Fact]
    public async Task Another_user_with_a_long_name_cannot_crash_roots_server()
    {
        ToolPlatform.NeedsUnix(abstractName: true); // the other user's client binds an abstract name
        ToolPlatform.Needs(Need.OtherUser);
        Assert.SkipUnless(Posix.IsRoot, "switching to another user (setpriv --reuid 65534) needs root");
        using var dir = new UnixTempDir();
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir.FullName, (UnixFileMode)0x1ED); // 0755: nobody may reach the socket
        }
        var path = dir.File("s");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-k", "-v", "--mode", "666", path);
        await Unix.WaitForListeningAsync(nsock, path);

        // nobody cannot create files here; an abstract name of its own is as long as it likes.
        await using (var attacker = OtherUser.Python(LongNameClient, path, "@" + new string('n', 100)))
        {
            await attacker.AssertExitCodeAsync(0);
        }

        await nsock.Stdout.WaitForTextAsync("from a long name\n", RunningProcess.DefaultWait);
        using var next = await Unix.ConnectAsync(path);
        await Loopback.SendAllAsync(next, "still serving\n"u8.ToArray());
        await nsock.Stdout.WaitForTextAsync("still serving\n", RunningProcess.DefaultWait);
        Assert.False(nsock.HasExited);
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    // ESC sequences, BEL, a newline forging a readiness line, a NUL, a bidirectional override.
    private static readonly string HostileHex = Convert.ToHexString(Encoding.UTF8.GetBytes("evil\u001b[31mRED\u0007\nlistening on FAKE\0x\u202e"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Hostile_peer_names_are_escaped_in_verbose_and_hex_output(bool dgram)
    {
        ToolPlatform.NeedsUnix(dgram, abstractName: true); // the hostile peer binds an abstract name
        using var dir = new UnixTempDir();
        var path = dir.File("s");
        await using var nsock = RunningProcess.Nsock(["unix", "-l", "-v", "--hex", .. dgram ? new[] { "-u", "-c", "1" } : [], path]);
        await Unix.WaitForListeningAsync(nsock, path);

        // nsock's stdin ends at once, so the stream client reads nsock's EOF and can leave.
        await nsock.CloseStdinAsync();
        await using (var client = RunningProcess.Start("python3", ["-c", HostileClient, path, dgram ? "dgram" : "stream", HostileHex]))
        {
            await client.AssertExitCodeAsync(0);
        }

        await nsock.AssertExitCodeAsync(0);
        AssertNothingRaw(nsock.StderrLines);
        Assert.Single(nsock.StderrLines, line => line.StartsWith("listening on ", StringComparison.Ordinal));
        Assert.Contains(nsock.StderrLines, line => line.Contains(@"@evil\x1b[31mRED\x07\x0alistening on FAKE\x00x\u{202e}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("line")]
    [InlineData("hex")]
    public async Task Hostile_sender_names_are_escaped_in_datagram_records(string format)
    {
        ToolPlatform.NeedsUnix(dgram: true, abstractName: true); // the hostile sender binds an abstract name
        using var dir = new UnixTempDir();
        var path = dir.File("s");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-u", "-v", "-c", "1", "--format", format, path);
        await Unix.WaitForListeningAsync(nsock, path);

        await using (var client = RunningProcess.Start("python3", ["-c", HostileClient, path, "dgram", HostileHex]))
        {
            await client.AssertExitCodeAsync(0);
        }

        await nsock.AssertExitCodeAsync(0);
        var records = nsock.Stdout.Text.TrimEnd('\n').Split('\n');
        AssertNothingRaw(records);
        Assert.StartsWith(@"@evil\x1b[31mRED\x07\x0alistening on FAKE\x00x\u{202e}", format == "line" ? records[0] : records[0][2..]);
    }

    [Fact]
    public async Task A_path_given_on_the_command_line_is_escaped_too()
    {
        ToolPlatform.NeedsUnix();
        using var dir = new UnixTempDir();
        var path = dir.File("s\u001b[2J\nlistening on FAKE");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-v", path);
        await nsock.WaitForStderrAsync(@"^listening on .*s\\x1b\[2J\\x0alistening on FAKE$");

        AssertNothingRaw(nsock.StderrLines);
    }

    // Sends "hi\n" from a socket bound to an abstract name (its bytes in hex: argv cannot carry a NUL).
    private const string HostileClient = """
        import socket, sys
        kind = socket.SOCK_DGRAM if sys.argv[2] == "dgram" else socket.SOCK_STREAM
        c = socket.socket(socket.AF_UNIX, kind)
        c.bind(b"\0" + bytes.fromhex(sys.argv[3]))
        if kind == socket.SOCK_DGRAM:
            c.sendto(b"hi\n", sys.argv[1])
        else:
            c.connect(sys.argv[1])
            c.sendall(b"hi\n")
            c.shutdown(socket.SHUT_WR)
            while c.recv(100):
                pass
        c.close()
        """;

    private static void AssertNothingRaw(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            Assert.False(line.Any(c => char.IsControl(c) || c == '\u202e'), "raw control or format character printed: " + Encoding.UTF8.GetBytes(line).Aggregate(new StringBuilder(), (b, x) => b.Append(x < 0x20 || x >= 0x7f ? $"<{x:x2}>" : ((char)x).ToString())));
            Assert.NotEqual("listening on FAKE", line);
        }
    }
}
