using System.Diagnostics;
using System.Text.Json;

namespace Nsock.EndToEnd;

/// <summary>
/// <c>nsock netlink route --monitor</c> and <c>uevent --monitor</c>: events made by the test in a
/// namespace of nsock's own, seen as they happen, in order, stamped and named; the readiness line
/// before the first event; overruns reported and survived.
/// </summary>
public sealed class NetlinkMonitorTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    // Every test runs nsock netlink.
    public NetlinkMonitorTests() => ToolPlatform.Needs(Need.Netlink);

    private static List<JsonElement> Records(RunningProcess nsock) =>
        [.. nsock.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];

    private static string? Text(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [Fact]
    public async Task Two_events_of_a_veth_pair_end_the_monitor_with_c_2_after_the_readiness_line()
    {
        await using var nsock = NetlinkNamespace.StartNsock("netlink", "route", "--monitor", "links,addrs", "-c", "2", "--format", "json", "-v");
        await nsock.WaitForStderrAsync("^listening on netlink route \\(links,addrs\\)$", Wait);

        await NetlinkNamespace.IpAsync(nsock, "link add v0 type veth peer name v1");

        await nsock.AssertExitCodeAsync(0, Wait);
        var records = Records(nsock);
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal("+link", Text(r, "event")));
        Assert.Equal(["v0", "v1"], records.Select(r => Text(r, "ifname")).Order());
        Assert.All(records, r => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", Text(r, "time")));
    }

    [Fact]
    public async Task A_bridge_its_address_and_its_deletion_are_seen_in_order_as_lines()
    {
        await using var nsock = NetlinkNamespace.StartNsock("netlink", "route", "--monitor", "links,addrs", "-v");
        await nsock.WaitForStderrAsync("^listening on netlink route", Wait);

        await NetlinkNamespace.IpAsync(nsock, "link add br7 type bridge");
        await NetlinkNamespace.IpAsync(nsock, "addr add 10.9.8.7/24 dev br7");
        await NetlinkNamespace.IpAsync(nsock, "link del br7");
        await nsock.Stdout.WaitForAsync(bytes => System.Text.Encoding.UTF8.GetString(bytes).Contains(" -link "), Wait, "the -link event");

        var lines = nsock.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var added = Array.FindIndex(lines, l => l.Contains(" +link ") && l.Contains("br7"));
        var address = Array.FindIndex(lines, l => l.Contains(" +addr ") && l.Contains("10.9.8.7/24") && l.Contains("br7"));
        var removed = Array.FindIndex(lines, l => l.Contains(" -link ") && l.Contains("br7"));
        Assert.True(added >= 0 && added < address && address < removed, "expected +link, +addr, -link of br7 in that order:\n" + string.Join("\n", lines));
        Assert.All(lines, l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [+-](link|addr) ", l));
    }

    [Fact]
    public async Task The_family_filter_keeps_only_ipv6_addresses()
    {
        await using var nsock = NetlinkNamespace.StartNsock("netlink", "route", "--monitor", "addrs", "-6", "-c", "1", "--format", "json", "-v");
        await nsock.WaitForStderrAsync("^listening on", Wait);

        await NetlinkNamespace.IpAsync(nsock, "link add br6 type bridge");
        await NetlinkNamespace.IpAsync(nsock, "addr add 10.6.6.6/24 dev br6");
        await NetlinkNamespace.IpAsync(nsock, "addr add fd00:6::6/64 dev br6 nodad");

        await nsock.AssertExitCodeAsync(0, Wait);
        var record = Assert.Single(Records(nsock));
        Assert.Equal("+addr", Text(record, "event"));
        Assert.Equal("inet6", Text(record, "family"));
        Assert.Equal("fd00:6::6", Text(record, "local"));
        Assert.Equal("br6", Text(record, "ifname"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_overrun_is_reported_and_events_keep_coming(bool resync)
    {
        string[] args = ["netlink", "route", "--monitor", "addrs", "-4", "--rcvbuf", "2048", "--format", "json", "-v"];
        await using var nsock = NetlinkNamespace.StartNsock(resync ? [.. args, "--resync"] : args);
        await nsock.WaitForStderrAsync("^listening on", Wait);
        await NetlinkNamespace.IpAsync(nsock, "link add br9 type bridge");

        // Stopped, nsock cannot read: a burst of a few hundred address changes overflows its buffer.
        nsock.Signal(19); // SIGSTOP
        try
        {
            var burst = string.Concat(Enumerable.Range(0, 300).Select(i => $"addr add 10.77.{i / 250}.{1 + (i % 250)}/32 dev br9\n"));
            await NetlinkNamespace.IpAsync(nsock, "-batch -", burst);
        }
        finally
        {
            nsock.Signal(18); // SIGCONT
        }

        await nsock.Stdout.WaitForAsync(bytes => System.Text.Encoding.UTF8.GetString(bytes).Contains("\"overrun\""), Wait, "the overrun record");
        if (resync)
        {
            await nsock.Stdout.WaitForAsync(bytes => System.Text.Encoding.UTF8.GetString(bytes).Contains("\"synced\""), Wait, "the synced record");
        }

        // Until nsock has emptied its queue, the kernel keeps dropping events (under the same
        // overrun): without --resync, the first address made after the record may be lost, so
        // addresses are made until one is seen. --resync empties the queue before its dump.
        string? seen = null;
        for (var i = 1; seen is null && i <= 20; i++)
        {
            var address = $"10.88.0.{i}";
            await NetlinkNamespace.IpAsync(nsock, $"addr add {address}/32 dev br9");
            try
            {
                await nsock.Stdout.WaitForAsync(bytes => System.Text.Encoding.UTF8.GetString(bytes).Contains($"\"{address}\""), TimeSpan.FromSeconds(1), "an event after the overrun");
                seen = address;
            }
            catch (TimeoutException) when (!resync)
            {
            }
        }

        Assert.NotNull(seen);
        var records = Records(nsock);
        var overrun = records.FindIndex(r => Text(r, "event") == "overrun");
        var after = records.FindIndex(r => Text(r, "event") == "+addr" && Text(r, "local") == seen);
        Assert.True(overrun >= 0 && after > overrun);
        if (resync)
        {
            // The re-dump holds every address the burst made, whatever the events lost.
            var synced = records.FindIndex(r => Text(r, "event") == "synced");
            var dumped = records.Skip(overrun).Take(synced - overrun).Where(r => Text(r, "event") == "=addr").Select(r => Text(r, "local")).ToHashSet();
            Assert.True(synced > overrun && after > synced);
            Assert.Equal(300, dumped.Count(a => a!.StartsWith("10.77.", StringComparison.Ordinal)));
        }
    }

    [Theory]
    [InlineData(Signals.SigTerm, 143, "route")]
    [InlineData(Signals.SigInt, 130, "route")]
    [InlineData(Signals.SigTerm, 143, "uevent")]
    public async Task A_signal_ends_a_monitor_promptly_with_its_code(int signal, int expectedCode, string protocol)
    {
        string[] args = ["netlink", protocol, "--monitor", "-v"];
        await using var nsock = signal == Signals.SigInt ? RunningProcess.NsockInterruptible(args) : RunningProcess.Nsock(args);
        await nsock.WaitForStderrAsync("^listening on netlink", Wait);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        nsock.Signal(signal);
        var code = await nsock.WaitForExitAsync(Wait);

        Assert.Equal(expectedCode, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed.TotalSeconds:0.00} s to end after signal {signal}");
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    [Fact]
    public async Task A_quiet_monitor_ends_after_the_idle_time_with_exit_4()
    {
        await using var nsock = NetlinkNamespace.StartNsock("netlink", "route", "--monitor", "-i", "0.5");

        await nsock.AssertExitCodeAsync(4, Wait);
        Assert.Contains("idle", ErrorLine.AssertSole(nsock, "netlink"));
    }

    [Fact]
    public async Task Events_the_monitor_does_not_print_do_not_keep_it_from_being_idle()
    {
        // A route monitor also hears link events (to keep interface names current); an
        // addrs monitor prints none of them, so they must not count as activity for -i.
        await using var nsock = NetlinkNamespace.StartNsock("netlink", "route", "--monitor", "addrs", "-4", "-i", "1", "-v");
        await nsock.WaitForStderrAsync("^listening on netlink route \\(addrs\\)$", Wait);
        await NetlinkNamespace.IpAsync(nsock, "link add br9 type bridge");

        var churn = Stopwatch.StartNew();
        var changes = 0;
        while (!nsock.HasExited && churn.Elapsed < TimeSpan.FromSeconds(10))
        {
            await NetlinkNamespace.IpAsync(nsock, $"link set br9 mtu {1400 + (changes++ % 2)}", ignoreFailure: true);
        }

        Assert.True(nsock.HasExited, $"still running after {changes} link changes in {churn.Elapsed.TotalSeconds:0.0} s, with -i 1 and nothing printed");
        await nsock.AssertExitCodeAsync(4, Wait);
        Assert.Equal(["listening on netlink route (addrs)", "nsock: netlink route: idle for 1 s"], nsock.StderrLines);
        Assert.Equal(0, nsock.Stdout.Length);
        Assert.True(changes > 10, $"only {changes} link changes were made while the monitor ran");
    }

    [Fact]
    public async Task A_hostile_interface_name_is_escaped_in_the_line_and_exact_in_json()
    {
        // Linux allows any byte but '/', ':' and spaces in an interface name: here a terminal escape.
        await using var lines = NetlinkNamespace.StartNsock("netlink", "route", "--monitor", "links", "-c", "1", "-v");
        await lines.WaitForStderrAsync("^listening on", Wait);
        await using var json = NetlinkNamespace.StartNsock("netlink", "route", "--monitor", "links", "-c", "1", "--format", "json", "-v");
        await json.WaitForStderrAsync("^listening on", Wait);

        await NetlinkNamespace.IpAsync(lines, "link add \"$(printf 'b\\033]0;x\\007')\" type bridge");
        await NetlinkNamespace.IpAsync(json, "link add \"$(printf 'b\\033]0;x\\007')\" type bridge");

        await lines.AssertExitCodeAsync(0, Wait);
        await json.AssertExitCodeAsync(0, Wait);
        var line = Assert.Single(lines.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(@": b\x1b]0;x\x07: <", line);
        Assert.DoesNotContain('\u001b', line);
        Assert.Equal("b\u001b]0;x\u0007", Text(Assert.Single(Records(json)), "ifname"));
    }

    [Fact]
    public async Task Uevents_of_a_new_network_device_are_seen_filtered_by_subsystem()
    {
        await using var nsock = NetlinkNamespace.StartNsock("netlink", "uevent", "--monitor", "--subsystem", "net", "-c", "1", "--format", "json", "-v");
        await nsock.WaitForStderrAsync("^listening on netlink uevent$", Wait);

        await NetlinkNamespace.IpAsync(nsock, "link add br5 type bridge");

        await nsock.AssertExitCodeAsync(0, Wait);
        var record = Assert.Single(Records(nsock));
        Assert.Equal("add", Text(record, "ACTION"));
        Assert.Equal("net", Text(record, "SUBSYSTEM"));
        Assert.Equal("br5", Text(record, "INTERFACE"));
        Assert.EndsWith("/net/br5", Text(record, "DEVPATH"));
    }
}
