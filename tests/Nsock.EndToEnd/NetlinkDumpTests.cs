using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Nsock.EndToEnd;

/// <summary>
/// <c>nsock netlink ... --dump</c> against the machine's own kernel: the links and addresses
/// match what <c>ip -j</c> says, field by field; sockets the test opened are listed as
/// <c>ss</c> would; the generic families include nlctrl.
/// </summary>
public sealed class NetlinkDumpTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    // Every test runs nsock netlink.
    public NetlinkDumpTests() => ToolPlatform.Needs(Need.Netlink);

    private static async Task<RunningProcess> DumpAsync(params string[] args)
    {
        var nsock = RunningProcess.Nsock(["netlink", .. args]);
        await nsock.CloseStdinAsync();
        await nsock.AssertExitCodeAsync(0, Wait);
        ErrorLine.AssertNone(nsock);
        return nsock;
    }

    private static List<JsonElement> JsonLines(RunningProcess nsock) =>
        [.. nsock.Stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];

    private static async Task<JsonElement> IpJsonAsync(string args)
    {
        using var ip = Process.Start(new ProcessStartInfo("ip", args) { RedirectStandardOutput = true })!;
        using var timeout = new CancellationTokenSource(Wait);
        var text = await ip.StandardOutput.ReadToEndAsync(timeout.Token);
        await ip.WaitForExitAsync(timeout.Token);
        return JsonDocument.Parse(text).RootElement;
    }

    private static string Field(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ToString() : "(absent)";

    [Fact]
    public async Task Links_as_lines_show_lo_with_its_flags_and_mtu()
    {
        await using var nsock = await DumpAsync("route", "--dump", "links");

        var lo = Assert.Single(nsock.Stdout.Text.Split('\n'), l => l.StartsWith("1: lo", StringComparison.Ordinal));
        Assert.Contains("LOOPBACK", lo);
        Assert.Contains("mtu 65536", lo);
    }

    [Fact]
    public async Task Links_as_json_match_ip_j_link_field_by_field()
    {
        await using var nsock = await DumpAsync("route", "--dump", "links", "--format", "json");
        var ours = JsonLines(nsock);
        var theirs = (await IpJsonAsync("-j link")).EnumerateArray().ToList();

        Assert.Equal(theirs.Select(l => Field(l, "ifindex")), ours.Select(l => Field(l, "ifindex")));
        foreach (var (mine, ip) in ours.Zip(theirs))
        {
            foreach (var name in new[] { "ifname", "mtu", "flags", "operstate", "link_type", "address" })
            {
                Assert.True(Field(ip, name) == Field(mine, name), $"{Field(ip, "ifname")}.{name}: ip says {Field(ip, name)}, nsock {Field(mine, name)}");
            }
        }
    }

    [Fact]
    public async Task Addresses_as_lines_show_the_loopback_addresses()
    {
        await using var nsock = await DumpAsync("route", "--dump", "addrs");

        var lines = nsock.Stdout.Text.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("1: lo", StringComparison.Ordinal) && l.Contains("inet 127.0.0.1/8") && l.Contains("scope host"));
        Assert.Contains(lines, l => l.StartsWith("1: lo", StringComparison.Ordinal) && l.Contains("inet6 ::1/128"));
    }

    [Fact]
    public async Task Addresses_as_json_match_ip_j_addr_field_by_field()
    {
        await using var nsock = await DumpAsync("route", "--dump", "addrs", "--format", "json");
        var ours = JsonLines(nsock);
        var theirs = (await IpJsonAsync("-j addr")).EnumerateArray()
            .SelectMany(link => link.GetProperty("addr_info").EnumerateArray().Select(a => (Index: Field(link, "ifindex"), Name: Field(link, "ifname"), Address: a)))
            .ToList();

        // ip groups addresses by link; the kernel's dump (and nsock) lists IPv4 before IPv6.
        Assert.Equal(theirs.Count, ours.Count);
        foreach (var (index, name, ip) in theirs)
        {
            var mine = Assert.Single(ours, r => Field(r, "ifindex") == index && Field(r, "local") == Field(ip, "local") && Field(r, "prefixlen") == Field(ip, "prefixlen"));
            Assert.Equal(name, Field(mine, "ifname"));
            foreach (var field in new[] { "family", "scope", "label", "valid_life_time", "preferred_life_time" })
            {
                Assert.True(Field(ip, field) == Field(mine, field), $"{name} {Field(ip, "local")}.{field}: ip says {Field(ip, field)}, nsock {Field(mine, field)}");
            }
        }
    }

    [Theory]
    [InlineData("-4", "inet")]
    [InlineData("-6", "inet6")]
    public async Task A_family_option_keeps_addresses_of_that_family(string option, string family)
    {
        await using var nsock = await DumpAsync("route", "--dump", "addrs", option, "--format", "json");

        var records = JsonLines(nsock);
        Assert.NotEmpty(records);
        Assert.All(records, r => Assert.Equal(family, Field(r, "family")));
    }

    [Theory]
    [InlineData("-4")]
    [InlineData("-6")]
    public async Task A_family_option_keeps_routes_of_that_family_as_ip_lists_them(string option)
    {
        await using var nsock = await DumpAsync("route", "--dump", "routes", option, "--format", "json");

        var ours = JsonLines(nsock);
        var ip = (await IpJsonAsync($"{option} -j route show table all")).EnumerateArray().ToList(); // nsock dumps every table
        string Route(JsonElement r) => string.Join(' ', new[] { "type", "dst", "gateway", "dev", "table", "protocol", "scope", "metric" }
            .Select(f => r.TryGetProperty(f, out var v) ? $"{f}={v.GetRawText()}" : ""));
        Assert.Equal(ip.Select(Route).Order(), ours.Select(Route).Order());
    }

    [Theory]
    [InlineData("routes")]
    [InlineData("neighbors")]
    [InlineData("rules")]
    public async Task Every_route_table_dumps_as_valid_json_lines(string table)
    {
        await using var nsock = await DumpAsync("route", "--dump", table, "--format", "json");

        var records = JsonLines(nsock);
        Assert.All(records, r => Assert.Equal(JsonValueKind.Object, r.ValueKind));
        if (table != "neighbors")
        {
            Assert.NotEmpty(records); // every machine has local routes and the default rules
        }
    }

    [Fact]
    public async Task A_tcp_listener_the_test_opened_is_listed_with_its_port()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(17);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        await using var lines = await DumpAsync("sock-diag", "--dump", "tcp", "--listening");
        await using var json = await DumpAsync("sock-diag", "--dump", "tcp", "--listening", "--format", "json");

        var line = Assert.Single(lines.Stdout.Text.Split('\n'), l => l.Contains($"127.0.0.1:{port} "));
        Assert.Contains("LISTEN", line);
        var record = Assert.Single(JsonLines(json), r => Field(r, "local_port") == port.ToString());
        Assert.Equal("LISTEN", Field(record, "state"));
        Assert.Equal("127.0.0.1", Field(record, "local"));
        Assert.Equal("17", Field(record, "send_q")); // a listener's backlog, as ss shows it
    }

    [Fact]
    public async Task Unix_sockets_are_listed_by_path_and_by_abstract_name()
    {
        var dir = Directory.CreateTempSubdirectory("nsock-diag-");
        try
        {
            var path = Path.Combine(dir.FullName, "app.sock");
            var name = "nsock-diag-" + Guid.NewGuid().ToString("N");
            using var byPath = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            byPath.Bind(new UnixDomainSocketEndPoint(path));
            byPath.Listen();
            using var abstractOne = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            abstractOne.Bind(new UnixDomainSocketEndPoint("\0" + name));
            abstractOne.Listen();

            await using var nsock = await DumpAsync("sock-diag", "--dump", "unix");
            await using var json = await DumpAsync("sock-diag", "--dump", "unix", "--listening", "--format", "json");

            Assert.Contains(nsock.Stdout.Text.Split('\n'), l => l.Contains(path) && l.Contains("LISTEN"));
            Assert.Contains(nsock.Stdout.Text.Split('\n'), l => l.Contains("@" + name) && l.Contains("LISTEN"));
            var locals = JsonLines(json).Select(r => Field(r, "local")).ToList();
            Assert.Contains(path, locals);
            Assert.Contains("@" + name, locals);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_hostile_socket_path_is_one_escaped_line_and_exact_in_json()
    {
        // Another program's socket name is not nsock's to trust: a newline and a terminal escape.
        var dir = Directory.CreateTempSubdirectory("nsock-diag-");
        try
        {
            var path = Path.Combine(dir.FullName, "a\nb\u001b[2J.sock");
            using var hostile = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            hostile.Bind(new UnixDomainSocketEndPoint(path));
            hostile.Listen();

            await using var nsock = await DumpAsync("sock-diag", "--dump", "unix", "--listening");
            await using var json = await DumpAsync("sock-diag", "--dump", "unix", "--listening", "--format", "json");

            var text = nsock.Stdout.Text;
            Assert.DoesNotContain('\u001b', text);
            var escaped = Path.Combine(dir.FullName, "a\\x0ab\\x1b[2J.sock");
            Assert.Single(text.Split('\n'), l => l.Contains(escaped) && l.Contains("LISTEN"));
            Assert.Contains(path, JsonLines(json).Select(r => Field(r, "local")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_generic_families_include_nlctrl_with_its_group()
    {
        await using var all = await DumpAsync("generic", "--dump", "families");
        await using var one = await DumpAsync("generic", "--dump", "families", "--family", "nlctrl", "--format", "json");

        Assert.Contains(all.Stdout.Text.Split('\n'), l => l.StartsWith("nlctrl ", StringComparison.Ordinal) && l.Contains("id 16"));
        var record = Assert.Single(JsonLines(one));
        Assert.Equal("nlctrl", Field(record, "name"));
        Assert.Equal("16", Field(record, "id"));
        Assert.Contains("notify", Field(record, "groups"));
    }

    [Fact]
    public async Task An_unknown_generic_family_is_exit_1_naming_it()
    {
        await using var nsock = RunningProcess.Nsock("netlink", "generic", "--dump", "families", "--family", "no-such-family");
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(1, Wait);
        Assert.Equal("nsock: netlink generic: no family named 'no-such-family'", ErrorLine.AssertSole(nsock, "no-such-family"));
    }

    [Fact]
    public async Task A_reader_that_leaves_early_ends_the_dump_quietly()
    {
        await using var nsock = RunningProcess.Start("bash", ["-c", "set -o pipefail; \"$0\" netlink route --dump routes --format json | head -c 1 >/dev/null", NsockTool.Path]);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(0, Wait);
        Assert.Empty(nsock.StderrLines);
    }
}
