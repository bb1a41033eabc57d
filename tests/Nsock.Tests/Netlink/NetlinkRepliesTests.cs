using Nsock.Netlink;
using Nsock.Sessions;

namespace Nsock.Tests.Netlink;

[System.Runtime.Versioning.SupportedOSPlatform("linux")] // netlink is Linux\'s
public class NetlinkRepliesTests
{
    private static NetlinkMessage Message(ushort type, uint sequence, byte[] payload) =>
        NetlinkMessage.Split(new NetlinkRequest(type, 0, sequence).Bytes(payload).ToArray(), out _)[0];

    private static NetlinkMessage Done(uint sequence) => Message(NetlinkHeader.Done, sequence, new byte[4]);

    private static NetlinkMessage Ack(uint sequence, int errno = 0) =>
        Message(NetlinkHeader.Error, sequence, [.. BitConverter.GetBytes(-errno), .. new NetlinkRequest(18, 0, sequence).ToArray()]);

    [Fact]
    public void A_dump_waits_for_its_done_and_an_ack_request_for_its_ack()
    {
        var replies = new NetlinkReplies(NetlinkProtocol.Route);
        replies.Expect(new NetlinkHeader(0, 18, NetlinkHeader.Request | NetlinkHeader.Dump, 1, 0));
        replies.Expect(new NetlinkHeader(0, 19, NetlinkHeader.Request | NetlinkHeader.Ack, 2, 0));

        replies.Observe(Message(16, 1, new byte[16])); // a part of the dump
        Assert.True(replies.IsWaiting);
        replies.Observe(Done(1));
        Assert.True(replies.IsWaiting);
        Assert.False(replies.AllAnswered.IsCompleted);
        replies.Observe(Ack(2));

        Assert.False(replies.IsWaiting);
        Assert.True(replies.AllAnswered.IsCompletedSuccessfully);
        Assert.Null(replies.FirstError);
    }

    [Fact]
    public void A_request_asking_for_neither_is_counted_as_unanswerable()
    {
        var replies = new NetlinkReplies(NetlinkProtocol.Route);
        replies.Expect(new NetlinkHeader(0, 18, NetlinkHeader.Request, 1, 0));

        Assert.False(replies.IsWaiting);
        Assert.Equal(1, replies.Unanswerable);
        Assert.True(replies.AllAnswered.IsCompleted);
    }

    [Theory]
    [InlineData(18, NetlinkHeader.Dump)] // no NLM_F_REQUEST: the kernel drops it without a word
    [InlineData(16, NetlinkHeader.Request | NetlinkHeader.Replace | NetlinkHeader.Exclusive)] // a NEW, not a dump
    public void Dump_bits_the_kernel_will_not_end_with_a_done_are_not_waited_for(ushort type, int flags)
    {
        var replies = new NetlinkReplies(NetlinkProtocol.Route);
        replies.Expect(new NetlinkHeader(0, type, (ushort)flags, 1, 0));

        Assert.False(replies.IsWaiting);
        Assert.Equal(1, replies.Unanswerable);
    }

    [Fact]
    public void The_first_refusal_is_kept_and_answers_its_request()
    {
        var replies = new NetlinkReplies(NetlinkProtocol.Route);
        replies.Expect(new NetlinkHeader(0, 18, NetlinkHeader.Request | NetlinkHeader.Ack, 5, 0));
        replies.Expect(new NetlinkHeader(0, 18, NetlinkHeader.Request | NetlinkHeader.Ack, 6, 0));

        Assert.Equal(19, replies.Observe(Ack(6, 19))?.Errno);
        Assert.True(replies.IsWaiting); // 5 is still waiting
        Assert.Null(replies.Observe(Ack(5)));
        Assert.False(replies.IsWaiting);
        Assert.Equal(6u, replies.FirstError?.RequestSequence);
    }

    [Fact]
    public void Replies_to_requests_never_made_change_nothing()
    {
        var replies = new NetlinkReplies(NetlinkProtocol.Route);
        replies.Expect(new NetlinkHeader(0, 18, NetlinkHeader.Request | NetlinkHeader.Dump, 1, 0));

        replies.Observe(Done(2));
        replies.Observe(Ack(3));

        Assert.True(replies.IsWaiting);
    }
}
