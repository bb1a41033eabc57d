using System.Runtime.InteropServices;
using Nsock.Netlink;

namespace Nsock.Tests.Netlink;

[System.Runtime.Versioning.SupportedOSPlatform("linux")] // netlink is Linux\'s
public class NetlinkFramingTests
{
    [Fact]
    public void A_request_is_built_with_its_length_padding_and_attributes()
    {
        var bytes = new NetlinkRequest(18, NetlinkHeader.Request | NetlinkHeader.Dump, 7, 42).Zeros(16).StringAttribute(3, "lo").ToArray();

        Assert.Equal(16 + 16 + 8, bytes.Length); // "lo\0" is 3 bytes, the attribute 7, padded to 8
        var header = NetlinkHeader.Read(bytes);
        Assert.Equal(new NetlinkHeader(40, 18, 0x301, 7, 42), header);
        var attribute = Assert.Single(NetlinkAttributes.Parse(bytes.AsMemory(32)).All);
        Assert.Equal(3, attribute.Type);
        Assert.Equal("lo", attribute.String);
    }

    [Fact]
    public void Back_to_back_messages_are_split_on_their_aligned_lengths()
    {
        var first = new NetlinkRequest(16, 0, 1).Bytes([1, 2, 3]).ToArray(); // 19 bytes of message, padded to 20
        var second = new NetlinkRequest(3, 0, 2).ToArray();
        var buffer = first.Concat(second).ToArray();
        new NetlinkHeader(19, 16, 0, 1, 0).Write(buffer); // the length says 19, the next starts at 20

        var messages = NetlinkMessage.Split(buffer, out var problem);

        Assert.Null(problem);
        Assert.Equal([16, 3], messages.Select(m => (int)m.Type));
        Assert.Equal(3, messages[0].Payload.Length);
        Assert.True(messages[1].IsDone);
    }

    [Theory]
    [InlineData(8, "less than a 16-byte header")]
    [InlineData(40, "only 20 there")]
    [InlineData(4, "less than its own 16-byte header")]
    public void A_message_that_does_not_fit_stops_the_split_and_says_why(int what, string why)
    {
        var good = new NetlinkRequest(16, 0, 1).Zeros(4).ToArray();
        byte[] bad = what == 8 ? new byte[8] : new NetlinkRequest(16, 0, 2).Zeros(4).ToArray();
        if (what != 8)
        {
            MemoryMarshal.Write(bad, (uint)what);
        }

        var messages = NetlinkMessage.Split(good.Concat(bad).ToArray(), out var problem);

        Assert.Single(messages);
        Assert.NotNull(problem);
        Assert.Contains("message 2 at byte 20", problem);
        Assert.Contains(why, problem);
    }

    [Fact]
    public void Attributes_past_the_end_or_shorter_than_a_header_are_reported_not_read()
    {
        var bytes = new byte[] { 8, 0, 1, 0, 1, 2, 3, 4, 200, 0, 2, 0, 9, 9 };

        var attributes = NetlinkAttributes.Parse(bytes);

        Assert.Single(attributes.All);
        Assert.Contains("attribute 2 at byte 8: length 200", attributes.Problem);
        Assert.Contains("less than its 4-byte header", NetlinkAttributes.Parse(new byte[] { 2, 0, 1, 0 }).Problem);
    }

    [Fact]
    public void Typed_readers_return_null_for_values_too_short()
    {
        var attribute = new NetlinkAttribute(1, false, new byte[] { 1, 2 });

        Assert.Equal((ushort)0x0201, attribute.U16);
        Assert.Equal((ushort)0x0102, attribute.U16BigEndian);
        Assert.Null(attribute.U32);
        Assert.Null(attribute.U64);
    }

    [Fact]
    public void The_nested_flag_is_kept_apart_from_the_type()
    {
        var bytes = new byte[] { 4, 0, 0x1a, 0x80 };

        var attribute = Assert.Single(NetlinkAttributes.Parse(bytes).All);

        Assert.Equal(26, attribute.Type);
        Assert.True(attribute.Nested);
    }

    [Fact]
    public void An_error_reply_gives_its_errno_the_request_it_answers_and_the_kernels_words()
    {
        var request = new NetlinkRequest(18, NetlinkHeader.Request | NetlinkHeader.Ack, 9).Zeros(16).ToArray();
        var payload = BitConverter.GetBytes(-19).Concat(request).ToArray();
        var reply = new NetlinkRequest(NetlinkHeader.Error, NetlinkHeader.AckTlvs, 9).Bytes(payload).StringAttribute(1, "no such\ninterface").ToArray();

        var message = Assert.Single(NetlinkMessage.Split(reply, out _));
        var error = NetlinkError.Of(message);

        Assert.NotNull(error);
        Assert.Equal(19, error.Value.Errno);
        Assert.Equal(9u, error.Value.RequestSequence);
        Assert.Equal("no such\ninterface", error.Value.Message);
        Assert.Equal(@"no such device (no such\x0ainterface)", error.Value.Describe()); // escaped for the one-line error
    }

    [Fact]
    public void An_ack_is_an_error_of_zero_and_a_short_error_message_is_malformed()
    {
        var ack = new NetlinkRequest(NetlinkHeader.Error, NetlinkHeader.Capped, 3).Bytes(new byte[4]).Bytes(new NetlinkRequest(18, 5, 3).ToArray()).ToArray();
        var shortOne = new NetlinkRequest(NetlinkHeader.Error, 0, 3).Bytes([1, 2]).ToArray();
        new NetlinkHeader(18, NetlinkHeader.Error, 0, 3, 0).Write(shortOne); // 2 bytes of payload, no room for an errno

        Assert.True(NetlinkError.Of(NetlinkMessage.Split(ack, out _)[0])!.Value.IsAck);
        Assert.Throws<NetlinkFormatException>(() => NetlinkError.Of(NetlinkMessage.Split(shortOne, out _)[0]));
    }

    [Theory]
    [InlineData("route", 0)]
    [InlineData("sock-diag", 4)]
    [InlineData("inet_diag", 4)]
    [InlineData("UEVENT", 15)]
    [InlineData("genl", 16)]
    [InlineData("31", 31)]
    public void Protocols_are_known_by_name_alias_or_number(string text, int number) => Assert.Equal(number, NetlinkProtocol.Parse(text));

    [Theory]
    [InlineData("32")]
    [InlineData("-1")]
    [InlineData("bogus")]
    [InlineData("")]
    public void Anything_else_is_no_protocol(string text) => Assert.Null(NetlinkProtocol.Parse(text));
}
