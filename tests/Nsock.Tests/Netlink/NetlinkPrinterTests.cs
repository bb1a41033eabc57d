using Nsock.LocalEnds;
using Nsock.Netlink;

namespace Nsock.Tests.Netlink;

/// <summary>How a monitor's notices (overrun, synced) are printed in each format.</summary>
public sealed class NetlinkPrinterTests
{
    private static readonly DateTimeOffset Time = new(2026, 12, 3, 5, 0, 0, TimeSpan.Zero);

    private static async Task<string> NoticeAsync(DatagramFormat format)
    {
        var stdout = new CollectingSink();
        var printer = new NetlinkPrinter(stdout, format, NetlinkProtocol.Route);
        printer.AddNotice(Time, "overrun", "overrun: the kernel dropped events", new JsonFields().Add("rcvbuf", 4096L));
        await printer.FlushAsync(TestContext.Current.CancellationToken);
        return stdout.Text;
    }

    [Fact]
    public async Task A_notice_is_a_record_in_json_and_a_stamped_line_in_line_format()
    {
        Assert.Equal("{\"time\":\"2026-12-03T05:00:00.000Z\",\"event\":\"overrun\",\"rcvbuf\":4096}\n", await NoticeAsync(DatagramFormat.Json));
        Assert.Equal("2026-12-03T05:00:00.000Z overrun: the kernel dropped events\n", await NoticeAsync(DatagramFormat.Line));
    }

    [Fact]
    public async Task Raw_output_stays_netlink_messages_only() =>
        Assert.Equal("", await NoticeAsync(DatagramFormat.Raw)); // the notice goes to stderr instead
}
