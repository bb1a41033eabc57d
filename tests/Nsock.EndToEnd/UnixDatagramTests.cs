using System.Text;

namespace Nsock.EndToEnd;

/// <summary>
/// <c>nsock unix -u</c>: datagram boundaries and bytes kept both ways, replies (--echo, --reply)
/// to bound senders, unbound senders printed and survived, @abstract names without files, and a
/// datagram client's own address (a fresh @name, or -s PATH removed at exit).
/// </summary>
public sealed class UnixDatagramTests
{
    // Every test runs nsock unix -u; those of abstract names say so too.
    public UnixDatagramTests() => ToolPlatform.NeedsUnix(dgram: true);

    /// <summary>
    /// A python3 datagram sender: argv server, own address ('-' for unbound, @name abstract),
    /// then payloads in hex; when bound, waits for a reply to each and prints it in hex.
    /// </summary>
    private const string PythonSender = """
        import socket, sys
        server, me = sys.argv[1], sys.argv[2]
        def addr(a):
            return '\0' + a[1:] if a.startswith('@') else a
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if me != '-':
            s.bind(addr(me))
        s.settimeout(10)
        for payload in sys.argv[3:]:
            s.sendto(bytes.fromhex(payload), addr(server))
            if me != '-':
                data, sender = s.recvfrom(262144)
                print(data.hex(), flush=True)
        s.close()
        """;

    [Fact]
    public async Task Server_prints_each_datagram_whole_with_its_sender()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("srv");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-u", "-v", "--format", "line", path);
        await Unix.WaitForListeningAsync(nsock, path);
        var senderPath = dir.File("sender");
        using var sender = Unix.Datagram(senderPath);

        var big = new string('x', 60000);
        byte[][] datagrams = ["one"u8.ToArray(), [], "three\n"u8.ToArray(), "a\0b"u8.ToArray(), Encoding.ASCII.GetBytes(big), "last"u8.ToArray()];
        foreach (var datagram in datagrams)
        {
            await Unix.SendToAsync(sender, datagram, path);
        }

