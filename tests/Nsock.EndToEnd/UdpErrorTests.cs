using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Nsock.EndToEnd;

/// <summary>
/// SPEC.md's exit codes for udp-send and udp-recv, each with the error contract (one line
/// <c>nsock: what: why</c> naming the culprit, no stack trace): bad input (2), an unknown
/// group (3), ICMP port unreachable (1, at once, no busy loop), missing replies and idleness (4),
/// a port already taken (5).
/// </summary>
public sealed class UdpErrorTests
{
    private static readonly TimeSpan Wait = UdpPeers.Wait;

    // ---- 2: usage ----

    [Theory]
    [InlineData("0", "udp-send", "127.0.0.1", "0", "x")]
    [InlineData("0", "udp-send", "::1", "0")]
    [InlineData("70000", "udp-send", "127.0.0.1", "70000", "x")]
    [InlineData("70000", "udp-send", "::1", "70000")]
    [InlineData("70000", "udp-recv", "70000")]
    [InlineData("70000", "udp-recv", "127.0.0.1", "70000")]
    [InlineData("abc", "udp-send", "127.0.0.1", "abc")]
    [InlineData("abc", "udp-recv", "abc")]
    [InlineData("10.0.0.1", "udp-recv", "--group", "10.0.0.1", "0")]
    [InlineData("127.0.0.1", "udp-recv", "--group", "127.0.0.1", "0")]
    [InlineData("::1", "udp-recv", "--group", "::1", "0")]
    [InlineData("xml", "udp-recv", "--format", "xml", "0")]
    [InlineData("xml", "udp-send", "--format", "xml", "--wait", "1", "127.0.0.1", "9", "x")]
    [InlineData("--stamp", "udp-recv", "--stamp", "0")]
    [InlineData("--stamp", "udp-recv", "--stamp", "--reply", "0")]
    [InlineData("nosuchnic", "udp-recv", "--group", "239.1.2.3", "--interface", "nosuchnic", "0")]
    [InlineData("nosuchnic", "udp-send", "--interface", "nosuchnic", "239.1.2.3", "9", "x")]
    [InlineData("10.255.255.254", "udp-recv", "--group", "239.1.2.3", "--interface", "10.255.255.254", "0")]
    [InlineData("239.1.2.3", "udp-recv", "-6", "--group", "239.1.2.3", "0")]
    [InlineData("ff15::1", "udp-recv", "-4", "--group", "ff15::1", "0")]
    [InlineData("--buffer-size", "udp-send", "--buffer-size", "70000", "127.0.0.1", "9", "x")]
    [InlineData("--bogus", "udp-recv", "--bogus", "0")]
    [InlineData("--bogus", "udp-send", "--bogus", "127.0.0.1", "9", "x")]
    [InlineData("extra", "udp-recv", "127.0.0.1", "0", "extra")]
    public async Task Usage_error_exits_2_with_one_line_naming_the_argument(string names, params string[] args)
    {
        await using var nsock = RunningProcess.Nsock(args);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(2, Wait);
        ErrorLine.AssertSole(nsock, names, usage: true);
    }

