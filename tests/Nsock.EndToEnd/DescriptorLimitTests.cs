using System.Net.Sockets;
using System.Text;

namespace Nsock.EndToEnd;

/// <summary>
/// Out of file descriptors (RLIMIT_NOFILE), a -k server must not die: it turns the shortage into
/// a warning, lets clients wait in the backlog, and serves again once descriptors are free. Run
/// on both builds: the framework-dependent one loads assemblies lazily (each holds descriptors),
/// the Native AOT one does not.
/// </summary>
public sealed class DescriptorLimitTests
{
    private const int Clients = 200;

    // How long the crowd gets to connect and be echoed before it leaves; clients beyond the
    // limit wait in the backlog (or, past it, in SYN retries) and are simply closed then.
    private static readonly TimeSpan CrowdWindow = TimeSpan.FromSeconds(6);

    // Draining the backlog of closed clients may take a while; a fresh client must be served within this.
    private static readonly TimeSpan RecoveryWait = TimeSpan.FromSeconds(30);

    // Every test runs nsock under ulimit -n.
    public DescriptorLimitTests() => ToolPlatform.Needs(Need.DescriptorLimit);

    // The framework-dependent runtime holds about 60 descriptors of its own (two per assembly), so
    // at ulimit -n 64 there is no room for a single client: that case is the refusal below.
    [Theory]
    [InlineData(NsockBuild.FrameworkDependent, 128)]
    [InlineData(NsockBuild.FrameworkDependent, 256)]
    [InlineData(NsockBuild.Aot, 64)]
    [InlineData(NsockBuild.Aot, 128)]
    public async Task Keep_open_echo_outlives_running_out_of_descriptors_and_serves_a_client_afterwards(NsockBuild build, int limit)
    {
        var tool = NsockTool.PathOf(build);
        await using var nsock = RunningProcess.Start(
            "sh", ["-c", $"ulimit -n {limit}; exec \"$0\" \"$@\"", tool, "listen", "-k", "--echo", "-v", "127.0.0.1", "0"]);
        var port = await nsock.WaitForListeningPortAsync();

        var crowd = await Task.WhenAll(Enumerable.Range(0, Clients).Select(i => VisitAsync(port, i)));
        var connected = crowd.Count(c => c.Socket is not null);
        var echoed = crowd.Count(c => c.Echoed);
        foreach (var client in crowd)
        {
            client.Socket?.Dispose();
        }

        var problems = new List<string>();
        var crowdSummary = $"{connected} of {Clients} clients connected, {echoed} echoed within {CrowdWindow.TotalSeconds} s";
        if (nsock.HasExited)
        {
            problems.Add($"nsock exited ({await nsock.WaitForExitAsync()}) while {Clients} clients came and went ({crowdSummary})");
        }
        else
        {
            var fresh = await FreshClientAsync(port, nsock);
            if (fresh is not null)
            {
                problems.Add($"after the crowd left ({crowdSummary}), a fresh client was not served within {RecoveryWait.TotalSeconds} s: {fresh}");
            }

            if (nsock.HasExited)
            {
                problems.Add($"nsock exited ({await nsock.WaitForExitAsync()}) after the crowd left ({crowdSummary})");
            }
        }

        var lines = nsock.StderrLines;
        if (lines.Any(l => l.Contains("Exception", StringComparison.Ordinal) || l.StartsWith("   at ", StringComparison.Ordinal)))
        {
            problems.Add("stderr has an exception or a stack trace");
        }

        // EMFILE is the process's own limit ("too many open files"); ENFILE ("... in system") is the whole system's.
        var emfile = lines.Where(l => l.Contains("open files", StringComparison.OrdinalIgnoreCase)).ToList();
        if (emfile.Any(l => !l.Contains("too many open files", StringComparison.Ordinal) || l.Contains("in system", StringComparison.Ordinal)))
        {
            problems.Add($"the descriptor shortage should read 'too many open files', not: {emfile.First(l => !l.Contains("too many open files", StringComparison.Ordinal) || l.Contains("in system", StringComparison.Ordinal))}");
        }

        Assert.True(problems.Count == 0, $"{build} build ({tool}) at ulimit -n {limit}:\n- {string.Join("\n- ", problems)}\nstderr (connection lines left out):\n{Notable(lines)}");
    }

