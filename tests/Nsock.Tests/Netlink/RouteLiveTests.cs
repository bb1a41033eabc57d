using System.Diagnostics;
using System.Text.Json;
using Nsock.Netlink;

namespace Nsock.Tests.Netlink;

/// <summary>
/// Dumps from this machine's kernel, decoded, and compared with what <c>ip -j</c> says about the
/// same objects (where iproute2 is installed). Each is bounded by a timeout.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // netlink is Linux\'s
public sealed class RouteLiveTests
{
    private static async Task<List<NetlinkMessage>> DumpAsync(RouteTable table, CancellationToken ct)
    {
        using var channel = Nsock.Endpoints.Netlink.Open(NetlinkProtocol.Route, []);
        await channel.SendAsync(RouteMessages.DumpRequest(table, 0, 1), null, ct);
        var messages = new List<NetlinkMessage>();
        while (true)
        {
            foreach (var message in NetlinkMessage.Split(await channel.ReceiveAsync(ct), out var problem))
            {
                Assert.Null(problem);
                Assert.False(message.IsError, $"the kernel refused the dump: errno {message.ErrorCode}");
                if (message.IsDone)
                {
                    return messages;
                }

                messages.Add(message);
            }
        }
    }

    private static async Task<(List<NetlinkRecord> Links, Dictionary<int, string> Names)> LinksAsync(CancellationToken ct)
    {
        var messages = await DumpAsync(RouteTable.Links, ct);
        var names = messages.Select(m => RouteMessages.Decode(m, _ => null)!).ToDictionary(l => (int)(long)l.Fields["ifindex"]!, l => (string)l.Fields["ifname"]!);
        // Decoded again knowing every name, so a bridge port's master is named as ip names it.
        var links = messages.Select(m => RouteMessages.Decode(m, i => names.GetValueOrDefault(i))!).ToList();
        return (links, names);
    }

    private static CancellationTokenSource Timeout()
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(10));
        return cts;
    }

    private static JsonElement Ip(string arguments)
    {
        Assert.SkipUnless(File.Exists("/usr/sbin/ip") || File.Exists("/sbin/ip") || File.Exists("/usr/bin/ip"), "iproute2's ip is not installed");
        using var ip = Process.Start(new ProcessStartInfo("ip", arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = ip.StandardOutput.ReadToEnd();
        Assert.True(ip.WaitForExit(10_000), "ip did not finish");
        Assert.Equal(0, ip.ExitCode);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    [Fact]
    public async Task A_link_dump_of_this_machine_has_lo()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "netlink is Linux only");
        using var cts = Timeout();
        var (links, _) = await LinksAsync(cts.Token);
        var lo = Assert.Single(links, l => (string?)l.Fields["ifname"] == "lo");
        Assert.Equal("link", lo.Kind);
        Assert.Contains("LOOPBACK", (IReadOnlyList<string>)lo.Fields["flags"]!);
        Assert.Equal(65536L, lo.Fields["mtu"]);
        Assert.Equal("loopback", lo.Fields["link_type"]);
        Assert.Matches(@"^\d+: lo: <LOOPBACK[A-Z_,]*> mtu 65536 ", lo.Line);
    }

    [Fact]
    public async Task Links_match_ip_j_link_field_by_field()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "netlink is Linux only");
        using var cts = Timeout();
        var (links, _) = await LinksAsync(cts.Token);
        var expected = Ip("-j link").EnumerateArray().ToList();
        Assert.Equal(expected.Count, links.Count);
        foreach (var ip in expected)
        {
            var ours = JsonDocument.Parse(links.Single(l => (long)l.Fields["ifindex"]! == ip.GetProperty("ifindex").GetInt64()).ToJson()).RootElement;
            foreach (var field in new[] { "ifindex", "ifname", "flags", "mtu", "qdisc", "operstate", "link_type", "address", "broadcast", "master", "txqlen", "group" })
            {
                Assert.Equal(ip.TryGetProperty(field, out var want) ? want.GetRawText() : null, ours.TryGetProperty(field, out var got) ? got.GetRawText() : null);
            }
        }
    }

    [Fact]
    public async Task Addresses_match_ip_j_addr_field_by_field()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "netlink is Linux only");
        using var cts = Timeout();
        var (_, names) = await LinksAsync(cts.Token);
        var ours = (await DumpAsync(RouteTable.Addrs, cts.Token))
            .Select(m => JsonDocument.Parse(RouteMessages.Decode(m, i => names.GetValueOrDefault(i))!.ToJson()).RootElement)
            .ToList();
        var expected = Ip("-j addr").EnumerateArray()
            .SelectMany(link => link.GetProperty("addr_info").EnumerateArray().Select(a => (Link: link, Address: a)))
            .ToList();
        Assert.Equal(expected.Count, ours.Count);
        Assert.Contains(ours, a => a.GetProperty("ifname").GetString() == "lo" && a.GetProperty("local").GetString() == "127.0.0.1" && a.GetProperty("prefixlen").GetInt32() == 8);
        foreach (var (link, address) in expected)
        {
            var match = ours.Single(a => a.GetProperty("ifindex").GetInt64() == link.GetProperty("ifindex").GetInt64()
                && a.GetProperty("local").GetString() == address.GetProperty("local").GetString());
            Assert.Equal(link.GetProperty("ifname").GetString(), match.GetProperty("ifname").GetString());
            foreach (var field in new[] { "family", "prefixlen", "scope", "label", "broadcast", "address", "valid_life_time", "nodad", "dynamic" })
            {
                Assert.Equal(address.TryGetProperty(field, out var want) ? want.GetRawText() : null, match.TryGetProperty(field, out var got) ? got.GetRawText() : null);
            }
        }
    }

    [Fact]
    public async Task Every_table_of_this_machine_decodes()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "netlink is Linux only");
        using var cts = Timeout();
        var (_, names) = await LinksAsync(cts.Token);
        foreach (var table in Enum.GetValues<RouteTable>())
        {
            var messages = await DumpAsync(table, cts.Token);
            Assert.All(messages, m => Assert.Equal(table, RouteMessages.TableOf(m.Type)));
            Assert.All(messages, m => Assert.NotEmpty(RouteMessages.Decode(m, i => names.GetValueOrDefault(i))!.Line));
        }
    }
}
