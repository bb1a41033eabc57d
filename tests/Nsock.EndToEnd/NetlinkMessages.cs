using System.Buffers.Binary;
using System.Text;

namespace Nsock.EndToEnd;

/// <summary>Netlink messages built and read by hand, for tests that talk to the kernel through nsock --raw.</summary>
internal static class NetlinkMessages
{
    public const ushort Error = 2, Done = 3, NewLink = 16, GetLink = 18;
    public const ushort Request = 0x1, Ack = 0x4, Dump = 0x300;

    /// <summary>A message: header (length as given, or the real one), then the payload.</summary>
    public static byte[] Build(ushort type, ushort flags, uint sequence, byte[] payload, uint? length = null)
    {
        var message = new byte[16 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(message, length ?? (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        payload.CopyTo(message, 16);
        return message;
    }

    /// <summary>struct ifinfomsg asking about one interface index (0: all).</summary>
    public static byte[] Ifinfomsg(int index = 0)
    {
        var header = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), index);
        return header;
    }

    /// <summary>The messages in the bytes nsock wrote: (type, flags, sequence, port id, payload).</summary>
    public static List<(ushort Type, ushort Flags, uint Sequence, uint PortId, byte[] Payload)> Parse(byte[] bytes)
    {
        var messages = new List<(ushort, ushort, uint, uint, byte[])>();
        var offset = 0;
        while (offset + 16 <= bytes.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
            Assert.InRange(length, 16, bytes.Length - offset);
            messages.Add((
                BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 4)),
                BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 6)),
                BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 8)),
                BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 12)),
                bytes[(offset + 16)..(offset + length)]));
            offset += (length + 3) & ~3;
        }

        Assert.Equal(bytes.Length, offset);
        return messages;
    }

    /// <summary>The interface names (IFLA_IFNAME) in RTM_NEWLINK payloads.</summary>
    public static string? LinkName(byte[] payload)
    {
        var offset = 16;
        while (offset + 4 <= payload.Length)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(offset));
            var type = BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(offset + 2)) & 0x3fff;
            if (length < 4)
            {
                return null;
            }

            if (type == 3)
            {
                return Encoding.UTF8.GetString(payload.AsSpan(offset + 4, length - 4)).TrimEnd('\0');
            }

            offset += (length + 3) & ~3;
        }

        return null;
    }
}