        var expected = $"{senderPath} 3 one\n{senderPath} 0 \n{senderPath} 6 three\\n\n{senderPath} 3 a\\0b\n{senderPath} 60000 {big}\n{senderPath} 4 last\n";
        await nsock.Stdout.WaitForTextAsync($"{senderPath} 4 last\n", RunningProcess.DefaultWait);
        Assert.Equal(expected, nsock.Stdout.Text);
        Assert.False(nsock.HasExited);
    }

    [Fact]
    public async Task Server_raw_output_is_the_exact_bytes_a_NUL_b_and_count_ends_it()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("srv");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-u", "-v", "-c", "1", path);
        await Unix.WaitForListeningAsync(nsock, path);
        using var sender = Unix.Datagram(null);

        await Unix.SendToAsync(sender, "a\0b"u8.ToArray(), path);

        await nsock.AssertExitCodeAsync(0);
        Assert.Equal("a\0b"u8.ToArray(), nsock.Stdout.ToArray());
    }

    [Fact]
    public async Task Client_sends_each_write_as_one_datagram_from_an_abstract_name_of_its_own()
    {
        ToolPlatform.NeedsUnix(dgram: true, abstractName: true);
        using var dir = new UnixTempDir();
        var path = dir.File("rcv");
        using var receiver = Unix.Datagram(path);
        await using var nsock = RunningProcess.Nsock("unix", "-u", path);

        await nsock.WriteStdinAsync("a\0b"u8.ToArray());
        var (first, from) = await Unix.ReceiveAsync(receiver);
        Assert.Equal("a\0b"u8.ToArray(), first);
        Assert.StartsWith("@nsock-", from, StringComparison.Ordinal);

        await nsock.WriteStdinAsync("second datagram");
        var (second, fromAgain) = await Unix.ReceiveAsync(receiver);
        Assert.Equal("second datagram", Encoding.ASCII.GetString(second));
        Assert.Equal(from, fromAgain);

        await nsock.CloseStdinAsync();
        await nsock.AssertExitCodeAsync(0);
        Assert.True(Unix.NothingWithin(receiver, TimeSpan.FromMilliseconds(100)), "an extra datagram arrived (stdin EOF must not send one)");
        Assert.Equal(["rcv"], dir.Entries());
    }

    [Fact]
    public async Task Client_prints_replies_sent_to_its_own_address_until_count()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("rcv");
        using var receiver = Unix.Datagram(path);
        await using var nsock = RunningProcess.Nsock("unix", "-u", "-c", "2", "--wait", "20", "--format", "line", path);

        await nsock.WriteStdinAsync("ping");
        var (ping, from) = await Unix.ReceiveAsync(receiver);
        Assert.Equal("ping", Encoding.ASCII.GetString(ping));
        await Unix.SendToAsync(receiver, "pong\0"u8.ToArray(), from);
        await Unix.SendToAsync(receiver, [], from);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(0);
        Assert.Equal($"{path} 5 pong\\0\n{path} 0 \n", nsock.Stdout.Text);
    }

    [Fact]
    public async Task Echo_replies_reach_a_bound_python3_sender()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("srv");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-u", "-v", "--echo", "--format", "line", path);
        await Unix.WaitForListeningAsync(nsock, path);
        var pyPath = dir.File("py");

        string[] payloads = ["one", "a\0b", new string('z', 5000)];
        await using var python = RunningProcess.Start("python3", ["-c", PythonSender, path, pyPath, .. payloads.Select(p => Convert.ToHexString(Encoding.ASCII.GetBytes(p)))]);

        await python.AssertExitCodeAsync(0);
        Assert.True(python.StderrLines.Count == 0, python.Stderr);
        Assert.Equal(payloads.Select(p => Convert.ToHexString(Encoding.ASCII.GetBytes(p)).ToLowerInvariant() + "\n"), SplitLines(python.Stdout.Text));
        await nsock.Stdout.WaitForTextAsync($"{pyPath} 5000 ", RunningProcess.DefaultWait);
        Assert.Equal($"{pyPath} 3 one\n{pyPath} 3 a\\0b\n{pyPath} 5000 {payloads[2]}\n", nsock.Stdout.Text);
        Assert.False(nsock.HasExited);
    }

    [Fact]
    public async Task Echo_server_prints_an_unbound_sender_and_goes_on_serving_bound_ones()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("srv");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-u", "-v", "--echo", "--format", "line", path);
        await Unix.WaitForListeningAsync(nsock, path);

        await using (var unbound = RunningProcess.Start("python3", ["-c", PythonSender, path, "-", Convert.ToHexString("unbound"u8)]))
        {
            await unbound.AssertExitCodeAsync(0);
        }

        await nsock.Stdout.WaitForTextAsync("(unbound) 7 unbound\n", RunningProcess.DefaultWait);
        Assert.False(nsock.HasExited, $"the server ended after an unbound sender; stderr:\n{nsock.Stderr}");

        var pyPath = dir.File("py");
        await using var bound = RunningProcess.Start("python3", ["-c", PythonSender, path, pyPath, Convert.ToHexString("bound"u8)]);
        await bound.AssertExitCodeAsync(0);
        Assert.Equal(Convert.ToHexString("bound"u8).ToLowerInvariant() + "\n", bound.Stdout.Text);

        await nsock.Stdout.WaitForTextAsync($"{pyPath} 5 bound\n", RunningProcess.DefaultWait);
        Assert.Equal($"(unbound) 7 unbound\n{pyPath} 5 bound\n", nsock.Stdout.Text);
        Assert.False(nsock.HasExited);
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    /// <summary>A python3 sender that binds, sends one datagram, closes, and with argv[3] == '1' unlinks its file.</summary>
    private const string PythonHitAndRun = """
        import os, socket, sys
        server, me, unlink = sys.argv[1], sys.argv[2], sys.argv[3] == '1'
        def addr(a):
            return '\0' + a[1:] if a.startswith('@') else a
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(addr(me))
        s.sendto(b'hit and run', addr(server))
        s.close()
        if unlink:
            os.unlink(me)
        """;

    private const int SigStop = 19;
    private const int SigCont = 18;

    [Theory]
    [InlineData("file left behind")]
    [InlineData("file removed")]
    [InlineData("abstract name")]
    public async Task Echo_server_survives_a_bound_sender_that_left_before_its_echo(string how)
    {
        ToolPlatform.NeedsUnix(dgram: true, abstractName: how == "abstract name");
        ToolPlatform.Needs(Need.PosixSignals); // SIGSTOP and SIGCONT
        using var dir = new UnixTempDir();
        var path = dir.File("srv");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-u", "-v", "--echo", "--format", "line", path);
        await Unix.WaitForListeningAsync(nsock, path);
        var leaver = how == "abstract name" ? Unix.AbstractName() : dir.File("leaver");

        // The server is stopped while the sender sends and goes, so the echo finds nobody there.
        nsock.Signal(SigStop);
        try
        {
            await using var python = RunningProcess.Start("python3", ["-c", PythonHitAndRun, path, leaver, how == "file removed" ? "1" : "0"]);
            await python.AssertExitCodeAsync(0);
        }
        finally
        {
            nsock.Signal(SigCont);
        }

        await Unix.WaitForOutputAsync(nsock, $"{leaver} 11 hit and run\n");

        // Still serving: the next bound sender gets its echo.
        var pyPath = dir.File("py");
        await using var next = RunningProcess.Start("python3", ["-c", PythonSender, path, pyPath, Convert.ToHexString("next"u8)]);
        Assert.True(await next.WaitForExitAsync() == 0, $"no echo for the next sender; nsock {(nsock.HasExited ? "exited" : "running")}, stderr:\n{nsock.Stderr}\npython3: {next.Stderr}");
        Assert.Equal(Convert.ToHexString("next"u8).ToLowerInvariant() + "\n", next.Stdout.Text);
        await Unix.WaitForOutputAsync(nsock, $"{pyPath} 4 next\n");
        Assert.Equal($"{leaver} 11 hit and run\n{pyPath} 4 next\n", nsock.Stdout.Text);
        Assert.False(nsock.HasExited);
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    [Fact]
    public async Task Reply_server_survives_a_latest_sender_that_has_gone()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("srv");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-u", "-v", "--reply", "--hex", "--format", "line", path);
        await Unix.WaitForListeningAsync(nsock, path);
        var leaver = dir.File("leaver");

        await using (var python = RunningProcess.Start("python3", ["-c", PythonHitAndRun, path, leaver, "0"]))
        {
            await python.AssertExitCodeAsync(0);
        }

        await Unix.WaitForOutputAsync(nsock, $"{leaver} 11 hit and run\n");
        await nsock.WriteStdinAsync("to nobody");

        // --hex dumps each datagram just before it is sent: the reply to the gone sender is under way.
        await nsock.WaitForStderrAsync(@"\|to nobody\|");

        // The next sender is still heard and answered.
        var bPath = dir.File("b");
        using var b = Unix.Datagram(bPath);
        try
        {
            await Unix.SendToAsync(b, "from b"u8.ToArray(), path);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            await nsock.WaitForExitAsync();
            Assert.Fail($"the server is gone ({e.SocketErrorCode}) after replying to a sender that had left; stderr:\n{nsock.Stderr}");
        }

        await Unix.WaitForOutputAsync(nsock, $"{bPath} 6 from b\n");
        await nsock.WriteStdinAsync("to b");
        Assert.Equal("to b", Encoding.ASCII.GetString(await Unix.ReceiveFromAsync(b, nsock)));
        Assert.False(nsock.HasExited, $"server ended; stderr:\n{nsock.Stderr}");
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    [Fact]
    public async Task Reply_goes_to_the_latest_bound_sender()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("srv");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-u", "-v", "--reply", "--format", "line", path);
        await Unix.WaitForListeningAsync(nsock, path);
        var aPath = dir.File("a");
        var bPath = dir.File("b");
        using var a = Unix.Datagram(aPath);
        using var b = Unix.Datagram(bPath);
        using var unbound = Unix.Datagram(null);

        await Unix.SendToAsync(a, "from a"u8.ToArray(), path);
        await nsock.Stdout.WaitForTextAsync($"{aPath} 6 from a\n", RunningProcess.DefaultWait);
        await nsock.WriteStdinAsync("r1");
        Assert.Equal("r1", Encoding.ASCII.GetString(await Unix.ReceiveFromAsync(a, nsock)));

        await Unix.SendToAsync(b, "from b"u8.ToArray(), path);
        await Unix.WaitForOutputAsync(nsock, $"{bPath} 6 from b\n");
        await nsock.WriteStdinAsync("r2");
        Assert.Equal("r2", Encoding.ASCII.GetString(await Unix.ReceiveFromAsync(b, nsock)));

        // An unbound sender is printed, but the replies still go to the latest bound one.
        await Unix.SendToAsync(unbound, "from nobody"u8.ToArray(), path);
        await nsock.Stdout.WaitForTextAsync("(unbound) 11 from nobody\n", RunningProcess.DefaultWait);
        await nsock.WriteStdinAsync("r3");
        Assert.Equal("r3", Encoding.ASCII.GetString(await Unix.ReceiveFromAsync(b, nsock)));

        Assert.True(Unix.NothingWithin(a, TimeSpan.FromMilliseconds(200)), "a reply went to the earlier sender");
        Assert.False(nsock.HasExited, $"server ended; stderr:\n{nsock.Stderr}");
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    [Fact]
    public async Task Abstract_names_exchange_datagrams_and_create_no_file()
    {
        ToolPlatform.NeedsUnix(dgram: true, abstractName: true);
        using var dir = new UnixTempDir();
        var name = Unix.AbstractName();
        await using var server = Unix.NsockIn(dir.FullName, "unix", "-l", "-u", "-v", "--echo", "--format", "line", name);
        await Unix.WaitForListeningAsync(server, name);
        Assert.True(Unix.IsBound(name), $"{name} is not in the abstract namespace (/proc/net/unix)");

        await using var client = Unix.NsockIn(dir.FullName, "unix", "-u", "-c", "1", "--wait", "20", name);
        await client.WriteStdinAsync("ping\0");
        await client.CloseStdinAsync();

        await client.AssertExitCodeAsync(0);
        Assert.Equal("ping\0"u8.ToArray(), client.Stdout.ToArray());
        await server.Stdout.WaitForTextAsync(" 5 ping\\0\n", RunningProcess.DefaultWait);
        Assert.Matches(@"^@nsock-\S+ 5 ping\\0\n$", server.Stdout.Text);
        Assert.Empty(dir.Entries());
        Assert.False(Unix.PathExists(name[1..]), $"a file {name[1..]} appeared");
    }

    [Fact]
    public async Task Client_source_file_is_used_then_removed_at_exit()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("srv");
        var source = dir.File("me");
        await using var server = RunningProcess.Nsock("unix", "-l", "-u", "-v", "--echo", "--format", "line", path);
        await Unix.WaitForListeningAsync(server, path);

        await using var client = RunningProcess.Nsock("unix", "-u", "-s", source, "-c", "1", "--wait", "20", path);
        await client.WriteStdinAsync("hi");
        await client.CloseStdinAsync();

        await client.AssertExitCodeAsync(0);
        Assert.Equal("hi", client.Stdout.Text);
        await server.Stdout.WaitForTextAsync("\n", RunningProcess.DefaultWait);
        Assert.Equal($"{source} 2 hi\n", server.Stdout.Text);
        await Unix.AssertGoneAsync(source);
        Assert.Equal(["srv"], dir.Entries());
    }

    [Fact]
    public async Task Default_client_leaves_no_file_anywhere()
    {
        ToolPlatform.NeedsUnix(dgram: true, abstractName: true);
        using var dir = new UnixTempDir();
        var path = dir.File("rcv");
        using var receiver = Unix.Datagram(path);
        await using var nsock = Unix.NsockIn(dir.FullName, "unix", "-u", path);

        await nsock.WriteStdinAsync("x");
        var (_, from) = await Unix.ReceiveAsync(receiver);
        Assert.StartsWith("@", from, StringComparison.Ordinal);
        Assert.True(Unix.IsBound(from) || nsock.HasExited, $"{from} is not an abstract name");
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(0);
        Assert.Equal(["rcv"], dir.Entries());
        Assert.False(Unix.IsBound(from), $"{from} still bound after the client exited");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Mode_600_gives_a_datagram_socket_file_0600()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("private");
        await using var nsock = RunningProcess.Nsock("unix", "-l", "-u", "-v", "--mode", "600", "-c", "1", path);
        await Unix.WaitForListeningAsync(nsock, path);

        Assert.Equal("socket", Unix.FileType(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        using var sender = Unix.Datagram(null);
        await Unix.SendToAsync(sender, "ok"u8.ToArray(), path);
        await nsock.AssertExitCodeAsync(0);
        Assert.Equal("ok", nsock.Stdout.Text);
        await Unix.AssertGoneAsync(path);
    }

    [Fact]
    public async Task Client_to_a_missing_path_exits_1_naming_it()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("nobody");
        await using var nsock = RunningProcess.Nsock("unix", "-u", path);
        await nsock.WriteStdinAsync("x");
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(1);
        Assert.Contains("no such file", ErrorLine.AssertSole(nsock, path), StringComparison.Ordinal);
        Assert.Empty(dir.Entries());
    }

    [Fact]
    public async Task Client_to_a_stale_datagram_socket_is_refused_exit_1_naming_it()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("stale");
        await Unix.MakeStaleSocketAsync(path, dgram: true);
        await using var nsock = RunningProcess.Nsock("unix", "-u", path);
        await nsock.WriteStdinAsync("x");
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(1);
        Assert.Contains("refused", ErrorLine.AssertSole(nsock, path), StringComparison.Ordinal);
        Assert.Equal(["stale"], dir.Entries());
    }

    [Fact]
    public async Task Client_to_a_stream_socket_exits_1_naming_it()
    {
        using var dir = new UnixTempDir();
        var path = dir.File("stream");
        using var listener = Unix.ListenStream(path);
        await using var nsock = RunningProcess.Nsock("unix", "-u", path);
        await nsock.WriteStdinAsync("x");
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(1);
        ErrorLine.AssertSole(nsock, path);
    }

    private static string[] SplitLines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l + "\n")];
}
