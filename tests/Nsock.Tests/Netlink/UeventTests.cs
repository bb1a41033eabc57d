using System.Text;
using Nsock.Netlink;
using Nsock.Terminal;

namespace Nsock.Tests.Netlink;

[System.Runtime.Versioning.SupportedOSPlatform("linux")] // netlink is Linux\'s
public sealed class UeventTests
{
    // Captured on this machine: a NETLINK_KOBJECT_UEVENT socket bound to group 1 inside
    // `unshare -n` while `ip link add v0 type veth peer name v1` and `ip link del v0` ran.
    internal const string AddV1 =
        "616464402f646576696365732f7669727475616c2f6e65742f763100414354494f4e3d61646400444556504154483d2f646576696365732f7669727475616c2f6e65742f76310053554253595354454d3d6e657400494e544552464143453d7631004946494e4445583d32005345514e554d3d3132333400";

    internal const string AddQueue =
        "616464402f646576696365732f7669727475616c2f6e65742f76312f7175657565732f72782d3000414354494f4e3d61646400444556504154483d2f646576696365732f7669727475616c2f6e65742f76312f7175657565732f72782d300053554253595354454d3d717565756573005345514e554d3d3132333500";

    internal const string RemoveV0 =
        "72656d6f7665402f646576696365732f7669727475616c2f6e65742f763000414354494f4e3d72656d6f766500444556504154483d2f646576696365732f7669727475616c2f6e65742f76300053554253595354454d3d6e657400494e544552464143453d7630004946494e4445583d33005345514e554d3d3132353000";

    // Hand-built in udev's format (group 2): "libudev\0", magic 0xfeedcafe (network order), header
    // size 40, properties at 40, 79 bytes of them, the filter words zero.
    internal const string UdevAddV0 =
        "6c69627564657600feedcafe28000000280000004f00000000000000000000000000000000000000414354494f4e3d61646400444556504154483d2f646576696365732f7669727475616c2f6e65742f76300053554253595354454d3d6e657400494e544552464143453d7630005345514e554d3d3700";

    [Theory]
    [InlineData(AddV1, "add /devices/virtual/net/v1 (net)")]
    [InlineData(AddQueue, "add /devices/virtual/net/v1/queues/rx-0 (queues)")]
    [InlineData(RemoveV0, "remove /devices/virtual/net/v0 (net)")]
    [InlineData(UdevAddV0, "add /devices/virtual/net/v0 (net)")]
    public void Lines_are_action_devpath_subsystem(string hex, string line)
    {
        var record = Uevent.Decode(Convert.FromHexString(hex));
        Assert.Equal("uevent", record.Kind);
        Assert.Equal(line, record.Line);
    }

    [Fact]
    public void Json_is_every_key_in_order_and_nothing_else() =>
        Assert.Equal(
            """{"ACTION":"add","DEVPATH":"/devices/virtual/net/v1","SUBSYSTEM":"net","INTERFACE":"v1","IFINDEX":"2","SEQNUM":"1234"}""",
            Uevent.Decode(Convert.FromHexString(AddV1)).ToJson());

    [Fact]
    public void Udev_datagrams_give_their_properties() =>
        Assert.Equal(
            """{"ACTION":"add","DEVPATH":"/devices/virtual/net/v0","SUBSYSTEM":"net","INTERFACE":"v0","SEQNUM":"7"}""",
            Uevent.Decode(Convert.FromHexString(UdevAddV0)).ToJson());

    [Fact]
    public void Hostile_values_are_escaped_in_the_line_and_raw_in_json()
    {
        const string devpath = "/devices/x\n\u001b[2Jadd /devices/fake\u202e";
        var record = Uevent.Decode(Datagram($"add@{devpath}", "ACTION=add", $"DEVPATH={devpath}", "SUBSYSTEM=n\u001bet"));
        Assert.Equal($"add {SafeText.Escape(devpath)} ({SafeText.Escape("n\u001bet")})", record.Line);
        Assert.DoesNotContain('\n', record.Line);
        Assert.DoesNotContain('\u001b', record.Line);
        Assert.Equal(devpath, record.Fields["DEVPATH"]);
    }

    [Fact]
    public void Without_subsystem_the_line_has_no_parentheses_and_devpath_falls_back_to_the_header()
    {
        var record = Uevent.Decode(Datagram("change@/devices/a", "ACTION=change"));
        Assert.Equal("change /devices/a", record.Line);
        Assert.Equal("""{"ACTION":"change"}""", record.ToJson());
    }

    [Fact]
    public void A_repeated_key_keeps_its_first_value_and_empty_entries_are_skipped()
    {
        var record = Uevent.Decode(Datagram("add@/d", "ACTION=add", "", "A=1", "A=2", "B="));
        Assert.Equal("""{"ACTION":"add","A":"1","B":""}""", record.ToJson());
    }

    [Theory]
    [InlineData("")] // nothing
    [InlineData("add\0ACTION=add\0")] // no '@'
    [InlineData("@/devices/a\0ACTION=add\0")] // nothing before '@'
    [InlineData("add@/devices/a\0SUBSYSTEM=net\0")] // no ACTION
    [InlineData("add@/devices/a\0ACTION=add\0garbage\0")] // not KEY=VALUE
    [InlineData("add@/devices/a\0ACTION=add\0=value\0")] // no key
    [InlineData("libudev\0")] // udev's prefix without its header
    public void Malformed_datagrams_are_format_errors(string text) =>
        Assert.Throws<NetlinkFormatException>(() => Uevent.Decode(Encoding.UTF8.GetBytes(text)));

    [Theory]
    [InlineData(16, 0xff)] // properties past the end
    [InlineData(20, 0xff)] // length past the end
    [InlineData(8, 0x00)] // wrong magic
    public void Udev_headers_that_point_outside_are_format_errors(int offset, byte value)
    {
        var bytes = Convert.FromHexString(UdevAddV0);
        bytes[offset] = value;
        Assert.Throws<NetlinkFormatException>(() => Uevent.Decode(bytes));
    }

    private static byte[] Datagram(params string[] parts) => Encoding.UTF8.GetBytes(string.Join('\0', parts) + "\0");
}
