using System.Runtime.InteropServices;
using System.Text;

namespace Nsock.Netlink;

/// <summary>
/// Builds one netlink message: the header, a fixed family header (ifinfomsg, rtmsg, ...) and
/// attributes, each 4-byte aligned. <see cref="ToArray"/> fills in the length.
/// </summary>
internal sealed class NetlinkRequest(ushort type, ushort flags, uint sequence = 0, uint portId = 0)
{
    private readonly List<byte> _bytes = [.. new byte[NetlinkHeader.Size]];

    /// <summary>A dump request (NLM_F_REQUEST | NLM_F_DUMP) of <paramref name="type"/>.</summary>
    public static NetlinkRequest DumpOf(ushort type, uint sequence = 1) => new(type, NetlinkHeader.Request | NetlinkHeader.Dump, sequence);

    /// <summary>Appends raw bytes (a fixed header), padded to 4 bytes.</summary>
    public NetlinkRequest Bytes(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            _bytes.Add(b);
        }

        Pad();
        return this;
    }

    /// <summary>Appends <paramref name="count"/> zero bytes: a fixed header left empty.</summary>
    public NetlinkRequest Zeros(int count) => Bytes(new byte[count]);

    /// <summary>Appends a value type's bytes as they are in memory (host byte order).</summary>
    public NetlinkRequest Struct<T>(T value)
        where T : unmanaged => Bytes(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)));

    public NetlinkRequest Attribute(ushort type, ReadOnlySpan<byte> value)
    {
        Span<byte> header = stackalloc byte[NetlinkAttribute.HeaderSize];
        var length = (ushort)(NetlinkAttribute.HeaderSize + value.Length);
        MemoryMarshal.Write(header, in length);
        MemoryMarshal.Write(header[2..], in type);
        foreach (var b in header)
        {
            _bytes.Add(b);
        }

        return Bytes(value);
    }

    public NetlinkRequest U32Attribute(ushort type, uint value) => Attribute(type, MemoryMarshal.AsBytes(new ReadOnlySpan<uint>(in value)));

    public NetlinkRequest U16Attribute(ushort type, ushort value) => Attribute(type, MemoryMarshal.AsBytes(new ReadOnlySpan<ushort>(in value)));

    /// <summary>A C string attribute, NUL included.</summary>
    public NetlinkRequest StringAttribute(ushort type, string value) => Attribute(type, Encoding.UTF8.GetBytes(value + "\0"));

    public byte[] ToArray()
    {
        var bytes = _bytes.ToArray();
        new NetlinkHeader((uint)bytes.Length, type, flags, sequence, portId).Write(bytes);
        return bytes;
    }

    private void Pad()
    {
        while (_bytes.Count % 4 != 0)
        {
            _bytes.Add(0);
        }
    }
}
