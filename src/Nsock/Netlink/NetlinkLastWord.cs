namespace Nsock.Netlink;

/// <summary>What ends the kernel's answer to one request.</summary>
internal enum LastWord
{
    /// <summary>A dump: NLMSG_DONE (or an NLMSG_ERROR) under the request's sequence number.</summary>
    Done,

    /// <summary>The ACK, an NLMSG_ERROR under the request's sequence number (errno 0 or the refusal).</summary>
    Ack,

    /// <summary>Nothing says the answer is over: the kernel may answer, or drop the message in silence.</summary>
    None,
}

/// <summary>
/// Which <see cref="LastWord"/> a request gets, by the kernel's own rules: netlink_rcv_skb
/// handles only messages with NLM_F_REQUEST and a type of the protocol's own (it drops the rest
/// in silence, acknowledging them only when asked with NLM_F_ACK); a dump that starts sends no
/// ACK, only its NLMSG_DONE. What counts as a dump is the protocol's: rtnetlink dumps a GET
/// (the third of each NEW/DEL/GET/SET quartet) with either dump bit, generic netlink and the
/// others take both bits (NLM_F_DUMP). The same two bits on a NEW mean REPLACE|EXCL, which no
/// kernel answers without NLM_F_ACK on success, so it is not mistaken for a dump here.
/// </summary>
internal static class NetlinkLastWord
{
    private const int QuartetMask = 3, GetOfQuartet = 2;

    public static LastWord Of(int protocol, NetlinkHeader request)
    {
        var handled = (request.Flags & NetlinkHeader.Request) != 0 && request.Type >= NetlinkHeader.MinType;
        if (handled && IsDump(protocol, request))
        {
            return LastWord.Done;
        }

        return (request.Flags & NetlinkHeader.Ack) != 0 ? LastWord.Ack : LastWord.None;
    }

    /// <summary>Whether the kernel takes <paramref name="request"/> (which has NLM_F_REQUEST) as a dump.</summary>
    private static bool IsDump(int protocol, NetlinkHeader request) => protocol == NetlinkProtocol.Route
        ? (request.Type & QuartetMask) == GetOfQuartet && (request.Flags & NetlinkHeader.Dump) != 0
        : (request.Flags & NetlinkHeader.Dump) == NetlinkHeader.Dump;
}