    // The framework-dependent runtime holds about 60 descriptors itself; a Native AOT binary a handful.
    [Theory]
    [InlineData(NsockBuild.FrameworkDependent, 64)]
    [InlineData(NsockBuild.Aot, 14)]
    public async Task Without_room_for_one_client_the_server_says_so_and_exits_5(NsockBuild build, int limit)
    {
        await using var nsock = RunningProcess.Start("sh", ["-c", $"ulimit -n {limit}; exec \"$0\" \"$@\"", NsockTool.PathOf(build), "listen", "-k", "--echo", "127.0.0.1", "0"]);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(5);
        var line = ErrorLine.AssertSole(nsock, "descriptors");
        Assert.Contains($"ulimit -n {limit}", line, StringComparison.Ordinal);
        Assert.Equal(build == NsockBuild.FrameworkDependent, line.Contains("framework-dependent runtime", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Out_of_descriptors_before_the_first_socket_is_one_line_and_exit_5()
    {
        // So few that the listening socket itself cannot be made (AOT: the framework-dependent
        // runtime cannot even start with this few).
        await using var nsock = RunningProcess.Start("sh", ["-c", "ulimit -n 8; exec \"$0\" \"$@\"", NsockTool.PathOf(NsockBuild.Aot), "listen", "-k", "127.0.0.1", "0"]);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(5);
        var line = ErrorLine.AssertSole(nsock, "socket");
        Assert.Contains("too many open files", line, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", line, StringComparison.Ordinal);
    }

    /// <summary>One of the crowd: connects, sends its line and reads the echo, all within the crowd's window.</summary>
    private static async Task<(Socket? Socket, bool Echoed)> VisitAsync(int port, int id)
    {
        using var window = new CancellationTokenSource(CrowdWindow);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), window.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose(); // refused (nsock gone) or still queued when the window closed
            return (null, false);
        }

        var line = Encoding.ASCII.GetBytes($"client {id}\n");
        try
        {
            await socket.SendAsync(line, SocketFlags.None, window.Token);
            return (socket, await ReadLineAsync(socket, window.Token) == line.Length);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return (socket, false); // not served in the window (waiting in the backlog), or dropped
        }
    }

    /// <summary>A client after the crowd: retried until served or <see cref="RecoveryWait"/> ends. Null when served, else why not.</summary>
    private static async Task<string?> FreshClientAsync(int port, RunningProcess nsock)
    {
        using var deadline = new CancellationTokenSource(RecoveryWait);
        var line = "fresh client\n"u8.ToArray();
        var why = "no attempt";
        for (var attempt = 1; !nsock.HasExited; attempt++)
        {
            try
            {
                using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await client.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), deadline.Token);
                await client.SendAsync(line, SocketFlags.None, deadline.Token);
                var echoed = new byte[line.Length];
                var got = await ReadLineAsync(client, deadline.Token, echoed);
                if (got == line.Length && echoed.AsSpan().SequenceEqual(line))
                {
                    return null;
                }

                why = $"attempt {attempt}: got {got} bytes '{Encoding.ASCII.GetString(echoed, 0, got)}' then EOF";
            }
            catch (OperationCanceledException)
            {
                return $"{why}; last attempt ({attempt}) timed out";
            }
            catch (SocketException e)
            {
                why = $"attempt {attempt}: {e.SocketErrorCode}";
            }

            try
            {
                await Task.Delay(200, deadline.Token); // a short pause between attempts, bounded by the deadline
            }
            catch (OperationCanceledException)
            {
                return why;
            }
        }

        return $"{why}; nsock exited";
    }

    /// <summary>Reads up to a newline (or EOF); returns the byte count.</summary>
    private static async Task<int> ReadLineAsync(Socket socket, CancellationToken ct, byte[]? into = null)
    {
        var buffer = into ?? new byte[64];
        var got = 0;
        while (got < buffer.Length && (got == 0 || buffer[got - 1] != (byte)'\n'))
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None, ct);
            if (read == 0)
            {
                break;
            }

            got += read;
        }

        return got;
    }

    private static string Notable(IReadOnlyList<string> lines)
    {
        var notable = lines.Where(l => !l.StartsWith("connection from ", StringComparison.Ordinal) && !l.StartsWith("closed ", StringComparison.Ordinal))
            .GroupBy(l => l)
            .Select(g => g.Count() > 1 ? $"{g.Key}  (x{g.Count()})" : g.Key)
            .Take(40);
        return string.Join("\n", notable);
    }
}
