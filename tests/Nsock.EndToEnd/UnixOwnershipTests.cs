using System.Diagnostics;

namespace Nsock.EndToEnd;

/// <summary>
/// nsock removes only the socket file it made: whatever takes the path while it runs (a regular
/// file, another user's live socket) survives every end, the file is born with --mode (never
/// re-moded by path), and two servers replacing one stale socket cannot both win.
/// </summary>
public sealed class UnixOwnershipTests
{
    // Every test runs nsock unix; those of datagrams or signals say so too.
    public UnixOwnershipTests() => ToolPlatform.NeedsUnix();

    public enum End
    {
        SigInt,
        SigTerm,
        SigHup,
        Normal,
    }

    // How each kind of server reaches a normal end on its own: one client, or one datagram.
    public static TheoryData<string[], End> ServersAndEnds()
    {
        var data = new TheoryData<string[], End>();
        foreach (var end in Enum.GetValues<End>())
        {
            data.Add(["-l"], end);
            data.Add(["-l", "-u", "-c", "1"], end);
            if (end != End.Normal)
            {
                data.Add(["-l", "-k"], end);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ServersAndEnds))]
    public async Task A_file_put_at_the_path_while_nsock_runs_is_never_removed(string[] server, End end)
    {
        ToolPlatform.NeedsUnix(dgram: server.Contains("-u"));
        if (end is End.SigTerm or End.SigHup)
        {
            ToolPlatform.Needs(Need.PosixSignals);
        }

        using var dir = new UnixTempDir();
        var path = dir.File("s");
        var alias = dir.File("alias");
        string[] args = ["unix", "-v", .. server, path];
        await using var nsock = end == End.SigInt ? RunningProcess.NsockInterruptible(args) : RunningProcess.Nsock(args);
        await Unix.WaitForListeningAsync(nsock, path);

        // Someone who may write to the directory moves nsock's socket aside and puts a file there.
        File.Move(path, alias);
        File.WriteAllText(path, "not yours");

        if (end == End.Normal)
        {
            // A client reaches nsock through the other name; a single-client server closes its listener at accept.
            await Unix.BeTheOneClientAsync(nsock, alias, dgram: server.Contains("-u"), "bye"u8.ToArray());
        }
        else
        {
            nsock.Signal(end switch { End.SigInt => Signals.SigInt, End.SigTerm => Signals.SigTerm, _ => Signals.SigHup });
        }

        var expected = end switch { End.SigInt => 130, End.SigTerm => 143, End.SigHup => 129, _ => 0 };
        await nsock.AssertExitCodeAsync(expected, TimeSpan.FromSeconds(5));
        Assert.Equal("not yours", File.ReadAllText(path));
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Another_users_live_socket_put_at_the_path_survives_nsocks_exit(bool dgram)
    {
        ToolPlatform.NeedsUnix(dgram);
        ToolPlatform.Needs(Need.OtherUser, Need.PosixSignals);
        Assert.SkipUnless(Posix.IsRoot, "switching to another user (setpriv --reuid 65534) needs root");
        using var dir = new UnixTempDir();
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir.FullName, (UnixFileMode)0x1FF); // 0777, not sticky: anyone may rename here
        }
        var path = dir.File("s");
        await using var nsock = RunningProcess.Nsock(["unix", "-l", "-v", .. dgram ? new[] { "-u" } : ["-k"], path]);
        await Unix.WaitForListeningAsync(nsock, path);

        // nobody takes the name: removes nsock's socket file and binds a live server of its own there.
        await using var theirs = OtherUser.Python("""
            import os, socket, sys
            os.unlink(sys.argv[1])
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(sys.argv[1])
            s.listen(1)
            print("bound", flush=True)
            c, _ = s.accept()
            c.sendall(b"still here")
            c.close()
            """, path);
        await theirs.Stdout.WaitForTextAsync("bound", RunningProcess.DefaultWait);

        nsock.Signal(Signals.SigTerm);
        await nsock.AssertExitCodeAsync(143, TimeSpan.FromSeconds(5));

