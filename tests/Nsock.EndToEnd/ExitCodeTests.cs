using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Nsock.EndToEnd;

/// <summary>
/// Every exit code of SPEC.md's table that <c>connect</c> and <c>listen</c> can reach, each with
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

        Assert.Equal(2, await nsock.WaitForExitAsync());
        ErrorLine.AssertSole(nsock, names, usage: true);
    }

    [Fact]
    public async Task Unknown_command_exits_2_naming_it()
    {
        await using var nsock = RunningProcess.Nsock("bogus-command", "127.0.0.1", "80");
        await nsock.CloseStdinAsync();

        Assert.Equal(2, await nsock.WaitForExitAsync());
        ErrorLine.AssertSole(nsock, "bogus-command", usage: true);
    }

    [Fact]
    public async Task No_command_exits_2_without_help_on_stdout()
    {
        await using var nsock = RunningProcess.Nsock();
        await nsock.CloseStdinAsync();

        Assert.Equal(2, await nsock.WaitForExitAsync());
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

        Assert.Equal(0, await nsock.WaitForExitAsync());
        Assert.Contains("Usage:", nsock.Stdout.Text);
        if (args[0] != "--help")
        {
            Assert.Contains("nsock " + args[0], nsock.Stdout.Text);
        }

        Assert.Empty(nsock.StderrLines);
    }

    // ---- 1: network failure ----

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task Connection_refused_exits_1_naming_the_address(string host)
    {
        var address = IPAddress.Parse(host);
        int port;
        using (var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(address, 0));
            port = Loopback.PortOf(probe);
        }

        await using var nsock = RunningProcess.Nsock("connect", host, port.ToString());
        await nsock.CloseStdinAsync();

        Assert.Equal(1, await nsock.WaitForExitAsync());
        var line = ErrorLine.AssertSole(nsock, Shown(address, port));
        Assert.Contains("refused", line);
    }

    // ---- 3: name resolution ----

    [Theory]
    [InlineData("connect", "nosuch.invalid", "80")]
    [InlineData("listen", "nosuch.invalid", "0")]
    public async Task Unresolvable_name_exits_3_naming_it(params string[] args)
    {
        await using var nsock = RunningProcess.Nsock(args);
        await nsock.CloseStdinAsync();

        Assert.Equal(3, await nsock.WaitForExitAsync());
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

    [Fact]
    public async Task Idle_timeout_with_a_silent_peer_exits_4_on_connect()
    {
        using var listener = Loopback.Listen();
        var port = Loopback.PortOf(listener);
        await using var nsock = RunningProcess.Nsock("connect", "-i", "1", "127.0.0.1", port.ToString());
        using var peer = await Loopback.AcceptAsync(listener);
        var clock = Stopwatch.StartNew();

        var code = await nsock.WaitForExitAsync(TimeSpan.FromSeconds(15));
        clock.Stop();

        Assert.Equal(4, code);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.5, 5);
        ErrorLine.AssertSole(nsock, $"127.0.0.1:{port}");
    }

    [Fact]
    public async Task Idle_timeout_with_a_silent_client_exits_4_on_listen()
    {
        await using var nsock = RunningProcess.Nsock("listen", "-v", "-i", "1", "127.0.0.1", "0");
        var port = await nsock.WaitForListeningPortAsync();
        using var client = await Loopback.ConnectAsync(port);
        var clientPort = Loopback.PortOf(client);
        await nsock.WaitForStderrAsync("^connection from ");
        var clock = Stopwatch.StartNew();

        var code = await nsock.WaitForExitAsync(TimeSpan.FromSeconds(15));
        clock.Stop();

        Assert.Equal(4, code);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.5, 5);

        // -v adds progress lines; the error contract applies to the rest.
        var errors = nsock.StderrLines.Where(l => l.StartsWith("nsock: ", StringComparison.Ordinal)).ToList();
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
        var error = Assert.Single(errors);
        Assert.True(ErrorLine.Names(error, $"127.0.0.1:{clientPort}"), "error line does not name the client: " + error);
        Assert.Equal(0, nsock.Stdout.Length);
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

        Assert.Equal(5, await nsock.WaitForExitAsync());
        var line = ErrorLine.AssertSole(nsock, Shown(address, port));
        Assert.Contains("in use", line);
    }

    [Fact]
    public async Task Address_in_use_exits_5_for_the_any_address_too()
    {
        using var taken = Loopback.Listen();
        var port = Loopback.PortOf(taken);

        await using var nsock = RunningProcess.Nsock("listen", port.ToString());
        await nsock.CloseStdinAsync();

        Assert.Equal(5, await nsock.WaitForExitAsync());
        var line = ErrorLine.AssertSole(nsock, names: null);
        Assert.Contains($":{port}: ", line);
    }

    [Fact]
    public async Task Permission_denied_on_a_privileged_port_exits_5()
    {
        // Port 1 is privileged unless the sysctl opens every port; then there is nothing to deny.
        Assert.True(Posix.UnprivilegedPortStart > 1, "net.ipv4.ip_unprivileged_port_start opens port 1 to everyone here");

        // Root may bind port 1, so as root nsock runs without CAP_NET_BIND_SERVICE (setpriv, from
        // util-linux): still root, so it can read the build wherever the checkout lives.
        string[] args = ["listen", "127.0.0.1", "1"];
        await using var nsock = Posix.IsRoot
            ? RunningProcess.Start("setpriv", ["--bounding-set=-net_bind_service", "--", NsockTool.Path, .. args])
            : RunningProcess.Nsock(args);
        await nsock.CloseStdinAsync();

        Assert.Equal(5, await nsock.WaitForExitAsync());
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

        Assert.Equal(0, await client.WaitForExitAsync());
        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.Equal("from client\n", server.Stdout.Text);
        Assert.Equal("from server\n", client.Stdout.Text);
        Assert.Empty(client.StderrLines);
        Assert.Contains(server.StderrLines, l => l.StartsWith("connection from [::1]:", StringComparison.Ordinal));
    }

    private static string Shown(IPAddress address, int port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

    /// <summary>Connects until one connect does not complete within 300 ms: the accept queue is full.</summary>
    private static async Task FillAcceptQueueAsync(int port, List<Socket> queued)
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