    [Fact]
    public async Task A_70000_byte_text_argument_exits_2_naming_it_and_sends_nothing()
    {
        ToolPlatform.Needs(Need.LongCommandLine);
        // A receiver that would see a datagram if one were sent.
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)receiver.LocalEndPoint!).Port;

        await using var nsock = RunningProcess.Nsock("udp-send", "127.0.0.1", port.ToString(), "small", new string('x', 70_000));
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(2, Wait);
        var line = ErrorLine.AssertSole(nsock, "TEXT", usage: true);
        Assert.Contains("70000", line);
        Assert.Equal(0, receiver.Available);
    }

    // ---- 3: name resolution ----

    [Theory]
    [InlineData("udp-recv", "--group", "nosuch.invalid", "0")]
    [InlineData("udp-send", "nosuch.invalid", "9", "x")]
    [InlineData("udp-recv", "nosuch.invalid", "0")]
    public async Task Unresolvable_name_exits_3_naming_it(params string[] args)
    {
        await using var nsock = RunningProcess.Nsock(args);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(3, Wait);
        ErrorLine.AssertSole(nsock, "nosuch.invalid");
    }

    // ---- 1: ICMP port unreachable ----

    [Theory]
    [InlineData("127.0.0.1", "--wait", "30")]
    [InlineData("::1", "--wait", "30")]
    [InlineData("127.0.0.1", "-c", "1")]
    [InlineData("::1", "-c", "3", "--wait", "30")]
    public async Task Waiting_for_replies_from_a_closed_port_exits_1_at_once_naming_the_address(string host, params string[] options)
    {
        var port = ClosedPort(host);

        await using var nsock = RunningProcess.Nsock(["udp-send", .. options, host, port.ToString(), "anyone there?"]);
        await nsock.CloseStdinAsync();
        var clock = Stopwatch.StartNew();
        var code = await nsock.WaitForExitAsync(TimeSpan.FromSeconds(10));
        clock.Stop();

        Assert.Equal(1, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed} to report the refusal ({string.Join(' ', options)})");
        var line = ErrorLine.AssertSole(nsock, Loopback.Shown(host, port));
        Assert.Contains("refused", line);
    }

    [Fact]
    public async Task Wait_on_a_closed_port_exits_1_while_stdin_is_still_open()
    {
        var port = ClosedPort("127.0.0.1");

        await using var nsock = RunningProcess.Nsock("udp-send", "--wait", "30", "127.0.0.1", port.ToString());
        await nsock.WriteStdinAsync("one\n");
        var clock = Stopwatch.StartNew();
        var code = await nsock.WaitForExitAsync(TimeSpan.FromSeconds(10));
        clock.Stop();

        Assert.Equal(1, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed} to report the refusal with stdin open");
        var line = ErrorLine.AssertSole(nsock, $"127.0.0.1:{port}");
        Assert.Contains("refused", line);
    }

    [Fact]
    public async Task Wait_on_a_closed_port_does_not_spin_before_exiting()
    {
        // The process's CPU time (user + system) when it ends must stay near its start-up cost:
        // a loop on a pending ECONNREFUSED would burn a core until the 30 s wait ran out.
        var port = ClosedPort("127.0.0.1");
        await using var nsock = RunningProcess.Start("bash", ["-c", "\"$@\"; code=$?; times >&2; exit $code", "bash", NsockTool.Path, "udp-send", "--wait", "30", "127.0.0.1", port.ToString(), "x"]);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(1, TimeSpan.FromSeconds(10));

        // bash's `times`: second line is the children's user and system time, like "0m0.120s 0m0.030s".
        var times = nsock.StderrLines.Where(l => Regex.IsMatch(l, @"^\d+m[\d.]+s \d+m[\d.]+s$")).ToList();
        Assert.True(times.Count == 2, "no `times` output; stderr:\n" + nsock.Stderr);
        var cpu = Regex.Matches(times[1], @"(\d+)m([\d.]+)s").Sum(m => (int.Parse(m.Groups[1].Value) * 60) + double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(cpu < 2.5, $"nsock used {cpu} s of CPU before exiting; stderr:\n{nsock.Stderr}");
        Assert.Single(nsock.StderrLines, l => l.StartsWith($"nsock: 127.0.0.1:{port}: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wait_exits_1_when_the_peer_goes_away_mid_session()
    {
        var peer = await PythonEchoPeer.StartAsync("127.0.0.1");
        var port = peer.Port;
        await using var nsock = RunningProcess.Nsock("udp-send", "--wait", "30", "127.0.0.1", port.ToString());
        try
        {
            await nsock.WriteStdinAsync("one\n");
            await nsock.Stdout.WaitForTextAsync("one\n", Wait);
        }
        finally
        {
            await peer.DisposeAsync(); // the peer's socket is closed once the process is gone
        }

        // The next datagram meets a closed port: the ICMP error ends nsock although stdin is open.
        await nsock.WriteStdinAsync("two\n");
        var clock = Stopwatch.StartNew();
        var code = await nsock.WaitForExitAsync(TimeSpan.FromSeconds(10));
        clock.Stop();

        Assert.Equal(1, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed} to report the refusal");
        Assert.Equal("one\n", nsock.Stdout.Text);
        AssertSoleErrorLine(nsock, $"127.0.0.1:{port}");
        Assert.Contains("refused", nsock.StderrLines[0]);
    }

    // ---- 4: timeouts ----

    [Fact]
    public async Task Count_not_reached_within_wait_exits_4_after_printing_the_replies_that_came()
    {
        await using var peer = await PythonEchoPeer.StartAsync("127.0.0.1");

        await using var nsock = RunningProcess.Nsock("udp-send", "-c", "2", "--wait", "0.5", "127.0.0.1", peer.Port.ToString(), "once");
        var clock = Stopwatch.StartNew();
        var code = await nsock.WaitForExitAsync(Wait);
        clock.Stop();

        Assert.Equal(4, code);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.4, 5);
        Assert.Equal("once", nsock.Stdout.Text);
        AssertSoleErrorLine(nsock, $"127.0.0.1:{peer.Port}");
    }

    [Fact]
    public async Task Udp_recv_idle_timeout_with_nothing_arriving_exits_4_after_a_second()
    {
        await using var nsock = RunningProcess.Nsock("udp-recv", "-v", "-i", "1", "127.0.0.1", "0");
        var port = await nsock.WaitForListeningPortAsync(Wait);
        var clock = Stopwatch.StartNew();
        var code = await nsock.WaitForExitAsync(Wait);
        clock.Stop();

        Assert.Equal(4, code);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.7, 5);
        Assert.Equal(0, nsock.Stdout.Length);
        AssertSoleErrorLine(nsock, $"127.0.0.1:{port}");
    }

    // ---- 5: local resource ----

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::1", "::1")]
    [InlineData("127.0.0.1", null)]
    [InlineData("::1", null)]
    public async Task Udp_recv_on_a_port_already_bound_exits_5(string takenHost, string? bind)
    {
        var address = IPAddress.Parse(takenHost);
        using var taken = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        taken.Bind(new IPEndPoint(address, 0));
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;

        await using var nsock = RunningProcess.Nsock([.. new[] { "udp-recv" }, .. bind is null ? Array.Empty<string>() : [bind], port.ToString()]);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(5, Wait);
        var line = ErrorLine.AssertSole(nsock, bind is null ? null : Loopback.Shown(bind, port));
        Assert.Contains($":{port}: ", line);
        Assert.Contains("in use", line);
    }

    /// <summary>A UDP port nobody listens on: bound on <paramref name="host"/>, noted, closed.</summary>
    private static int ClosedPort(string host) => Loopback.FreePort(IPAddress.Parse(host), SocketType.Dgram);

    /// <summary>The error contract where stdout may hold data and -v may add progress lines.</summary>
    private static void AssertSoleErrorLine(RunningProcess nsock, string names)
    {
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
        var errors = nsock.StderrLines.Where(l => !l.StartsWith("listening on ", StringComparison.Ordinal)).ToList();
        var error = Assert.Single(errors);
        Assert.Matches(@"^nsock: \S.*: \S.*$", error);
        Assert.True(ErrorLine.Names(error, names), $"error line does not name {names}: {error}");
    }
}
