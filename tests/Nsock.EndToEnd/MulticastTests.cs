using System.Text.RegularExpressions;

namespace Nsock.EndToEnd;

/// <summary>
/// udp-send to a multicast group reaches every udp-recv that joined it. IPv4 runs on the
/// loopback interface; IPv6, which lo cannot carry here, runs inside a private network
/// namespace on a veth pair (root only). Nothing leaves loopback or that namespace. Each test
/// picks a random group so concurrent runs do not hear each other.
/// </summary>
public sealed class MulticastTests
{
    private static readonly TimeSpan Wait = UdpPeers.Wait;

    /// <summary>Brings up lo and a veth pair v0/v1 (no duplicate address detection), then execs "$@".</summary>
    private const string NetnsSetup =
        "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 " +
        "&& ip link set lo up && ip link add v0 type veth peer name v1 && ip link set v0 up && ip link set v1 up " +
        "&& exec \"$@\"";

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("lo")]
    public async Task IPv4_group_datagram_reaches_the_receiver_that_joined_it(string nic)
    {
        var group = RandomV4Group();
        await using var receiver = RunningProcess.Nsock("udp-recv", "-v", "--group", group, "--interface", nic, "-c", "1", "0");
        var port = await WaitForGroupListeningAsync(receiver, group);

        await using var sender = RunningProcess.Nsock("udp-send", "--interface", nic, group, port.ToString(), "hello group");
        await sender.CloseStdinAsync();

        await sender.AssertExitCodeAsync(0, Wait);
        Assert.Empty(sender.StderrLines);
        var code = await receiver.WaitForExitAsync(Wait);
        Assert.True(code == 0, $"udp-recv exit {code}; stderr:\n{receiver.Stderr}");
        Assert.Equal("hello group", receiver.Stdout.Text);
    }

    [Fact]
    public async Task IPv4_group_datagram_reaches_two_receivers_on_the_same_port()
    {
        var group = RandomV4Group();
        await using var first = RunningProcess.Nsock("udp-recv", "-v", "--group", group, "--interface", "127.0.0.1", "-c", "1", "0");
        var port = await WaitForGroupListeningAsync(first, group);
        await using var second = RunningProcess.Nsock("udp-recv", "-v", "--group", group, "--interface", "127.0.0.1", "-c", "1", port.ToString());
        Assert.Equal(port, await WaitForGroupListeningAsync(second, group));

        await using var sender = RunningProcess.Nsock("udp-send", "--interface", "127.0.0.1", group, port.ToString(), "to both");
        await sender.CloseStdinAsync();

        await sender.AssertExitCodeAsync(0, Wait);
        foreach (var receiver in new[] { first, second })
        {
            var code = await receiver.WaitForExitAsync(Wait);
            Assert.True(code == 0, $"udp-recv exit {code}; stderr:\n{receiver.Stderr}");
            Assert.Equal("to both", receiver.Stdout.Text);
        }
    }

    [Fact]
    public async Task IPv4_group_datagrams_from_stdin_keep_their_boundaries()
    {
        var group = RandomV4Group();
        await using var receiver = RunningProcess.Nsock("udp-recv", "-v", "--format", "line", "--group", group, "--interface", "127.0.0.1", "-c", "2", "0");
        var port = await WaitForGroupListeningAsync(receiver, group);

        await using var sender = RunningProcess.Nsock("udp-send", "--lines", "--interface", "127.0.0.1", group, port.ToString());
        await sender.WriteStdinAsync("first\nsecond\n");
        await sender.CloseStdinAsync();

        await sender.AssertExitCodeAsync(0, Wait);
        var code = await receiver.WaitForExitAsync(Wait);
        Assert.True(code == 0, $"udp-recv exit {code}; stderr:\n{receiver.Stderr}");
        Assert.Matches(@"^127\.0\.0\.1:\d+ 6 first\\n\n127\.0\.0\.1:\d+ 7 second\\n\n$", receiver.Stdout.Text);
    }

    [Fact]
    public async Task Udp_send_wait_to_a_group_hears_a_members_echo_from_its_bound_port()
    {
        // Multicast senders stay unconnected: the reply comes from a unicast address, not the group.
        var group = RandomV4Group();
        await using var member = RunningProcess.Nsock("udp-recv", "-v", "--echo", "--group", group, "--interface", "127.0.0.1", "-c", "1", "0");
        var port = await WaitForGroupListeningAsync(member, group);

        await using var sender = RunningProcess.Nsock("udp-send", "--format", "line", "--wait", "15", "-c", "1", "--interface", "127.0.0.1", group, port.ToString(), "anyone?");
        await sender.CloseStdinAsync();

        var code = await sender.WaitForExitAsync(Wait);
        Assert.True(code == 0, $"udp-send exit {code}; stderr:\n{sender.Stderr}");
        Assert.Equal($"127.0.0.1:{port} 7 anyone?\n", sender.Stdout.Text);
        await member.AssertExitCodeAsync(0, Wait);
        Assert.Equal("anyone?", member.Stdout.Text);
    }

    /// <summary>
    /// With a HOST as well as --group, udp-recv must either hear the group on that socket or
    /// refuse at once (usage, exit 2, naming HOST): never bind, announce the group, and stay
    /// deaf to it. Binding the group address itself is the classic way to filter by group.
    /// </summary>
    [Theory]
    [InlineData("group")]
    [InlineData("0.0.0.0")]
    [InlineData("127.0.0.1")]
    [InlineData("::")]
    [InlineData("::1")]
    public async Task IPv4_group_with_a_bind_HOST_is_heard_or_refused_at_start(string host)
    {
        var group = RandomV4Group();
        var bind = host == "group" ? group : host;
        await using var receiver = RunningProcess.Nsock("udp-recv", "-v", "--group", group, "--interface", "127.0.0.1", "-c", "1", "-i", "3", bind, "0");
        int port;
        try
        {
            port = await WaitForGroupListeningAsync(receiver, group);
        }
        catch (InvalidOperationException) when (receiver.HasExited)
        {
            await receiver.AssertExitCodeAsync(2, Wait);
            ErrorLine.AssertSole(receiver, bind, usage: true);
            return;
        }

        await using var sender = RunningProcess.Nsock("udp-send", "--interface", "127.0.0.1", group, port.ToString(), "for the group");
        await sender.CloseStdinAsync();
        await sender.AssertExitCodeAsync(0, Wait);

        var code = await receiver.WaitForExitAsync(Wait);
        Assert.True(code == 0, $"udp-recv --group {group} {bind} 0 announced the group but did not receive the group's datagram (exit {code}); stderr:\n{receiver.Stderr}");
        Assert.Equal("for the group", receiver.Stdout.Text);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task IPv6_group_datagram_reaches_the_receivers_in_a_private_netns(int receivers)
    {
        ToolPlatform.Needs(Need.NetworkNamespace);
        if (!Posix.IsRoot)
        {
            Assert.Skip("IPv6 multicast needs a private network namespace with a veth pair (lo carries no IPv6 multicast here); creating one needs root");
        }

        var group = RandomV6Group();

        // The first receiver execs inside a fresh netns; everything else joins it by its pid.
        await using var first = RunningProcess.Start("unshare", ["-n", "bash", "-c", NetnsSetup, "bash", NsockTool.Path, "udp-recv", "-v", "--group", group, "--interface", "v0", "-c", "1", "0"]);
        var port = await WaitForGroupListeningAsync(first, group);
        var netns = $"--net=/proc/{first.ProcessId}/ns/net";

        var all = new List<RunningProcess> { first };
        try
        {
            for (var i = 1; i < receivers; i++)
            {
                var more = RunningProcess.Start("nsenter", [netns, NsockTool.Path, "udp-recv", "-v", "--group", group, "--interface", "v0", "-c", "1", port.ToString()]);
                all.Add(more);
                Assert.Equal(port, await WaitForGroupListeningAsync(more, group));
            }

            await using var sender = RunningProcess.Start("nsenter", [netns, NsockTool.Path, "udp-send", "--interface", "v0", group, port.ToString(), "hello v6 group"]);
            await sender.CloseStdinAsync();

            await sender.AssertExitCodeAsync(0, Wait);
            Assert.Empty(sender.StderrLines);
            foreach (var receiver in all)
            {
                var code = await receiver.WaitForExitAsync(Wait);
                Assert.True(code == 0, $"udp-recv exit {code}; stderr:\n{receiver.Stderr}");
                Assert.Equal("hello v6 group", receiver.Stdout.Text);
            }
        }
        finally
        {
            foreach (var process in all.Skip(1))
            {
                await process.DisposeAsync();
            }
        }
    }

    /// <summary>udp-recv -v with --group prints <c>listening on ADDR:PORT, group G</c>; returns PORT.</summary>
    private static async Task<int> WaitForGroupListeningAsync(RunningProcess receiver, string group)
    {
        var match = await receiver.WaitForStderrAsync($@"^listening on (.+):(\d+), group {Regex.Escape(group)}$", Wait);
        return int.Parse(match.Groups[2].Value);
    }

    /// <summary>An administratively scoped IPv4 group, 239.1-254.x.1-254.</summary>
    private static string RandomV4Group() =>
        $"239.{Random.Shared.Next(1, 255)}.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";

    /// <summary>A transient site-local IPv6 group, ff15::xxxx:xxxx.</summary>
    private static string RandomV6Group() =>
        $"ff15::{Random.Shared.Next(1, 0x10000):x}:{Random.Shared.Next(1, 0x10000):x}";
}
