using Nsock.Netlink;

namespace Nsock.Tests.Netlink;

public class NetlinkLastWordTests
{
    private const ushort R = NetlinkHeader.Request, A = NetlinkHeader.Ack, D = NetlinkHeader.Dump;

    [Theory]
    // rtnetlink: a GET with either dump bit is a dump, whatever else it asks
    [InlineData(NetlinkProtocol.Route, 18, R | D, "Done")]
    [InlineData(NetlinkProtocol.Route, 18, R | NetlinkHeader.Root, "Done")]
    [InlineData(NetlinkProtocol.Route, 22, R | NetlinkHeader.Match | A, "Done")]
    [InlineData(NetlinkProtocol.Route, 18, R, "None")]
    [InlineData(NetlinkProtocol.Route, 18, R | A, "Ack")]
    // rtnetlink: the dump bits on a NEW are REPLACE|EXCL, on a SET nothing; no dump either way
    [InlineData(NetlinkProtocol.Route, 16, R | D, "None")]
    [InlineData(NetlinkProtocol.Route, 20, R | D | A, "Ack")]
    [InlineData(NetlinkProtocol.Route, 19, R | D, "None")]
    // the kernel drops what is not a request, and control messages, unless asked for an ACK
    [InlineData(NetlinkProtocol.Route, 18, D, "None")]
    [InlineData(NetlinkProtocol.Route, 18, D | A, "Ack")]
    [InlineData(NetlinkProtocol.Route, NetlinkHeader.Noop, R | D, "None")]
    [InlineData(NetlinkProtocol.Generic, NetlinkHeader.Noop, R | A, "Ack")]
    // generic netlink and the others: both bits make a dump
    [InlineData(NetlinkProtocol.Generic, 16, R | D, "Done")]
    [InlineData(NetlinkProtocol.Generic, 16, R | NetlinkHeader.Root, "None")]
    [InlineData(NetlinkProtocol.SockDiag, 20, R | D, "Done")]
    [InlineData(NetlinkProtocol.SockDiag, 20, R | NetlinkHeader.Root | A, "Ack")]
    public void The_kernels_last_word_follows_its_own_rules(int protocol, ushort type, int flags, string expected) =>
        Assert.Equal(expected, NetlinkLastWord.Of(protocol, new NetlinkHeader(16, type, (ushort)flags, 1, 0)).ToString());
}
