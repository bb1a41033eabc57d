using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Nsock.EndToEnd;

/// <summary>
/// Every exit code of SPEC.md's table that <c>connect</c> and <c>listen</c> can reach (and
/// <c>unix</c>, where a failure holds for every family and the family is a parameter), each with
/// the error contract: one line <c>nsock: what: why</c> naming the culprit, stdout untouched,
/// no stack trace.
/// </summary>
public sealed class ExitCodeTests
{
    // ---- 2: usage ----

    [Theory]
    // unknown option, wherever it stands
    [InlineData("--bogus", "connect", "--bogus", "127.0.0.1", "80")]
    [InlineData("--bogus", "connect", "127.0.0.1", "80", "--bogus")]
    [InlineData("-x", "connect", "-x", "127.0.0.1", "80")]
    [InlineData("--bogus", "listen", "--bogus", "0")]
    [InlineData("--bogus", "listen", "127.0.0.1", "0", "--bogus")]
    // missing arguments
    [InlineData("HOST", "connect")]
    [InlineData("PORT", "connect", "127.0.0.1")]
    [InlineData("PORT", "listen")]
    // too many arguments
    [InlineData("extra", "connect", "127.0.0.1", "80", "extra")]
    [InlineData("extra", "listen", "127.0.0.1", "0", "extra")]
    // bad ports
    [InlineData("0", "connect", "127.0.0.1", "0")]
    [InlineData("70000", "connect", "127.0.0.1", "70000")]
    [InlineData("70000", "listen", "127.0.0.1", "70000")]
    [InlineData("70000", "listen", "70000")]
    [InlineData("abc", "connect", "127.0.0.1", "abc")]
    [InlineData("abc", "listen", "abc")]
    [InlineData("abc", "listen", "127.0.0.1", "abc")]
    // bad address syntax
    [InlineData("::1:5000", "connect", "::1:5000")]
    [InlineData("::1:5000", "listen", "::1:5000")]
    [InlineData("127.0.0.1:80", "connect", "127.0.0.1:80", "80")]
    [InlineData("127.0.0.1:80", "listen", "127.0.0.1:80", "0")]
    // family forced against a literal of the other family
    [InlineData("::1", "connect", "-4", "::1", "80")]
    [InlineData("127.0.0.1", "connect", "-6", "127.0.0.1", "80")]
    [InlineData("::1", "listen", "-4", "::1", "0")]
    [InlineData("127.0.0.1", "listen", "-6", "127.0.0.1", "0")]
    // option values that are not numbers
    [InlineData("abc", "connect", "-w", "abc", "127.0.0.1", "80")]
    [InlineData("abc", "connect", "-i", "abc", "127.0.0.1", "80")]
    [InlineData("abc", "listen", "-i", "abc", "127.0.0.1", "0")]
    public async Task Usage_error_exits_2_with_one_line_naming_the_argument(string names, params string[] args)
    {
        await using var nsock = RunningProcess.Nsock(args);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(2);
        ErrorLine.AssertSole(nsock, names, usage: true);
    }

    [Fact]
    public async Task Unknown_command_exits_2_naming_it()
    {
        await using var nsock = RunningProcess.Nsock("bogus-command", "127.0.0.1", "80");
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(2);
        ErrorLine.AssertSole(nsock, "bogus-command", usage: true);
    }

    [Fact]
    public async Task No_command_exits_2_without_help_on_stdout()
    {
        await using var nsock = RunningProcess.Nsock();
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(2);
        ErrorLine.AssertSole(nsock, names: null, usage: true);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("connect", "--help")]
    [InlineData("listen", "--help")]
    [InlineData("connect", "-h")]
    public async Task Help_goes_to_stdout_and_exits_0(params string[] args)
    {
        await using var nsock = RunningProcess.Nsock(args);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(0);
        Assert.Contains("Usage:", nsock.Stdout.Text);
        if (args[0] != "--help")
        {
            Assert.Contains("nsock " + args[0], nsock.Stdout.Text);
        }

        Assert.Empty(nsock.StderrLines);
    }

    // ---- 1: network failure ----

    [Theory]
    [MemberData(nameof(Families.All), MemberType = typeof(Families))]
    public async Task Connection_refused_exits_1_naming_the_address(Family family)
    {
        ToolPlatform.NeedsFor(family);
        // Nobody there: a TCP port just released, or a stale socket file that nobody answers.
        using var dir = new UnixTempDir();
        string target;
        string[] args;
        if (family == Family.Unix)
        {
            target = dir.File("stale");
            await Unix.MakeStaleSocketAsync(target);
            args = ["unix", target];
        }
        else
        {
            var address = Families.Address(family);
            var port = Loopback.FreePort(address);
            target = Loopback.Shown(address, port);
            args = ["connect", address.ToString(), port.ToString()];
        }

        await using var nsock = RunningProcess.Nsock(args);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(1);
        var line = ErrorLine.AssertSole(nsock, target);
        Assert.Contains("refused", line);
        if (family == Family.Unix)
        {
            Assert.Equal("socket", Unix.FileType(target)); // a client never removes what it did not create
        }
    }

    // ---- 3: name resolution ----

    [Theory]
    [InlineData("connect", "nosuch.invalid", "80")]
    [InlineData("listen", "nosuch.invalid", "0")]
    public async Task Unresolvable_name_exits_3_naming_it(params string[] args)
    {
        await using var nsock = RunningProcess.Nsock(args);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(3);
        ErrorLine.AssertSole(nsock, "nosuch.invalid");
    }

