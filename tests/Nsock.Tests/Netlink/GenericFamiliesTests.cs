using System.Runtime.InteropServices;
using Nsock.Netlink;

namespace Nsock.Tests.Netlink;

[System.Runtime.Versioning.SupportedOSPlatform("linux")] // netlink is Linux\'s
public sealed class GenericFamiliesTests
{
    // Captured on this machine: nlctrl's answer to CTRL_CMD_GETFAMILY for "nlctrl" (with its
    // operations, which are not decoded), and the "thermal" family from a dump (two groups).
    internal const string Nlctrl =
        "88000000100000000100000017430000010200000b0002006e6c6374726c000006000100100000000800030002000000080004000000000008000500000000002c000600140001000800010003000000080002000e00000014000200080001000a000000080002000c0000001c0007001800010008000200100000000b0001006e6f746966790000";

    internal const string Thermal =
        "30010000100002000100000017430000010200000c000200746865726d616c00060001001300000008000300020000000800040000000000080005001b000000b80006001400010008000100010000000800020004000000140002000800010002000000080002000a000000140003000800010003000000080002000a000000140004000800010004000000080002000a0000001400050008000100060000000800020004000000140006000800010007000000080002000a000000140007000800010008000000080002000a000000140008000800010009000000080002000a00000014000900080001000a000000080002000a000000380007001c00010008000200020000000d00010073616d706c696e67000000001800020008000200030000000a0001006576656e74000000";

    [Fact]
    public void Nlctrl_parses_with_its_group()
    {
        var family = GenericFamilies.Parse(SockDiagTests.Message(Nlctrl));
        Assert.NotNull(family);
        Assert.Equal(("nlctrl", (ushort)16, 2u, 0u, 0u), (family.Name, family.Id, family.Version, family.HeaderSize, family.MaxAttribute));
        Assert.Equal([("notify", 16u)], family.Groups);
        var record = GenericFamilies.Record(family);
        Assert.Equal("family", record.Kind);
        Assert.Equal("nlctrl id 16 version 2 groups notify=16", record.Line);
        Assert.Equal(
            """{"name":"nlctrl","id":16,"version":2,"hdrsize":0,"maxattr":0,"groups":[{"name":"notify","id":16}]}""",
            record.ToJson());
    }

    [Fact]
    public void Thermal_shows_maxattr_and_both_groups()
    {
        // genl ctrl get name thermal: ID 0x13, version 2, max attribs 27, groups sampling (2) and event (3).
        var record = GenericFamilies.Record(GenericFamilies.Parse(SockDiagTests.Message(Thermal))!);
        Assert.Equal("thermal id 19 version 2 maxattr 27 groups sampling=2,event=3", record.Line);
    }

    [Fact]
    public void A_family_without_groups_has_an_empty_list_and_hdrsize_shows_when_set()
    {
        var bytes = Family().U32Attribute(4, 8).ToArray();
        var record = GenericFamilies.Record(GenericFamilies.Parse(SockDiagTests.Message(Convert.ToHexString(bytes)))!);
        Assert.Equal("demo id 42 version 0 hdrsize 8", record.Line);
        Assert.Equal("""{"name":"demo","id":42,"version":0,"hdrsize":8,"maxattr":0,"groups":[]}""", record.ToJson());
    }

    [Fact]
    public void Requests_are_getfamily_with_and_without_a_name()
    {
        var dump = Assert.Single(NetlinkMessage.Split(GenericFamilies.DumpRequest(7), out _));
        Assert.Equal(GenericFamilies.ControllerId, dump.Type);
        Assert.Equal(NetlinkHeader.Request | NetlinkHeader.Dump, dump.Header.Flags);
        Assert.Equal(7u, dump.Header.Sequence);
        Assert.Equal(new byte[] { 3, 1, 0, 0 }, dump.Payload.ToArray());

        var get = Assert.Single(NetlinkMessage.Split(GenericFamilies.GetRequest("nlctrl", 9), out _));
        Assert.Equal(NetlinkHeader.Request, get.Header.Flags);
        Assert.Equal(9u, get.Header.Sequence);
        Assert.Equal(32u, get.Header.Length); // 16 header + 4 genlmsghdr + 12 attribute (4 + "nlctrl\0", padded)
        var name = Assert.Single(NetlinkAttributes.Parse(get.Payload[4..]).All);
        Assert.Equal((ushort)2, name.Type);
        Assert.Equal("nlctrl", name.String);
    }

