using System.Security.Cryptography;

namespace Nsock.EndToEnd;

/// <summary>
/// The Windows build of nsock (win-x64, run under Wine by <c>./build.sh test</c>) against the
/// Linux build under test: 64 MiB each way over TCP, IPv4 and IPv6, checked by SHA-256; UDP
/// datagrams each way; and the one-line refusals of what Windows (or Wine) lacks. The portable tool
/// package (framework-dependent nsock.dll), laid out as <c>dotnet tool install</c> lays it out on
/// Windows (build.sh's <c>windows_portable_for_tests</c>), runs under Wine too.
/// </summary>
public sealed class WindowsBuildTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    /// <summary>Where the Windows build's launcher is: NSOCK_WINDOWS_TOOL, or what build.sh makes.</summary>
    public static string ToolPath { get; } = Environment.GetEnvironmentVariable("NSOCK_WINDOWS_TOOL") is { Length: > 0 } given
        ? given
        : Path.Combine(NsockTool.RepoRoot, "artifacts", "win", "nsock");

    /// <summary>The portable tool package installed the Windows way, run by Wine: what build.sh makes.</summary>
    public static string PortableToolPath { get; } = Path.Combine(NsockTool.RepoRoot, "artifacts", "win-portable", "nsock");

    /// <summary>The Windows build's launcher (NSOCK_WINDOWS_TOOL, or what build.sh made), or a skip saying why there is none.</summary>
    private static string WindowsTool => Launcher(ToolPath, "no Windows build");

    /// <summary>The portable package's launcher, or a skip saying why there is none.</summary>
    private static string PortableTool => Launcher(PortableToolPath, "no portable tool package laid out for Windows");

    private static string Launcher(string path, string absent)
    {
        if (!File.Exists(path))
        {
            Assert.Skip($"{absent} at {path}: ./build.sh test makes one where Wine can be installed");
        }

        if (ToolPlatform.IsWindowsBuild)
        {
            Assert.Skip("this run's nsock is the Windows build itself: the runs against the Linux builds cross them");
        }

        return path;
    }

    /// <summary>The self-contained Windows build, or the portable package on the Windows runtime.</summary>
    public static TheoryData<bool> Portable => new() { false, true };

    private static string WindowsToolOf(bool portable) => portable ? PortableTool : WindowsTool;

    // A program with stdin from a file (or nothing) and stdout to a file, so 64 MiB never pass through the test's memory.
    private static RunningProcess Run(string program, string? stdin, string? stdout, params string[] args) =>
        RunningProcess.Start("sh", ["-c", $"exec \"$0\" \"$@\" <{(stdin is null ? "/dev/null" : Quote(stdin))}{(stdout is null ? "" : " >" + Quote(stdout))}", program, .. args]);

    /// <summary>IPv4 and IPv6 loopback, with the Windows build on either side.</summary>
    public static TheoryData<string, bool> HostsAndSides => new()
    {
        { "127.0.0.1", true },
        { "127.0.0.1", false },
        { "::1", true },
        { "::1", false },
    };

    private static string Quote(string path) => "'" + path.Replace("'", "'\\''") + "'";

    private static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(file));
    }

    /// <summary>
    /// The client's exit must be 0; when it is not, what the listener did is part of the failure.
    /// Once in the suite (CI on 44c6c7e, under load) the Linux client was refused by the Windows
    /// listener right after its readiness line; 144 trials outside the suite, 12 at a time, did not.
    /// </summary>
    private static async Task AssertClientEndedWellAsync(RunningProcess client, RunningProcess listener)
    {
        var code = await client.WaitForExitAsync(Wait);
        if (code == 0)
        {
            return;
        }

        string state;
        try
        {
            state = $"exited {await listener.WaitForExitAsync(TimeSpan.FromSeconds(5))}";
        }
        catch (TimeoutException)
        {
            state = "still running 5 s later";
        }

        Assert.Fail($"{client.Program} exited {code}; stderr:\n{client.Stderr}\nthe listener {listener.Program}: {state}; stderr:\n{listener.Stderr}");
    }

    [Theory]
    [MemberData(nameof(HostsAndSides))]
    public async Task Sixty_four_MiB_cross_between_the_Windows_and_Linux_builds_intact(string host, bool windowsListens)
    {
        var windows = WindowsTool;
        var dir = Directory.CreateTempSubdirectory("nsock-win-");
        try
        {
            var input = Path.Combine(dir.FullName, "in.bin");
            var output = Path.Combine(dir.FullName, "out.bin");
            await File.WriteAllBytesAsync(input, Bytes.Random(seed: 64, 64 << 20), TestContext.Current.CancellationToken);
            var (server, client) = windowsListens ? (windows, NsockTool.Path) : (NsockTool.Path, windows);

            await using var listening = Run(server, null, output, "listen", "-v", host, "0");
            var port = await listening.WaitForListeningPortAsync(Wait);
            await using var sending = Run(client, input, null, "connect", host, port.ToString());

            await AssertClientEndedWellAsync(sending, listening);
            await listening.AssertExitCodeAsync(0, Wait);
            Assert.Equal(Sha256(input), Sha256(output));
            ErrorLine.AssertNone(sending);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(HostsAndSides))]
    public async Task Datagrams_cross_between_the_Windows_and_Linux_builds_whole(string host, bool windowsReceives)
    {
        var windows = WindowsTool;
        var (receiver, sender) = windowsReceives ? (windows, NsockTool.Path) : (NsockTool.Path, windows);
        string[] texts = [.. Enumerable.Range(1, 10).Select(i => $"datagram {i} " + new string((char)('a' + i), 100 * i))];

        await using var receiving = RunningProcess.Start(receiver, ["udp-recv", "-v", "-c", "10", "--format", "line", host, "0"]);
        var port = await receiving.WaitForListeningPortAsync(Wait);
        await using var sending = RunningProcess.Start(sender, ["udp-send", host, port.ToString(), .. texts]);
        await sending.CloseStdinAsync();

        await sending.AssertExitCodeAsync(0, Wait);
        await receiving.AssertExitCodeAsync(0, Wait);
        var lines = receiving.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(texts.Length, lines.Length);
        Assert.All(lines.Zip(texts), pair => Assert.EndsWith($" {pair.Second.Length} {pair.Second}", pair.First)); // "FROM LENGTH TEXT", whole and in order
    }

    [Theory]
    [InlineData("netlink sockets exist only on Linux", "netlink", "route", "--dump", "links")]
    [InlineData("netlink sockets exist only on Linux", "netlink", "route", "--monitor", "addrs")]
    [InlineData("netlink sockets exist only on Linux", "netlink", "uevent", "--monitor")]
    [InlineData("netlink sockets exist only on Linux", "netlink", "sock-diag", "--dump", "tcp")]
    [InlineData("netlink sockets exist only on Linux", "netlink", "route", "--raw")]
    [InlineData("unix sockets are not supported on this system", "unix", @"C:\users\nsock.sock")]
    [InlineData("unix sockets are not supported on this system", "unix", "-l", @"C:\users\nsock.sock")]
    public async Task What_is_missing_there_is_one_line_and_exit_5(string why, params string[] args)
    {
        await using var nsock = RunningProcess.Start(WindowsTool, args);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(5, Wait);
        Assert.Contains(why, ErrorLine.AssertSole(nsock, null));
    }

    [Fact]
    public async Task The_portable_package_on_the_Windows_runtime_is_this_build()
    {
        await using var windows = RunningProcess.Start(PortableTool, ["--version"]);
        await using var linux = RunningProcess.Nsock("--version");

        await windows.AssertExitCodeAsync(0, Wait);
        await linux.AssertExitCodeAsync(0, Wait);
        Assert.StartsWith("nsock ", windows.Stdout.Text);
        Assert.Equal(linux.Stdout.Text, windows.Stdout.Text);
    }

    [Theory]
    [MemberData(nameof(Portable))]
    public async Task An_echo_server_on_Windows_returns_what_the_Linux_build_sends(bool portable)
    {
        var windows = WindowsToolOf(portable);
        var data = Bytes.Random(seed: 7, 256 * 1024);

        await using var server = RunningProcess.Start(windows, ["listen", "-v", "--echo", "127.0.0.1", "0"]);
        var port = await server.WaitForListeningPortAsync(Wait);
        await using var client = RunningProcess.Nsock("connect", "127.0.0.1", port.ToString());
        await client.WriteStdinAsync(data);
        await client.CloseStdinAsync(); // half-close: the echo server ends after it has sent everything back

        await client.AssertExitCodeAsync(0, Wait);
        await server.AssertExitCodeAsync(0, Wait);
        Bytes.AssertSame(data, client.Stdout.ToArray(), "what the client got back");
        Bytes.AssertSame(data, server.Stdout.ToArray(), "what the server printed");
    }

    [Theory]
    [MemberData(nameof(Portable))]
    public async Task A_refused_connect_on_Windows_is_one_line_and_exit_1(bool portable)
    {
        var windows = WindowsToolOf(portable);
        var port = Loopback.FreePort();

        await using var nsock = RunningProcess.Start(windows, ["connect", "127.0.0.1", port.ToString()]);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(1, Wait);
        Assert.Equal($"nsock: 127.0.0.1:{port}: connection refused", ErrorLine.AssertSole(nsock, $"127.0.0.1:{port}"));
    }

    [Theory]
    [MemberData(nameof(Portable))]
    public async Task Ctrl_C_typed_at_its_terminal_ends_the_Windows_build_with_130(bool portable)
    {
        var windows = WindowsToolOf(portable);
        await using var nsock = PseudoTerminal.Start(windows, true, null, "listen", "-v", "127.0.0.1", "0");
        await nsock.Stdout.WaitForTextAsync("listening on 127.0.0.1:", Wait);

        await nsock.WriteStdinAsync("\u0003"); // the terminal turns it into SIGINT, and Wine into CTRL_C_EVENT

        await nsock.AssertExitCodeAsync(130, TimeSpan.FromSeconds(10));
    }

    /// <summary>The error line's colour on a console, and the two ways to turn it off.</summary>
    public static TheoryData<string?, string?, bool> ColourCases => new()
    {
        { null, null, true },
        { "1", null, false },
        { null, "--no-color", false },
    };

    [Theory]
    [MemberData(nameof(ColourCases))]
    public async Task The_error_line_on_a_console_is_coloured_unless_NO_COLOR_or_no_color(string? noColorVariable, string? option, bool coloured)
    {
        var windows = WindowsTool;
        var port = Loopback.FreePort();
        string[] args = option is null ? ["connect", "127.0.0.1", port.ToString()] : ["connect", option, "127.0.0.1", port.ToString()];
        var environment = new Dictionary<string, string?> { ["NO_COLOR"] = noColorVariable, ["TERM"] = "xterm" }; // TERM=dumb would turn colour off too

        await using var nsock = PseudoTerminal.Start(windows, true, environment, args); // stderr is the console
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(1, Wait);
        var written = nsock.Stdout.Text;
        Assert.Contains($"127.0.0.1:{port}: connection refused", written);
        Assert.Equal(coloured, written.Contains("\e[31mnsock: \e[0m", StringComparison.Ordinal));
    }
}
