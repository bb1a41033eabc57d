using System.Net;
using System.Text;
using System.Text.Json;

namespace Nsock.EndToEnd;

/// <summary>udp-send and udp-recv keep datagram boundaries, exactly, both ways.</summary>
public sealed class UdpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task Spaced_stdin_writes_arrive_as_separate_datagrams(string address)
    {
        using var peer = new UdpPeer(IPAddress.Parse(address));
        await using var nsock = RunningProcess.Nsock("udp-send", address, peer.Port.ToString());

        foreach (var word in new[] { "one", "two\n", "three" })
        {
            // Each write waits for the previous datagram, so each is its own stdin read.
            await nsock.WriteStdinAsync(word);
            Assert.Equal(word, Encoding.ASCII.GetString((await peer.ReceiveAsync()).Data));
        }

        await nsock.CloseStdinAsync();
        await nsock.AssertExitCodeAsync(0);
        Assert.True(peer.NothingWithin(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task A_32000_byte_burst_arrives_whole_and_in_order()
    {
        using var peer = new UdpPeer();
        var burst = new byte[32000];
        new Random(32000).NextBytes(burst);
        await using var nsock = RunningProcess.Nsock("udp-send", "127.0.0.1", peer.Port.ToString());

        await nsock.WriteStdinAsync(burst);
        await nsock.CloseStdinAsync();
        await nsock.AssertExitCodeAsync(0);

        // One datagram per stdin read: a pipe may hand the burst over in pieces, never reordered,
        // each within the 65507-byte limit.
        var received = new MemoryStream();
        while (received.Length < burst.Length)
        {
            var (data, _) = await peer.ReceiveAsync(TimeSpan.FromSeconds(5));
            Assert.InRange(data.Length, 1, 65507);
            received.Write(data);
        }

        Assert.Equal(burst, received.ToArray());
    }

    [Fact]
    public async Task Each_TEXT_argument_is_one_datagram_even_an_empty_one()
    {
        using var peer = new UdpPeer();
        await using var nsock = RunningProcess.Nsock("udp-send", "127.0.0.1", peer.Port.ToString(), "first", "", "third one");

        await nsock.AssertExitCodeAsync(0);
        Assert.Equal("first", Encoding.ASCII.GetString((await peer.ReceiveAsync()).Data));
        Assert.Empty((await peer.ReceiveAsync()).Data);
        Assert.Equal("third one", Encoding.ASCII.GetString((await peer.ReceiveAsync()).Data));
    }

    [Fact]
    public async Task Lines_mode_sends_each_line_as_one_datagram()
    {
        using var peer = new UdpPeer();
        await using var nsock = RunningProcess.Nsock("udp-send", "--lines", "127.0.0.1", peer.Port.ToString());

        await nsock.WriteStdinAsync("a\nbb\nccc");
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(0);
        foreach (var expected in new[] { "a\n", "bb\n", "ccc" })
        {
            Assert.Equal(expected, Encoding.ASCII.GetString((await peer.ReceiveAsync()).Data));
        }
    }

    [Fact]
    public async Task Recv_prints_binary_empty_and_maximum_datagrams_exactly()
    {
        await using var nsock = RunningProcess.Nsock("udp-recv", "-v", "-c", "3", "127.0.0.1", "0");
        var port = await nsock.WaitForListeningPortAsync();
        var largest = new byte[65507];
        new Random(65507).NextBytes(largest);

        using var peer = new UdpPeer();
        await peer.SendToAsync("a\0b"u8.ToArray(), port);
        await peer.SendToAsync([], port);
        await peer.SendToAsync(largest, port);

        await nsock.AssertExitCodeAsync(0);
        Assert.Equal([.. "a\0b"u8.ToArray(), .. largest], nsock.Stdout.ToArray());
    }

    [Fact]
    public async Task Recv_takes_every_sender_in_turn_and_keeps_running_after_each_leaves()
    {
        await using var nsock = RunningProcess.Nsock("udp-recv", "-v", "--format", "line", "0");
        var port = await nsock.WaitForListeningPortAsync();
        var senders = new List<int>();

        for (var i = 0; i < 3; i++)
        {
            using var peer = new UdpPeer(i == 1 ? IPAddress.IPv6Loopback : IPAddress.Loopback); // dual stack
            senders.Add(peer.Port);
            await peer.SendToAsync(Encoding.ASCII.GetBytes($"from {i}"), port);
            await nsock.Stdout.WaitForTextAsync($"from {i}\n", RunningProcess.DefaultWait);
        }

        Assert.False(nsock.HasExited);
        Assert.Equal(
            $"127.0.0.1:{senders[0]} 6 from 0\n[::1]:{senders[1]} 6 from 1\n127.0.0.1:{senders[2]} 6 from 2\n",
            nsock.Stdout.Text);
    }

    [Fact]
    public async Task Formats_describe_each_datagram_for_people_and_scripts()
    {
        using var peer = new UdpPeer();
        foreach (var (format, check) in new (string, Action<string>)[]
        {
            ("line", text => Assert.Equal($"127.0.0.1:{peer.Port} 5 a\\0b\\n\\xff\n", text)),
            ("hex", text => Assert.Contains("61 00 62 0a ff", text)),
            ("json", text =>
            {
                using var json = JsonDocument.Parse(text);
                Assert.Equal($"127.0.0.1:{peer.Port}", json.RootElement.GetProperty("from").GetString());
                Assert.Equal(5, json.RootElement.GetProperty("length").GetInt32());
                Assert.Equal(new byte[] { 0x61, 0, 0x62, 0x0a, 0xff }, json.RootElement.GetProperty("data").GetBytesFromBase64());
                Assert.False(json.RootElement.TryGetProperty("text", out _)); // 0xff is not UTF-8
            }),
        })
        {
            await using var nsock = RunningProcess.Nsock("udp-recv", "-v", "-c", "1", "--format", format, "127.0.0.1", "0");
            var port = await nsock.WaitForListeningPortAsync();
            await peer.SendToAsync([0x61, 0, 0x62, 0x0a, 0xff], port);
            await nsock.AssertExitCodeAsync(0);
            check(nsock.Stdout.Text);
        }
    }

    [Fact]
    public async Task Echo_replies_come_from_the_bound_port()
    {
        await using var nsock = RunningProcess.Nsock("udp-recv", "-v", "--echo", "127.0.0.1", "0");
        var port = await nsock.WaitForListeningPortAsync();
        using var peer = new UdpPeer();

        await peer.SendToAsync("ping\0"u8.ToArray(), port);
        var (reply, from) = await peer.ReceiveAsync();

        Assert.Equal("ping\0"u8.ToArray(), reply);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), from);
        await nsock.Stdout.WaitForTextAsync("ping\0", RunningProcess.DefaultWait);
    }

    [Fact]
    public async Task Echo_stamp_prefixes_each_reply_with_ctime()
    {
        await using var nsock = RunningProcess.Nsock("udp-recv", "-v", "--echo", "--stamp", "::1", "0");
        var port = await nsock.WaitForListeningPortAsync();
        using var peer = new UdpPeer(IPAddress.IPv6Loopback);

        await peer.SendToAsync("hi"u8.ToArray(), port);

        Assert.Matches(@"^\[\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\] hi$", Encoding.ASCII.GetString((await peer.ReceiveAsync()).Data));
    }

    [Fact]
    public async Task Reply_sends_stdin_to_the_sender_that_spoke_last()
    {
        await using var nsock = RunningProcess.Nsock("udp-recv", "-v", "--reply", "127.0.0.1", "0");
        var port = await nsock.WaitForListeningPortAsync();
        using var first = new UdpPeer();
        using var second = new UdpPeer();

        await first.SendToAsync("first"u8.ToArray(), port);
        await nsock.Stdout.WaitForTextAsync("first", RunningProcess.DefaultWait);
        await nsock.WriteStdinAsync("to first");
        Assert.Equal("to first", Encoding.ASCII.GetString((await first.ReceiveAsync()).Data));

        await second.SendToAsync("second"u8.ToArray(), port);
        await nsock.Stdout.WaitForTextAsync("firstsecond", RunningProcess.DefaultWait);
        await nsock.WriteStdinAsync("to second");
        var (data, from) = await second.ReceiveAsync();
        Assert.Equal("to second", Encoding.ASCII.GetString(data));
        Assert.Equal(port, from.Port);
        Assert.True(first.NothingWithin(TimeSpan.FromMilliseconds(200)));

        // stdin EOF ends only the replies: the receiver goes on.
        await nsock.CloseStdinAsync();
        await first.SendToAsync("still"u8.ToArray(), port);
        await nsock.Stdout.WaitForTextAsync("still", RunningProcess.DefaultWait);
        Assert.False(nsock.HasExited);
    }

    [Fact]
    public async Task Send_and_recv_talk_to_each_other()
    {
        await using var receiver = RunningProcess.Nsock("udp-recv", "-v", "--echo", "0");
        var port = await receiver.WaitForListeningPortAsync();

        await using var sender = RunningProcess.Nsock("udp-send", "--wait", "5", "-c", "2", "::1", port.ToString(), "x", "yz");

        await sender.AssertExitCodeAsync(0);
        Assert.Equal("xyz", sender.Stdout.Text);
        Assert.Equal("xyz", receiver.Stdout.Text);
    }

    [Fact]
    public async Task Broadcast_needs_the_flag_and_then_reaches_a_receiver()
    {
        await using var receiver = RunningProcess.Nsock("udp-recv", "-4", "-v", "-c", "1", "0");
        var port = (await receiver.WaitForListeningPortAsync()).ToString();

        await using (var refused = RunningProcess.Nsock("udp-send", "127.255.255.255", port, "no flag"))
        {
            await refused.AssertExitCodeAsync(5);
            Assert.Contains("needs --broadcast", refused.Stderr);
        }

        await using var sender = RunningProcess.Nsock("udp-send", "--broadcast", "--ttl", "1", "127.255.255.255", port, "to everyone");
        await sender.AssertExitCodeAsync(0);
        await receiver.AssertExitCodeAsync(0);
        Assert.Equal("to everyone", receiver.Stdout.Text);
    }

    [Fact]
    public async Task Source_option_sets_the_address_and_port_datagrams_come_from()
    {
        using var peer = new UdpPeer();
        int sourcePort;
        using (var probe = new UdpPeer())
        {
            sourcePort = probe.Port; // free now; nsock binds it next
        }

        await using var nsock = RunningProcess.Nsock("udp-send", "-s", $"127.0.0.1:{sourcePort}", "127.0.0.1", peer.Port.ToString(), "from a fixed port");

        await nsock.AssertExitCodeAsync(0);
        var (data, from) = await peer.ReceiveAsync();
        Assert.Equal("from a fixed port", Encoding.ASCII.GetString(data));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, sourcePort), from);
    }
}
