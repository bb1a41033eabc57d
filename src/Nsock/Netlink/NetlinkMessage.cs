using System.Runtime.InteropServices;

namespace Nsock.Netlink;

/// <summary>One netlink message: its header and what follows the header (the payload).</summary>
internal readonly record struct NetlinkMessage(NetlinkHeader Header, ReadOnlyMemory<byte> Payload)
{
    public ushort Type => Header.Type;

    public bool IsDone => Header.Type == NetlinkHeader.Done;

    public bool IsError => Header.Type == NetlinkHeader.Error;

    /// <summary>
    /// The errno of an NLMSG_ERROR (0: an ACK, positive: the kernel's failure as errno), or null
    /// when this is not one or it is too short to say. The kernel sends the error negated.
    /// </summary>
    public int? ErrorCode => IsError && Payload.Length >= 4 ? -MemoryMarshal.Read<int>(Payload.Span) : null;

    /// <summary>
    /// Splits a buffer (one receive, or stdin) into the messages it holds, back to back, each
    /// starting 4-byte aligned. Stops at the first message that does not fit: <paramref name="problem"/>
    /// then says where and why, in words for a person, and the messages before it are returned.
    /// </summary>
    public static List<NetlinkMessage> Split(ReadOnlyMemory<byte> buffer, out string? problem)
    {
        var messages = new List<NetlinkMessage>();
        problem = null;
        var offset = 0;
        while (offset < buffer.Length)
        {
            var left = buffer.Length - offset;
            if (left < NetlinkHeader.Size)
            {
                problem = $"message {messages.Count + 1} at byte {offset}: {left} bytes, less than a 16-byte header";
                break;
            }

            var header = NetlinkHeader.Read(buffer.Span[offset..]);
            if (header.Length < NetlinkHeader.Size || header.Length > left)
            {
                problem = $"message {messages.Count + 1} at byte {offset}: header says {header.Length} bytes, "
                    + (header.Length < NetlinkHeader.Size ? "less than its own 16-byte header" : $"only {left} there");
                break;
            }

            var length = (int)header.Length;
            messages.Add(new NetlinkMessage(header, buffer.Slice(offset + NetlinkHeader.Size, length - NetlinkHeader.Size)));
            offset += Math.Min(NetlinkHeader.Align(length), left);
        }

        return messages;
    }
}
