using System.Text;
using System.Text.RegularExpressions;

namespace Nsock.EndToEnd;

/// <summary>
/// The words around the command line: help a person can learn from, each command speaking of
/// itself only; the version; a netcat command line answered with the nsock one; did-you-mean.
/// </summary>
public sealed partial class HelpAndHabitsTests
{
    public static TheoryData<string> Commands() => ["connect", "listen", "udp-send", "udp-recv", "unix", "completions"];

    private static async Task<(string Stdout, RunningProcess Process)> RunAsync(params string[] args)
    {
        var nsock = RunningProcess.Nsock(args);
        await nsock.CloseStdinAsync();
        await nsock.AssertExitCodeAsync(0);
        return (Encoding.UTF8.GetString(nsock.Stdout.ToArray()), nsock);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Each_command_has_help_with_usage_examples_and_exit_codes(string command)
    {
        foreach (var ask in new[] { "-h", "--help", "-?" })
        {
            var (help, process) = await RunAsync(command, ask);
            await using var _ = process;
            Assert.Empty(process.StderrLines);
            Assert.Contains($"\nUsage:\n  nsock {command} ", help, StringComparison.Ordinal);
            Assert.Contains("\nExamples:\n", help, StringComparison.Ordinal);
            Assert.Contains("\nExit codes:\n", help, StringComparison.Ordinal);
            Assert.True(ExampleLines().Matches(help).Count >= 3, help);
            Assert.DoesNotContain("[default:", help, StringComparison.Ordinal);
            Assert.DoesNotContain("<[", help, StringComparison.Ordinal); // no "<[HOST] PORT>..."
            Assert.DoesNotContain(">...", help, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("listen", "nsock listen [options] [HOST] PORT")]
    [InlineData("connect", "nsock connect [options] HOST PORT")]
    [InlineData("udp-send", "nsock udp-send [options] HOST PORT [TEXT...]")]
    [InlineData("udp-recv", "nsock udp-recv [options] [HOST] PORT")]
    [InlineData("unix", "nsock unix [options] PATH")]
    public async Task The_usage_line_is_written_as_a_person_types_it(string command, string usage)
    {
        var (help, process) = await RunAsync(command, "--help");
        await using var _ = process;
        Assert.Contains("\n  " + usage, help, StringComparison.Ordinal);
    }

    // What leaked between commands before: each help speaks of its own command only.
    [Theory]
    [InlineData("udp-recv", "udp-send")]
    [InlineData("udp-recv", "replies")]
    [InlineData("listen", "UDP")]
    [InlineData("listen", "65507")]
    [InlineData("connect", "65507")]
    [InlineData("connect", "datagram")]
    [InlineData("udp-send", "connection")]
    [InlineData("udp-recv", "connection")]
    [InlineData("udp-send", "Raw")]
    [InlineData("unix", "Raw")]
    public async Task A_help_text_does_not_speak_of_other_commands(string command, string foreign)
    {
        var (help, process) = await RunAsync(command, "--help");
        await using var _ = process;
        Assert.DoesNotContain(foreign, help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unix_help_groups_options_by_mode()
    {
        var (help, process) = await RunAsync("unix", "--help");
        await using var _ = process;
        var client = help.IndexOf("\nStream client:\n", StringComparison.Ordinal);
        var server = help.IndexOf("\nStream server (-l):\n", StringComparison.Ordinal);
        var datagram = help.IndexOf("\nDatagram client (-u):\n", StringComparison.Ordinal);
        Assert.True(client > 0 && server > client && datagram > server, help);
        Assert.Contains("--max-conns", help[server..datagram], StringComparison.Ordinal);
        Assert.DoesNotContain("--max-conns", help[client..server], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Root_help_lists_the_commands()
    {
        var (help, process) = await RunAsync("--help");
        await using var _ = process;
        foreach (var command in new[] { "connect", "listen", "udp-send", "udp-recv", "unix", "completions" })
        {
            Assert.Matches($"\n  {command} ", help);
        }
    }

    [Fact]
    public async Task Version_names_the_commit()
    {
        var (version, process) = await RunAsync("--version");
        await using var _ = process;
        Assert.Matches(@"^nsock \d+\.\d+\.\d+ \([0-9a-f]{7}\)\n$", version);
    }

    // A netcat command line typed to nsock: one line with the nsock command that does it, exit 2.
    [Theory]
    [InlineData("nsock listen 1234", "-l", "1234")]
    [InlineData("nsock listen -k 1234", "-lk", "1234")]
    [InlineData("nsock listen -vn 4444", "-lvnp", "4444")]
    [InlineData("nsock udp-send 127.0.0.1 5001", "-u", "127.0.0.1", "5001")]
    [InlineData("nsock udp-recv 5000", "-ul", "5000")]
    [InlineData("nsock unix /tmp/s.sock", "-U", "/tmp/s.sock")]
    [InlineData("nsock unix -lk /tmp/b.sock", "-lkU", "/tmp/b.sock")]
    [InlineData("nsock unix -u /tmp/d.sock", "-uU", "/tmp/d.sock")]
    [InlineData("nsock connect 127.0.0.1 80", "127.0.0.1", "80")]
    [InlineData("nsock connect -C 127.0.0.1 80", "-C", "127.0.0.1", "80")]
    [InlineData("nsock connect -q 1 127.0.0.1 7", "-q", "1", "127.0.0.1", "7")]
    [InlineData("nsock connect -w 3 127.0.0.1 7", "-w", "3", "127.0.0.1", "7")]
    [InlineData("nsock connect -s 127.0.0.1 -p 40123 127.0.0.1 7", "-s", "127.0.0.1", "-p", "40123", "127.0.0.1", "7")]
    [InlineData("nsock listen -k --echo 1240", "-lk", "--exec", "/bin/cat", "1240")]
    [InlineData("nsock listen -6 9005", "-6", "-l", "9005")]
    public async Task A_netcat_command_line_is_answered_with_the_nsock_one(string nsockLine, params string[] args)
    {
        await using var nsock = RunningProcess.Nsock(args);
        await nsock.CloseStdinAsync();
        await nsock.AssertExitCodeAsync(2);
        var line = Assert.Single(nsock.StderrLines);
        Assert.EndsWith($"; try '{nsockLine}'", line);
        Assert.Equal(0, nsock.Stdout.Length);
    }

    [Fact]
    public async Task The_suggested_command_runs()
    {
        await using var bridge = RunningProcess.Nsock("-lvnp", "0");
        await bridge.AssertExitCodeAsync(2);
        var suggested = BridgeHint().Match(bridge.StderrLines[0]).Groups[1].Value.Split(' ');
        await using var nsock = RunningProcess.Nsock(suggested[1..]);
        await nsock.WaitForStderrAsync("^listening on ");
        ToolPlatform.Needs(Need.PosixSignals); // the end is by SIGTERM; all before it is checked everywhere
        nsock.Signal(Signals.SigTerm);
        Assert.Equal(143, await nsock.WaitForExitAsync());
    }

    [Theory]
    [InlineData("conect", "unknown command 'conect'; did you mean 'connect'?")]
    [InlineData("lsiten", "unknown command 'lsiten'; did you mean 'listen'?")]
    [InlineData("udp-sned", "unknown command 'udp-sned'; did you mean 'udp-send'?")]
    [InlineData("frobnicate", "unknown command 'frobnicate'; the commands are connect, listen, udp-send, udp-recv, unix, netlink, completions")]
    public async Task An_unknown_command_gets_the_nearest_one_or_the_list(string typed, string expected)
    {
        await using var nsock = RunningProcess.Nsock(typed, "1", "2");
        await nsock.AssertExitCodeAsync(2);
        Assert.Equal($"nsock: usage: {expected}", ErrorLine.AssertSole(nsock, null, usage: true));
    }

    [Fact]
    public async Task Help_to_a_closed_reader_is_quiet()
    {
        // stdout is a pipe whose reader has already gone: the write fails with EPIPE, every time.
        const string Script = "import os, subprocess, sys\nr, w = os.pipe()\nos.close(r)\np = subprocess.run([sys.argv[1], 'listen', '--help'], stdout=w, stderr=subprocess.PIPE)\nsys.stderr.write(p.stderr.decode())\nsys.exit(p.returncode)";
        await using var nsock = RunningProcess.Start("python3", ["-c", Script, NsockTool.Path]);
        await nsock.AssertExitCodeAsync(0);
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
        Assert.Empty(nsock.StderrLines);
    }

    [GeneratedRegex(@"\n  \S[^\n]+\n      \S")]
    private static partial Regex ExampleLines();

    [GeneratedRegex("try '([^']+)'")]
    private static partial Regex BridgeHint();
}
