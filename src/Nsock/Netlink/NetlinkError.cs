using System.Runtime.InteropServices;

namespace Nsock.Netlink;

/// <summary>
/// What an NLMSG_ERROR says: the errno (0 for an ACK), which request it answers (its sequence
/// number), and the kernel's own words when extended ACKs are on (NLMSGERR_ATTR_MSG).
/// </summary>
internal readonly record struct NetlinkError(int Errno, uint RequestSequence, string? Message)
{
    private const ushort AttributeMessage = 1;

    public bool IsAck => Errno == 0;

    /// <summary>The error in <paramref name="message"/> (an NLMSG_ERROR, or an NLMSG_DONE whose status is an error); null for any other.</summary>
    /// <exception cref="NetlinkFormatException">Too short to hold an error code.</exception>
    public static NetlinkError? Of(NetlinkMessage message)
    {
        if (message.Type is not (NetlinkHeader.Error or NetlinkHeader.Done))
        {
            return null;
        }

        var payload = message.Payload.Span;
        if (payload.Length < 4)
        {
            // A dump's NLMSG_DONE may be bare in old kernels: that is success, not a fault.
            return message.IsDone ? null : throw new NetlinkFormatException($"NLMSG_ERROR of {payload.Length} bytes, too short for an error code");
        }

        var errno = -MemoryMarshal.Read<int>(payload);
        if (message.IsDone)
        {
            return errno == 0 ? null : new NetlinkError(errno, message.Header.Sequence, TextAfter(message, 4));
        }

        if (payload.Length < 4 + NetlinkHeader.Size)
        {
            return new NetlinkError(errno, message.Header.Sequence, null);
        }

        var request = NetlinkHeader.Read(payload[4..]);
        var echoed = (message.Header.Flags & NetlinkHeader.Capped) != 0 ? NetlinkHeader.Size : (int)Math.Min(request.Length, (uint)(payload.Length - 4));
        var text = (message.Header.Flags & NetlinkHeader.AckTlvs) != 0 ? TextAfter(message, 4 + NetlinkHeader.Align(echoed)) : null;
        return new NetlinkError(errno, request.Sequence, text);
    }

    private static string? TextAfter(NetlinkMessage message, int offset)
    {
        if ((message.Header.Flags & NetlinkHeader.AckTlvs) == 0 || offset >= message.Payload.Length)
        {
            return null;
        }

        var text = NetlinkAttributes.Parse(message.Payload[offset..])[AttributeMessage]?.String;
        return string.IsNullOrEmpty(text) ? null : text;
    }

    /// <summary>"no such device", or "invalid argument (Invalid prefix for given prefix length)".</summary>
    public string Describe() => Platform.Errno.Describe(Errno) + (Message is null ? "" : $" ({Terminal.SafeText.Escape(Message)})");
}
