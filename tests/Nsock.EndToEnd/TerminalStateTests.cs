using System.Text;
using System.Text.RegularExpressions;

namespace Nsock.EndToEnd;

/// <summary>
/// nsock leaves a terminal as it found it. Started from a shell (stdin, stdout and stderr all the
/// terminal), it writes what it was asked to and nothing else: never a mode change such as keypad
/// transmit (smkx, <c>ESC[?1h ESC=</c>: application cursor keys and keypad), which the .NET
/// runtime writes when its console is first used on a terminal and never takes back, so that the
/// shell's arrow keys then send the wrong sequences. Every byte nsock writes to the terminal is
/// compared, for the framework-dependent and the Native AOT build.
/// </summary>
public sealed partial class TerminalStateTests
{
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(10);

    // A terminal type whose terminfo entry has keypad_xmit (and keypad_local), so a console
    // initialisation would write it.
    private static readonly Dictionary<string, string?> Xterm = new() { ["TERM"] = "xterm" };

    // Every test runs nsock on a pseudo-terminal.
    public TerminalStateTests() => ToolPlatform.Needs(Need.PseudoTerminal);

    public static TheoryData<NsockBuild, string[]> HelpAndVersion
    {
        get
        {
            var data = new TheoryData<NsockBuild, string[]>();
            foreach (var build in new[] { NsockBuild.FrameworkDependent, NsockBuild.Aot })
            {
                data.Add(build, ["--help"]);
                data.Add(build, ["listen", "--help"]);
                data.Add(build, ["--version"]);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(HelpAndVersion))]
    public async Task Help_and_version_write_only_their_text_to_the_terminal(NsockBuild build, string[] args)
    {
        var tool = ToolWithTerminfo(build);

        // What the same command prints into a pipe, with the terminal's LF -> CRLF.
        await using var piped = RunningProcess.Start(tool, args, environment: Xterm);
        await piped.CloseStdinAsync();
        await piped.AssertExitCodeAsync(0, Promptly);
        var expected = piped.Stdout.Text.Replace("\n", "\r\n", StringComparison.Ordinal);
        Assert.NotEmpty(expected);

        await using var nsock = PseudoTerminal.Start(tool, true, Xterm, args);
        await nsock.AssertExitCodeAsync(0, Promptly);

        var written = nsock.Stdout.Text;
        AssertNoModeChange(written);
        Assert.Equal(expected, written);
    }

    [Theory]
    [InlineData(NsockBuild.FrameworkDependent)]
    [InlineData(NsockBuild.Aot)]
    public async Task A_usage_error_writes_only_the_error_to_the_terminal(NsockBuild build)
    {
        await using var nsock = PseudoTerminal.Start(ToolWithTerminfo(build), true, Xterm, "listen", "--bogus");
        await nsock.AssertExitCodeAsync(2, Promptly);

        var written = nsock.Stdout.Text;
        AssertNoModeChange(written);
        Assert.Equal("nsock: listen: unknown option '--bogus'\r\nsee 'nsock listen --help'\r\n", WithoutColour(written));
    }

    [Theory]
    [InlineData(NsockBuild.FrameworkDependent)]
    [InlineData(NsockBuild.Aot)]
    public async Task A_connect_session_writes_only_its_data_and_messages_to_the_terminal(NsockBuild build)
    {
        var tool = ToolWithTerminfo(build);
        using var listener = PeerListener.Open(Family.Tcp4);
        await using var nsock = PseudoTerminal.Start(tool, true, Xterm, listener.NsockArgs("-v"));
        using (var peer = await listener.AcceptAsync())
        {
            await Loopback.SendAllAsync(peer, "bye\n"u8.ToArray());
        }

        // stdin is the terminal: the peer's EOF ends the session.
        await nsock.AssertExitCodeAsync(0, Promptly);

        var written = nsock.Stdout.Text;
        AssertNoModeChange(written);
        var address = listener.Address;
        Assert.Equal($"connected to {address}\r\nbye\r\nclosed {address}: sent 0 bytes, received 4 bytes\r\n", WithoutColour(written));
    }

    [Theory]
    [InlineData(NsockBuild.FrameworkDependent)]
    [InlineData(NsockBuild.Aot)]
    public async Task A_listen_session_writes_only_its_data_and_messages_to_the_terminal(NsockBuild build)
    {
        var tool = ToolWithTerminfo(build);
        await using var nsock = PseudoTerminal.Start(tool, true, Xterm, "listen", "-v", "127.0.0.1", "0");
        await nsock.Stdout.WaitForAsync(b => Listening().IsMatch(Encoding.UTF8.GetString(b)), Promptly, "the readiness line");
        var port = int.Parse(Listening().Match(nsock.Stdout.Text).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        using (var client = await Loopback.ConnectAsync(port, System.Net.IPAddress.Loopback))
        {
            await Loopback.SendAllAsync(client, "hello\n"u8.ToArray());
        }

        await nsock.AssertExitCodeAsync(0, Promptly);

        var written = nsock.Stdout.Text;
        AssertNoModeChange(written);
        Assert.Contains("hello\r\n", written);
    }

    // ---- helpers ----

    // DEC private modes (ESC [ ? ..., among them DECCKM ESC[?1h / ESC[?1l), and the keypad
    // modes DECKPAM (ESC =) and DECKPNM (ESC >): none of them is nsock's to change.
    private static void AssertNoModeChange(string written)
    {
        foreach (var sequence in new[] { "\e[?", "\e=", "\e>" })
        {
            Assert.False(
                written.Contains(sequence, StringComparison.Ordinal),
                $"nsock wrote {Visible(sequence)} to the terminal: {Visible(written.Length > 200 ? written[..200] + "..." : written)}");
        }
    }

    // Colour on stderr is nsock's on a terminal (SGR, ESC [ ... m); what it says is compared without it.
    private static string WithoutColour(string written) => Sgr().Replace(written, "");

    private static string Visible(string text) => text.Replace("\e", "ESC", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    // Without an xterm terminfo entry the runtime has no keypad_xmit to write, and these tests could not fail.
    private static string ToolWithTerminfo(NsockBuild build)
    {
        string[] dirs = ["/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo", "/usr/lib/terminfo", "/usr/share/misc/terminfo"];
        if (!dirs.Any(dir => File.Exists(Path.Combine(dir, "x", "xterm")) || File.Exists(Path.Combine(dir, "78", "xterm"))))
        {
            Assert.Skip($"no terminfo entry for xterm in {string.Join(", ", dirs)}");
        }

        return NsockTool.PathOf(build);
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)\r\n")]
    private static partial Regex Listening();

    [GeneratedRegex(@"\e\[[0-9;]*m")]
    private static partial Regex Sgr();
}
