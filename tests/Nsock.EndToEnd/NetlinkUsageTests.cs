namespace Nsock.EndToEnd;

/// <summary>
/// <c>nsock netlink</c>'s command line: every mode takes its own options, and anything else is a
/// usage error (exit 2) naming the word at fault, before a socket is opened.
/// </summary>
public sealed class NetlinkUsageTests
{
    // Every test runs nsock netlink.
    public NetlinkUsageTests() => ToolPlatform.Needs(Need.Netlink);

    [Theory]
    [InlineData("netlink", "netlink", "route")]
    [InlineData("--dump", "netlink", "route", "--dump", "bogus")]
    [InlineData("--dump", "netlink", "sock-diag", "--dump", "sctp")]
    [InlineData("--dump", "netlink", "generic", "--dump", "links")]
    [InlineData("--dump", "netlink", "uevent", "--dump", "links")]
    [InlineData("--dump", "netlink", "netfilter", "--dump", "links")]
    [InlineData("--count", "netlink", "route", "--dump", "links", "-c", "3")]
    [InlineData("--resync", "netlink", "route", "--dump", "links", "--resync")]
    [InlineData("--resync", "netlink", "uevent", "--monitor", "--resync")]
    [InlineData("--subsystem", "netlink", "route", "--monitor", "--subsystem", "net")]
    [InlineData("--listening", "netlink", "route", "--dump", "links", "--listening")]
    [InlineData("--family", "netlink", "route", "--dump", "links", "--family", "nlctrl")]
    [InlineData("--fill", "netlink", "route", "--dump", "links", "--fill")]
    [InlineData("--groups", "netlink", "route", "--monitor", "--groups", "1")]
    [InlineData("--format", "netlink", "route", "--raw", "--format", "json")]
    [InlineData("-4", "netlink", "route", "--dump", "links", "-4")]
    [InlineData("-6", "netlink", "sock-diag", "--dump", "unix", "-6")]
    [InlineData("--ipv4", "netlink", "uevent", "--monitor", "-4")]
    [InlineData("-4/-6", "netlink", "route", "--dump", "addrs", "-4", "-6")]
    [InlineData("bogus", "netlink", "route", "--monitor", "links,bogus")]
    [InlineData("bogus", "netlink", "bogus", "--raw")]
    [InlineData("32", "netlink", "32", "--raw")]
    [InlineData("links", "netlink", "route", "--dump", "addrs", "links")]
    [InlineData("links", "netlink", "route", "--raw", "links")]
    [InlineData("--monitor", "netlink", "sock-diag", "--monitor")]
    [InlineData("--rcvbuf", "netlink", "route", "--monitor", "--rcvbuf", "0")]
    [InlineData("extra", "netlink", "route", "--monitor", "links", "extra")]
    public async Task A_word_that_does_not_fit_the_mode_is_a_usage_error_naming_it(string names, params string[] args)
    {
        await using var nsock = RunningProcess.Nsock(args);
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(2);
        ErrorLine.AssertSole(nsock, names, usage: true);
    }

    [Fact]
    public async Task Help_describes_every_mode_on_stdout()
    {
        await using var nsock = RunningProcess.Nsock("netlink", "--help");

        await nsock.AssertExitCodeAsync(0);
        foreach (var word in new[] { "--dump", "--monitor", "--raw", "--resync", "--rcvbuf", "--fill", "--groups", "--subsystem", "--listening", "sock-diag", "uevent", "generic" })
        {
            Assert.Contains(word, nsock.Stdout.Text);
        }
    }

    [Fact]
    public async Task A_protocol_the_kernel_lacks_is_a_local_resource_error()
    {
        // Protocol 1 (NETLINK_UNUSED) has never been implemented.
        await using var nsock = RunningProcess.Nsock("netlink", "1", "--raw");
        await nsock.CloseStdinAsync();

        await nsock.AssertExitCodeAsync(5);
        Assert.Contains("not supported", ErrorLine.AssertSole(nsock, "netlink"));
    }
}
