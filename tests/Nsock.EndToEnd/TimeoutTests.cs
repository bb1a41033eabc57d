using System.Diagnostics;
using System.Text;

namespace Nsock.EndToEnd;

/// <summary>
/// -w (TCP) bounds connecting only, never an established session; -i counts silence either way and
/// restarts on every byte, over every family. The peer's timed writes are the subject here, so the
/// delays between them are part of the scenario, not synchronisation.
/// </summary>
public sealed class TimeoutTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Connect_timeout_never_cuts_an_established_session()
    {
        using var listener = Loopback.Listen();
        await using var nsock = RunningProcess.Nsock("connect", "-w", "1", "127.0.0.1", Loopback.PortOf(listener).ToString());
        using var peer = await Loopback.AcceptAsync(listener);
        var session = Stopwatch.StartNew();

        var expected = new StringBuilder();
        for (var i = 0; i < 6; i++)
        {
            var tick = $"tick {i}\n";
            expected.Append(tick);
            await Loopback.SendAllAsync(peer, Encoding.ASCII.GetBytes(tick));
            await nsock.Stdout.WaitForTextAsync(tick, Step);

            var tock = $"tock {i}\n";
            await nsock.WriteStdinAsync(tock);
            Assert.Equal(tock, Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(peer, tock.Length, Step)));
            Assert.False(nsock.HasExited, $"nsock ended the session after {session.Elapsed.TotalSeconds:0.0} s; stderr:\n{nsock.Stderr}");
            await Task.Delay(Interval, TestContext.Current.CancellationToken);
        }

        Assert.True(session.Elapsed > TimeSpan.FromSeconds(2), "the session must outlast -w 1 by a good margin");
        await nsock.CloseStdinAsync();
        Assert.Empty(await Loopback.ReadToEndAsync(peer));
        await Loopback.SendAllAsync(peer, "bye\n"u8.ToArray());
        peer.Close();
        expected.Append("bye\n");

        await nsock.AssertExitCodeAsync(0);
        Assert.Equal(expected.ToString(), nsock.Stdout.Text);
        Assert.Empty(nsock.StderrLines);
    }

    [Theory]
    [MemberData(nameof(Families.All), MemberType = typeof(Families))]
    public async Task Idle_timeout_restarts_on_traffic_from_the_peer(Family family)
    {
        await using var session = await Session.OpenAsync(family, Role.NsockConnects, "-i", "1");
        var (nsock, peer) = (session.Nsock, session.Peer);
        var clock = Stopwatch.StartNew();

        var expected = new StringBuilder();
        var lastTraffic = TimeSpan.Zero;
        for (var i = 0; i < 7; i++) // one write every 0.5 s for 3 s: three times the idle limit
        {
            if (i > 0)
            {
                await Task.Delay(Interval, TestContext.Current.CancellationToken);
            }

            Assert.False(nsock.HasExited, $"nsock ended after {clock.Elapsed.TotalSeconds:0.0} s although the peer sent every 0.5 s; stderr:\n{nsock.Stderr}");
            var line = $"peer {i}\n";
            expected.Append(line);
            await Loopback.SendAllAsync(peer, Encoding.ASCII.GetBytes(line));
            await nsock.Stdout.WaitForTextAsync(line, Step);
            lastTraffic = clock.Elapsed;
        }

        Assert.True(lastTraffic > TimeSpan.FromSeconds(2.5), "the traffic must outlast the idle limit several times");
        var code = await nsock.WaitForExitAsync(TimeSpan.FromSeconds(15));
        var quiet = clock.Elapsed - lastTraffic;

        Assert.Equal(4, code);
        Assert.InRange(quiet.TotalSeconds, 0.8, 3);
        Assert.Equal(expected.ToString(), nsock.Stdout.Text);
        AssertIdleError(nsock, session.PeerName);
    }

    [Theory]
    [MemberData(nameof(Families.All), MemberType = typeof(Families))]
    public async Task Idle_timeout_restarts_on_traffic_from_stdin(Family family)
    {
        await using var session = await Session.OpenAsync(family, Role.NsockConnects, "-i", "1");
        var (nsock, peer) = (session.Nsock, session.Peer);
        var clock = Stopwatch.StartNew();

        var lastTraffic = TimeSpan.Zero;
        for (var i = 0; i < 7; i++)
        {
            if (i > 0)
            {
                await Task.Delay(Interval, TestContext.Current.CancellationToken);
            }

            Assert.False(nsock.HasExited, $"nsock ended after {clock.Elapsed.TotalSeconds:0.0} s although stdin sent every 0.5 s; stderr:\n{nsock.Stderr}");
            var line = $"stdin {i}\n";
            await nsock.WriteStdinAsync(line);
            Assert.Equal(line, Encoding.ASCII.GetString(await Loopback.ReadExactlyAsync(peer, line.Length, Step)));
            lastTraffic = clock.Elapsed;
        }

        Assert.True(lastTraffic > TimeSpan.FromSeconds(2.5), "the traffic must outlast the idle limit several times");
        var code = await nsock.WaitForExitAsync(TimeSpan.FromSeconds(15));
        var quiet = clock.Elapsed - lastTraffic;

        Assert.Equal(4, code);
        Assert.InRange(quiet.TotalSeconds, 0.8, 3);
        AssertIdleError(nsock, session.PeerName);
    }

    private static void AssertIdleError(RunningProcess nsock, string peer)
    {
        var lines = nsock.StderrLines;
        ErrorLine.AssertNoStackTrace(lines);
        var line = Assert.Single(lines);
        Assert.StartsWith("nsock: ", line);
        Assert.True(ErrorLine.Names(line, peer), $"idle error does not name {peer}: {line}");
    }
}
