using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Nsock.EndToEnd;

/// <summary>
/// udp-send and udp-recv against third-party UDP peers (python3 sockets, socat), IPv4 and IPv6:
/// replies heard with --wait, datagrams received whole with their sender, --echo answering
/// from the bound port, --reply going to the peer that spoke last.
/// </summary>
public sealed class UdpInteropTests
{
    private static readonly TimeSpan Wait = UdpPeers.Wait;

    public static TheoryData<string> Hosts => new("127.0.0.1", "::1");

    // ---- udp-send --wait: replies from the target ----

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Udp_send_wait_prints_the_reply_of_a_python3_echo_peer(string host)
    {
        await using var peer = await PythonEchoPeer.StartAsync(host);

        await using var nsock = RunningProcess.Nsock("udp-send", "--wait", "1", host, peer.Port.ToString(), "hello python");
        var clock = Stopwatch.StartNew();
        var code = await nsock.WaitForExitAsync(Wait);
        clock.Stop();

        Assert.True(code == 0, $"exit {code}; stderr:\n{nsock.Stderr}");
        Assert.Equal("hello python", nsock.Stdout.Text);
        Assert.Empty(nsock.StderrLines);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.8, 10); // --wait 1 without -c: listens the whole second
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Udp_send_wait_with_count_prints_one_reply_per_text_argument_and_stops(string host)
    {
        await using var peer = await PythonEchoPeer.StartAsync(host);

        await using var nsock = RunningProcess.Nsock("udp-send", "--wait", "15", "-c", "3", "--format", "line", host, peer.Port.ToString(), "one", "two", "three");
        var clock = Stopwatch.StartNew();
        var code = await nsock.WaitForExitAsync(Wait);
        clock.Stop();

        Assert.True(code == 0, $"exit {code}; stderr:\n{nsock.Stderr}");
        var from = Loopback.Shown(host, peer.Port);
        Assert.Equal($"{from} 3 one\n{from} 3 two\n{from} 5 three\n", nsock.Stdout.Text);
        Assert.Empty(nsock.StderrLines);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"-c 3 should end the wait at the third reply, took {clock.Elapsed}");
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Udp_send_lines_from_stdin_are_echoed_one_datagram_each_by_python3(string host)
    {
        await using var peer = await PythonEchoPeer.StartAsync(host);

        await using var nsock = RunningProcess.Nsock("udp-send", "--lines", "--wait", "15", "-c", "2", "--format", "line", host, peer.Port.ToString());
        await nsock.WriteStdinAsync("first line\nsecond\n");
        await nsock.CloseStdinAsync();
        var code = await nsock.WaitForExitAsync(Wait);

        Assert.True(code == 0, $"exit {code}; stderr:\n{nsock.Stderr}");
        var from = Loopback.Shown(host, peer.Port);
        Assert.Equal($"{from} 11 first line\\n\n{from} 7 second\\n\n", nsock.Stdout.Text);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Udp_send_prints_replies_while_stdin_is_still_open(string host)
    {
        await using var peer = await PythonEchoPeer.StartAsync(host);

        await using var nsock = RunningProcess.Nsock("udp-send", host, peer.Port.ToString());
        await nsock.WriteStdinAsync("one\n");
        await nsock.Stdout.WaitForTextAsync("one\n", Wait);
        await nsock.WriteStdinAsync("two\n");
        await nsock.Stdout.WaitForTextAsync("one\ntwo\n", Wait);
        Assert.False(nsock.HasExited, $"udp-send ended with stdin open; stderr:\n{nsock.Stderr}");
        await nsock.CloseStdinAsync();

        var code = await nsock.WaitForExitAsync(Wait);
        Assert.True(code == 0, $"exit {code}; stderr:\n{nsock.Stderr}");
        Assert.Equal("one\ntwo\n", nsock.Stdout.Text);
        Assert.Empty(nsock.StderrLines);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Udp_send_wait_prints_the_reply_of_socat_recvfrom_fork(string host)
    {
        var port = Loopback.FreePort(IPAddress.Parse(host), SocketType.Dgram);
        var listen = host.Contains(':', StringComparison.Ordinal)
            ? $"UDP6-RECVFROM:{port},bind=[{host}],fork"
            : $"UDP4-RECVFROM:{port},bind={host},fork";
        await using var socat = RunningProcess.Start("socat", [listen, "EXEC:cat"]);
        await WaitUntilEchoingAsync(socat, host, port);

        // TEXT argument, -c 1: ends at the reply.
        await using (var nsock = RunningProcess.Nsock("udp-send", "--wait", "15", "-c", "1", host, port.ToString(), "hello socat"))
        {
            var code = await nsock.WaitForExitAsync(Wait);
            Assert.True(code == 0, $"exit {code}; stderr:\n{nsock.Stderr}");
            Assert.Equal("hello socat", nsock.Stdout.Text);
            Assert.Empty(nsock.StderrLines);
        }

        // stdin, --wait alone: listens for the whole wait and exits 0.
        await using (var nsock = RunningProcess.Nsock("udp-send", "--wait", "1.5", host, port.ToString()))
        {
            await nsock.WriteStdinAsync("from stdin\n");
            await nsock.CloseStdinAsync();
            var code = await nsock.WaitForExitAsync(Wait);
            Assert.True(code == 0, $"exit {code}; stderr:\n{nsock.Stderr}");
            Assert.Equal("from stdin\n", nsock.Stdout.Text);
            Assert.Empty(nsock.StderrLines);
        }
    }

    // ---- udp-recv: datagrams from third-party senders ----

    [Theory]
    [InlineData("127.0.0.1", "UDP4-SENDTO:127.0.0.1:{0}")]
    [InlineData("::1", "UDP6-SENDTO:[::1]:{0}")]
    [InlineData(null, "UDP4-SENDTO:127.0.0.1:{0}")]
    [InlineData(null, "UDP6-SENDTO:[::1]:{0}")]
    public async Task Udp_recv_prints_a_datagram_from_socat_exactly(string? bind, string socatAddress)
    {
        await using var nsock = RunningProcess.Nsock(["udp-recv", "-v", "-c", "1", .. bind is null ? Array.Empty<string>() : [bind], "0"]);
        var port = await nsock.WaitForListeningPortAsync(Wait);

        await using var socat = RunningProcess.Start("socat", ["-", string.Format(System.Globalization.CultureInfo.InvariantCulture, socatAddress, port)]);
        await socat.WriteStdinAsync("hello from socat\n");
        await socat.CloseStdinAsync();

        var code = await nsock.WaitForExitAsync(Wait);
        Assert.True(code == 0, $"exit {code}; stderr:\n{nsock.Stderr}");
        Assert.Equal("hello from socat\n", nsock.Stdout.Text);
        await socat.AssertExitCodeAsync(0, Wait);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Udp_recv_json_records_each_python3_datagram_with_its_sender(string host)
    {
        // Dual stack (no HOST): both families arrive on the one socket.
        await using var nsock = RunningProcess.Nsock("udp-recv", "-v", "--format", "json", "-c", "3", "0");
        var port = await nsock.WaitForListeningPortAsync(Wait);
        await using var peer = await PythonUdpPeer.StartAsync(host, port);

        byte[][] sent = [Encoding.UTF8.GetBytes("one"), [], [0x00, 0xff, 0x61, (byte)'\n']];
        foreach (var datagram in sent)
        {
            await peer.SendAsync(datagram);
        }

        var code = await nsock.WaitForExitAsync(Wait);
        Assert.True(code == 0, $"exit {code}; stderr:\n{nsock.Stderr}");

        var records = nsock.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, records.Length);
        for (var i = 0; i < sent.Length; i++)
        {
            using var json = JsonDocument.Parse(records[i]);
            var root = json.RootElement;
            Assert.Equal(Loopback.Shown(host, peer.Port), root.GetProperty("from").GetString());
            Assert.Equal(sent[i].Length, root.GetProperty("length").GetInt32());
            Assert.Equal(sent[i], root.GetProperty("data").GetBytesFromBase64());
        }

        Assert.Equal("one", JsonDocument.Parse(records[0]).RootElement.GetProperty("text").GetString());
    }

    // ---- udp-recv --echo: the reply comes from the bound port ----

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::1", "::1")]
    [InlineData(null, "127.0.0.1")]
    [InlineData(null, "::1")]
    public async Task Udp_recv_echo_replies_to_a_python3_sender_from_the_bound_port(string? bind, string peerHost)
    {
        await using var nsock = RunningProcess.Nsock(["udp-recv", "-v", "--echo", .. bind is null ? Array.Empty<string>() : [bind], "0"]);
        var port = await nsock.WaitForListeningPortAsync(Wait);
        await using var peer = await PythonUdpPeer.StartAsync(peerHost, port);

        await peer.SendAsync("ping 1");
        var first = Assert.Single(await peer.WaitForReceivedAsync(1));
        await peer.SendAsync("ping 2");
        var replies = await peer.WaitForReceivedAsync(2);

        Assert.Equal(port, first.From);
        Assert.Equal("ping 1", Encoding.UTF8.GetString(first.Data));
        Assert.Equal(port, replies[1].From);
        Assert.Equal("ping 2", Encoding.UTF8.GetString(replies[1].Data));
        await nsock.Stdout.WaitForTextAsync("ping 1ping 2", Wait);
        Assert.Equal("ping 1ping 2", nsock.Stdout.Text);
        Assert.False(nsock.HasExited, $"udp-recv --echo ended; stderr:\n{nsock.Stderr}");
    }

    [Fact]
    public async Task Udp_recv_echo_stamp_prefixes_the_reply_with_ctime_and_prints_the_datagram_bare()
    {
        await using var nsock = RunningProcess.Nsock("udp-recv", "-v", "--echo", "--stamp", "127.0.0.1", "0");
        var port = await nsock.WaitForListeningPortAsync(Wait);
        await using var peer = await PythonUdpPeer.StartAsync("127.0.0.1", port);

        await peer.SendAsync("hello");
        var reply = Assert.Single(await peer.WaitForReceivedAsync(1));

        Assert.Equal(port, reply.From);
        Assert.Matches(@"^\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123]\d \d\d:\d\d:\d\d \d{4}\] hello$", Encoding.ASCII.GetString(reply.Data));
        await nsock.Stdout.WaitForTextAsync("hello", Wait);
        Assert.Equal("hello", nsock.Stdout.Text);
    }

    // ---- udp-recv --reply: stdin to the latest sender ----

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::1", "::1")]
    [InlineData(null, "127.0.0.1")]
    [InlineData(null, "::1")]
    public async Task Udp_recv_reply_sends_stdin_to_the_python3_sender(string? bind, string peerHost)
    {
        await using var nsock = RunningProcess.Nsock(["udp-recv", "-v", "--reply", .. bind is null ? Array.Empty<string>() : [bind], "0"]);
        var port = await nsock.WaitForListeningPortAsync(Wait);
        await using var peer = await PythonUdpPeer.StartAsync(peerHost, port);

        await peer.SendAsync("hi");
        await nsock.Stdout.WaitForTextAsync("hi", Wait);
        await nsock.WriteStdinAsync("hello back\n");

        var reply = Assert.Single(await peer.WaitForReceivedAsync(1));
        Assert.Equal(port, reply.From);
        Assert.Equal("hello back\n", Encoding.UTF8.GetString(reply.Data));
        Assert.Equal("hi", nsock.Stdout.Text);

        // stdin EOF ends the replies only: datagrams are still received and printed.
        await nsock.CloseStdinAsync();
        await peer.SendAsync(" still there");
        await nsock.Stdout.WaitForTextAsync("hi still there", Wait);
        Assert.False(nsock.HasExited, $"udp-recv --reply ended at stdin EOF; stderr:\n{nsock.Stderr}");
    }

    [Fact]
    public async Task Udp_recv_reply_holds_stdin_until_the_first_sender_speaks()
    {
        await using var nsock = RunningProcess.Nsock("udp-recv", "-v", "--reply", "127.0.0.1", "0");
        var port = await nsock.WaitForListeningPortAsync(Wait);
        await nsock.WriteStdinAsync("early\n");
        await using var peer = await PythonUdpPeer.StartAsync("127.0.0.1", port);

        await peer.SendAsync("hi");

        var reply = Assert.Single(await peer.WaitForReceivedAsync(1));
        Assert.Equal(port, reply.From);
        Assert.Equal("early\n", Encoding.UTF8.GetString(reply.Data));
        await nsock.Stdout.WaitForTextAsync("hi", Wait);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData(null, "::1")]
    public async Task Udp_recv_reply_sends_stdin_to_the_sender_that_spoke_last(string? bind, string peerHost)
    {
        await using var nsock = RunningProcess.Nsock(["udp-recv", "-v", "--reply", .. bind is null ? Array.Empty<string>() : [bind], "0"]);
        var port = await nsock.WaitForListeningPortAsync(Wait);
        await using var a = await PythonUdpPeer.StartAsync(peerHost, port);
        await using var b = await PythonUdpPeer.StartAsync(peerHost, port);

        await a.SendAsync("from a;");
        await nsock.Stdout.WaitForTextAsync("from a;", Wait);
        await b.SendAsync("from b;");
        await nsock.Stdout.WaitForTextAsync("from a;from b;", Wait);

        // b spoke last.
        await nsock.WriteStdinAsync("to b\n");
        var atB = Assert.Single(await b.WaitForReceivedAsync(1));
        Assert.Equal("to b\n", Encoding.UTF8.GetString(atB.Data));
        Assert.Equal(port, atB.From);

        // Now a speaks again: the next stdin goes to a. Had "to b" gone to a as well, it
        // would have reached a first (loopback delivers in order), so a's first datagram tells.
        await a.SendAsync("a again;");
        await nsock.Stdout.WaitForTextAsync("from a;from b;a again;", Wait);
        await nsock.WriteStdinAsync("to a\n");
        var atA = await a.WaitForReceivedAsync(1);
        Assert.Equal("to a\n", Encoding.UTF8.GetString(atA[0].Data));
        Assert.Equal(port, atA[0].From);
        Assert.Single(atA);
        Assert.Single(b.Received);
        Assert.Equal("from a;from b;a again;", nsock.Stdout.Text);
    }

    /// <summary>
    /// Waits until socat answers: a bounded <c>udp-send --wait 0.3 -c 1</c> probe, repeated
    /// while it is refused (socat not bound yet) or unanswered, within a deadline.
    /// </summary>
    private static async Task WaitUntilEchoingAsync(RunningProcess socat, string host, int port)
    {
        var deadline = DateTime.UtcNow + Wait;
        for (var attempt = 1; ; attempt++)
        {
            int code;
            string stdout, stderr;
            await using (var probe = RunningProcess.Nsock("udp-send", "--wait", "0.3", "-c", "1", host, port.ToString(), "probe"))
            {
                code = await probe.WaitForExitAsync(Wait);
                stdout = probe.Stdout.Text;
                stderr = probe.Stderr;
            }

            if (code == 0 && stdout == "probe")
            {
                return;
            }

            Assert.True(code is 1 or 4, $"probe of socat on {Loopback.Shown(host, port)} failed oddly (exit {code}), stdout '{stdout}', stderr:\n{stderr}");
            if (socat.HasExited)
            {
                throw new InvalidOperationException($"socat exited ({await socat.WaitForExitAsync()}) before answering on {port}; stderr:\n{socat.Stderr}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"socat did not answer on {Loopback.Shown(host, port)} after {attempt} probes; last probe exit {code}, stderr:\n{stderr}\nsocat stderr:\n{socat.Stderr}");
            }
        }
    }
}