    [Fact]
    public void Other_messages_are_not_families()
    {
        Assert.Null(GenericFamilies.Parse(SockDiagTests.Message(Convert.ToHexString(new NetlinkRequest(NetlinkHeader.Done, 0).Zeros(4).ToArray()))));
        Assert.Null(GenericFamilies.Parse(SockDiagTests.Message(Convert.ToHexString(GenericFamilies.DumpRequest(1)))));
        var otherFamily = Convert.FromHexString(Nlctrl);
        otherFamily[4] = 0x11; // message type: not nlctrl
        Assert.Null(GenericFamilies.Parse(SockDiagTests.Message(Convert.ToHexString(otherFamily))));
    }

    public static TheoryData<string> Malformed => new()
    {
        "120000001000000000000000000000000102", // genlmsghdr cut: 2 of its 4 bytes
        Convert.ToHexString(new NetlinkRequest(GenericFamilies.ControllerId, 0).Bytes([1, 2, 0, 0]).U16Attribute(1, 42).ToArray()), // no name
        Convert.ToHexString(new NetlinkRequest(GenericFamilies.ControllerId, 0).Bytes([1, 2, 0, 0]).StringAttribute(2, "demo").ToArray()), // no id
        Convert.ToHexString(new NetlinkRequest(GenericFamilies.ControllerId, 0).Bytes([1, 2, 0, 0]).StringAttribute(2, "demo").Attribute(1, [42]).ToArray()), // 1-byte id
        Convert.ToHexString(Family().Attribute(3, [2]).ToArray()), // 1-byte version
        Convert.ToHexString(Family().Bytes([40, 0, 7, 0]).ToArray()), // an attribute running past the end
        Convert.ToHexString(Family().Attribute(7, Nest(1, Nest(1, "g\0"u8.ToArray()))).ToArray()), // a group without an id
        Convert.ToHexString(Family().Attribute(7, Nest(1, [8, 0, 2, 0, 1, 0, 0, 0])).ToArray()), // a group without a name
        Convert.ToHexString(Family().Attribute(7, [40, 0, 1, 0]).ToArray()), // a cut group list
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_answers_are_format_errors(string hex) =>
        Assert.Throws<NetlinkFormatException>(() => GenericFamilies.Parse(SockDiagTests.Message(hex)));

    [Fact]
    public async Task The_live_dump_lists_nlctrl_with_its_notify_group()
    {
        var messages = await LiveNetlink.ExchangeAsync(NetlinkProtocol.Generic, [GenericFamilies.DumpRequest(1)]);
        var families = messages.Select(GenericFamilies.Parse).OfType<GenericFamily>().ToList();
        var nlctrl = Assert.Single(families, f => f.Name == "nlctrl");
        Assert.Equal(16, nlctrl.Id);
        Assert.Contains(("notify", 16u), nlctrl.Groups);
        Assert.True(families.Count > 1);
        Assert.True(messages[^1].IsDone);
    }

    [Fact]
    public async Task A_get_by_name_answers_that_one_family()
    {
        var messages = await LiveNetlink.ExchangeAsync(NetlinkProtocol.Generic, [GenericFamilies.GetRequest("nlctrl", 3)]);
        var family = GenericFamilies.Parse(Assert.Single(messages));
        Assert.Equal("nlctrl", family?.Name);
        Assert.Equal((ushort?)16, family?.Id);
    }

    [Fact]
    public async Task An_unknown_name_gets_the_kernels_enoent()
    {
        var messages = await LiveNetlink.ExchangeAsync(NetlinkProtocol.Generic, [GenericFamilies.GetRequest("nsock-nofam", 4)]);
        var error = Assert.Single(messages);
        Assert.Equal(2, error.ErrorCode);
        Assert.Equal(4u, error.Header.Sequence);
        Assert.Null(GenericFamilies.Parse(error));
    }

    /// <summary>A NEWFAMILY answer for "demo", id 42, to add attributes to.</summary>
    private static NetlinkRequest Family() =>
        new NetlinkRequest(GenericFamilies.ControllerId, 0).Bytes([1, 2, 0, 0]).StringAttribute(2, "demo").U16Attribute(1, 42);

    private static byte[] Nest(ushort type, byte[] value)
    {
        var bytes = new byte[NetlinkHeader.Align(4 + value.Length)];
        MemoryMarshal.Write(bytes, (ushort)(4 + value.Length));
        MemoryMarshal.Write(bytes.AsSpan(2), type);
        value.CopyTo(bytes, 4);
        return bytes;
    }
}