        using var client = await Unix.ConnectAsync(path);
        Assert.Equal("still here", System.Text.Encoding.ASCII.GetString(await Loopback.ReadToEndAsync(client)));
    }

    [Theory]
    [InlineData("077", "666", "srw-rw-rw-")]
    [InlineData("000", "600", "srw-------")]
    [InlineData("022", "0660", "srw-rw----")]
    [InlineData("022", "00640", "srw-r-----")]
    public async Task Mode_is_the_files_mode_from_birth_whatever_the_umask(string umask, string mode, string expected)
    {
        using var dir = new UnixTempDir();
        var path = dir.File("s");
        await using var nsock = RunningProcess.NsockAfter($"umask {umask}", "unix", "-l", "-v", "--mode", mode, path);
        await Unix.WaitForListeningAsync(nsock, path);

        Assert.Equal(expected, PermissionsOf(path));
    }

    [Fact]
    public async Task Mode_is_never_applied_by_path_after_bind()
    {
        // A chmod by path after bind follows whatever the name points to by then (a symlink
        // swapped in); nsock must make no such call at all (fchmod of a descriptor is harmless).
        using var dir = new UnixTempDir();
        var path = dir.File("s");
        var trace = dir.File("trace");
        await using var nsock = RunningProcess.Start("strace", ["-f", "-qq", "-o", trace, "-e", "trace=/^(chmod|fchmodat.*|chown|lchown|fchownat)$", NsockTool.Path, "unix", "-l", "-v", "--mode", "600", path]);
        await Unix.WaitForListeningAsync(nsock, path);
        await Unix.BeTheOneClientAsync(nsock, path, dgram: false, "x"u8.ToArray());
        await nsock.AssertExitCodeAsync(0);

        var calls = File.ReadAllLines(trace).Where(line => line.Contains("chmod", StringComparison.Ordinal) || line.Contains("chown", StringComparison.Ordinal)).ToList();
        Assert.True(calls.Count == 0, "nsock changed a file's mode or owner by path:\n" + string.Join("\n", calls));
    }

    [Fact]
    public async Task Two_servers_replacing_one_stale_socket_cannot_both_win()
    {
        // Both see the stale socket at once; without a lock each removes what is there and binds,
        // and the loser runs unreachable (and later removes the winner's file). A socket bound
        // elsewhere by the relative name "s" makes the liveness check look through every
        // process's descriptors, which widens the window between check and bind, as a busy
        // machine would.
        using var elsewhere = new UnixTempDir();
        await using var sameName = RunningProcess.Start("env", ["-C", elsewhere.FullName, "python3", "-c", "import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind('s'); print('bound', flush=True); sys.stdin.read()"]);
        await sameName.Stdout.WaitForTextAsync("bound", RunningProcess.DefaultWait);

        // Twelve races, four at a time (each starts three processes at once).
        var outcomes = new List<(int Listening, int InUse, bool Reachable, string Report)>();
        for (var batch = 0; batch < 3; batch++)
        {
            outcomes.AddRange(await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RaceOnceAsync())));
        }

        Assert.All(outcomes, outcome => Assert.True(outcome.Listening == 1 && outcome.InUse == 1 && outcome.Reachable, outcome.Report));
    }

    private static async Task<(int Listening, int InUse, bool Reachable, string Report)> RaceOnceAsync()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("s");
        await Unix.MakeStaleSocketAsync(path);
        await using var first = RunningProcess.Nsock("unix", "-l", "-k", "-v", "--echo", path);
        await using var second = RunningProcess.Nsock("unix", "-l", "-k", "-v", "--echo", path);
        var codes = await Task.WhenAll(first.WaitForExitOrListeningAsync(path), second.WaitForExitOrListeningAsync(path));

        var listening = codes.Count(c => c is null);
        var inUse = codes.Count(c => c == 5) == 1 && (first.Stderr + second.Stderr).Contains("in use", StringComparison.Ordinal) ? 1 : 0;
        var reachable = false;
        if (listening == 1)
        {
            using var client = await Unix.ConnectAsync(path);
            await Loopback.SendAllAsync(client, "ping"u8.ToArray());
            reachable = System.Text.Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(client, 4)) == "ping";
        }

        return (listening, inUse, reachable, $"exit codes {codes[0]?.ToString() ?? "listening"} and {codes[1]?.ToString() ?? "listening"}; reachable: {reachable}\nfirst:\n{first.Stderr}\nsecond:\n{second.Stderr}");
    }

    private static string PermissionsOf(string path)
    {
        var info = new ProcessStartInfo("stat", ["-c", "%A", "--", path]) { RedirectStandardOutput = true };
        using var stat = Process.Start(info)!;
        var text = stat.StandardOutput.ReadToEnd().Trim();
        Assert.True(stat.WaitForExit(10_000));
        return text;
    }
}
