using System.Runtime.InteropServices;

namespace Nsock.Netlink;

/// <summary>
/// struct nlmsghdr: the 16 bytes in front of every netlink message, in host byte order. The
/// constants are the kernel's (linux/netlink.h) and the same on every architecture.
/// </summary>
internal readonly record struct NetlinkHeader(uint Length, ushort Type, ushort Flags, uint Sequence, uint PortId)
{
    public const int Size = 16;

    // Message types every protocol shares.
    public const ushort Noop = 1, Error = 2, Done = 3, Overrun = 4;

    /// <summary>Types below this are control messages; each protocol's own start here.</summary>
    public const ushort MinType = 0x10;

    // Flags.
    public const ushort Request = 0x1, Multi = 0x2, Ack = 0x4, Echo = 0x8, DumpInterrupted = 0x10, DumpFiltered = 0x20;

    // Flags of a GET request, and of a NEW request; the same bits mean different things.
    public const ushort Root = 0x100, Match = 0x200, Atomic = 0x400, Dump = Root | Match;
    public const ushort Replace = 0x100, Exclusive = 0x200, Create = 0x400, Append = 0x800;

    // Flags of an ACK (an NLMSG_ERROR).
    public const ushort Capped = 0x100, AckTlvs = 0x200;

    /// <summary>The header at the start of <paramref name="bytes"/>, which holds at least <see cref="Size"/> bytes.</summary>
    public static NetlinkHeader Read(ReadOnlySpan<byte> bytes) => new(
        MemoryMarshal.Read<uint>(bytes),
        MemoryMarshal.Read<ushort>(bytes[4..]),
        MemoryMarshal.Read<ushort>(bytes[6..]),
        MemoryMarshal.Read<uint>(bytes[8..]),
        MemoryMarshal.Read<uint>(bytes[12..]));

    public void Write(Span<byte> bytes)
    {
        var (length, type, flags, sequence, portId) = (Length, Type, Flags, Sequence, PortId);
        MemoryMarshal.Write(bytes, in length);
        MemoryMarshal.Write(bytes[4..], in type);
        MemoryMarshal.Write(bytes[6..], in flags);
        MemoryMarshal.Write(bytes[8..], in sequence);
        MemoryMarshal.Write(bytes[12..], in portId);
    }

    /// <summary>NLMSG_ALIGN and NLA_ALIGN: messages and attributes start on 4-byte boundaries.</summary>
    public static int Align(int length) => (length + 3) & ~3;
}