    // ---- 4: timeouts ----

    [Fact]
    public async Task Connect_timeout_exits_4_after_the_given_seconds()
    {
        // Linux drops SYNs to a listener whose accept queue is full: fill one that never accepts.
        using var listener = Loopback.Listen(backlog: 1);
        var port = Loopback.PortOf(listener);
        var queued = new List<Socket>();
        try
        {
            await FillAcceptQueueAsync(port, queued);

            await using var nsock = RunningProcess.Nsock("connect", "-w", "1", "127.0.0.1", port.ToString());
            var clock = Stopwatch.StartNew();
            var code = await nsock.WaitForExitAsync(TimeSpan.FromSeconds(15));
            clock.Stop();

            Assert.Equal(4, code);
            Assert.InRange(clock.Elapsed.TotalSeconds, 0.8, 5);
            ErrorLine.AssertSole(nsock, $"127.0.0.1:{port}");
        }
        finally
        {
            queued.ForEach(s => s.Dispose());
        }
    }

    [Theory]
    [MemberData(nameof(Families.InBothRoles), MemberType = typeof(Families))]
    public async Task Idle_timeout_with_a_silent_peer_exits_4_naming_it(Family family, Role role)
    {
        await using var session = await Session.OpenAsync(family, role, "-i", "1");
        var clock = Stopwatch.StartNew();

        var code = await session.Nsock.WaitForExitAsync(TimeSpan.FromSeconds(15));
        clock.Stop();

        Assert.Equal(4, code);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.5, 5);
        if (role == Role.NsockConnects)
        {
            ErrorLine.AssertSole(session.Nsock, session.PeerName);
        }
        else
        {
            // A listening nsock has -v: progress lines; the error contract applies to the rest.
            ErrorLine.AssertSoleAmidProgress(session.Nsock, session.PeerName);
        }
    }

    // ---- 5: local resource ----

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task Address_in_use_exits_5_naming_the_address(string host)
    {
        var address = IPAddress.Parse(host);
        using var taken = Loopback.Listen(address);
        var port = Loopback.PortOf(taken);

        await using var nsock = RunningProcess.Nsock("listen", host, port.ToString());
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(5);
        var line = ErrorLine.AssertSole(nsock, Loopback.Shown(address, port));
        Assert.Contains("in use", line);
    }

    [Fact]
    public async Task Address_in_use_exits_5_for_the_any_address_too()
    {
        using var taken = Loopback.Listen();
        var port = Loopback.PortOf(taken);

        await using var nsock = RunningProcess.Nsock("listen", port.ToString());
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(5);
        var line = ErrorLine.AssertSole(nsock, names: null);
        Assert.Contains($":{port}: ", line);
    }

    [Fact]
    public async Task Permission_denied_on_a_privileged_port_exits_5()
    {
        ToolPlatform.Needs(Need.OtherUser); // as root, nsock without CAP_NET_BIND_SERVICE through setpriv
        // Port 1 is privileged unless the sysctl opens every port; then there is nothing to deny.
        Assert.True(Posix.UnprivilegedPortStart > 1, "net.ipv4.ip_unprivileged_port_start opens port 1 to everyone here");

        // Root may bind port 1, so as root nsock runs without CAP_NET_BIND_SERVICE (setpriv, from
        // util-linux): still root, so it can read the build wherever the checkout lives.
        string[] args = ["listen", "127.0.0.1", "1"];
        await using var nsock = Posix.IsRoot
            ? RunningProcess.Start("setpriv", ["--bounding-set=-net_bind_service", "--", NsockTool.Path, .. args])
            : RunningProcess.Nsock(args);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(5);
        var line = ErrorLine.AssertSole(nsock, "127.0.0.1:1");
        Assert.Contains("permission denied", line);
    }

    // ---- 0: an IPv6 literal works ----

    [Fact]
    public async Task IPv6_literal_listen_and_connect_exchange_data()
    {
        await using var server = RunningProcess.Nsock("listen", "-v", "::1", "0");
        var ready = await server.WaitForStderrAsync(@"^listening on (.+):(\d+)$");
        Assert.Equal("[::1]", ready.Groups[1].Value);
        var port = ready.Groups[2].Value;

        await using var client = RunningProcess.Nsock("connect", "::1", port);
        await client.WriteStdinAsync("from client\n");
        await server.WriteStdinAsync("from server\n");
        await server.Stdout.WaitForTextAsync("from client\n", RunningProcess.DefaultWait);
        await client.Stdout.WaitForTextAsync("from server\n", RunningProcess.DefaultWait);
        await client.CloseStdinAsync();
        await server.CloseStdinAsync();

        await client.AssertExitCodeAsync(0);
        await server.AssertExitCodeAsync(0);
        Assert.Equal("from client\n", server.Stdout.Text);
        Assert.Equal("from server\n", client.Stdout.Text);
        Assert.Empty(client.StderrLines);
        Assert.Contains(server.StderrLines, l => l.StartsWith("connection from [::1]:", StringComparison.Ordinal));
    }

    /// <summary>Connects until one connect does not complete within 300 ms: the accept queue is full.</summary>
    internal static async Task FillAcceptQueueAsync(int port, List<Socket> queued)
    {
        for (var i = 0; i < 64; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
                queued.Add(socket);
            }
            catch (OperationCanceledException)
            {
                socket.Dispose();
                return;
            }
        }

        Assert.Fail($"64 connects to a backlog-1 listener all completed; cannot provoke a connect timeout");
    }
}
