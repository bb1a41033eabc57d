using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Nsock.Netlink;

/// <summary>
/// One netlink attribute (struct nlattr, "TLV"): a type, whether it holds nested attributes
/// (NLA_F_NESTED) and its value. The readers return null when the value has the wrong size for
/// what is asked, so a decoder never reads past a short attribute.
/// </summary>
internal readonly record struct NetlinkAttribute(ushort Type, bool Nested, ReadOnlyMemory<byte> Value)
{
    public const int HeaderSize = 4;
    private const ushort NestedFlag = 0x8000, ByteOrderFlag = 0x4000, TypeMask = 0x3fff;

    public byte? U8 => Value.Length >= 1 ? Value.Span[0] : null;

    public ushort? U16 => Value.Length >= 2 ? MemoryMarshal.Read<ushort>(Value.Span) : null;

    public uint? U32 => Value.Length >= 4 ? MemoryMarshal.Read<uint>(Value.Span) : null;

    public ulong? U64 => Value.Length >= 8 ? MemoryMarshal.Read<ulong>(Value.Span) : null;

    public int? S32 => Value.Length >= 4 ? MemoryMarshal.Read<int>(Value.Span) : null;

    /// <summary>A 16-bit value in network byte order (ports).</summary>
    public ushort? U16BigEndian => Value.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Value.Span) : null;

    /// <summary>A C string: up to the first NUL (or the end), decoded as UTF-8 with bad bytes replaced.</summary>
    public string String
    {
        get
        {
            var span = Value.Span;
            var nul = span.IndexOf((byte)0);
            return Encoding.UTF8.GetString(nul < 0 ? span : span[..nul]);
        }
    }

    /// <summary>The attributes nested in this one (its value parsed as attributes).</summary>
    public NetlinkAttributes Children => NetlinkAttributes.Parse(Value);

    /// <summary>
    /// The attributes in <paramref name="bytes"/>, back to back, each 4-byte aligned. A short or
    /// overlong attribute ends the list, and the problem says why.
    /// </summary>
    public static (List<NetlinkAttribute> Attributes, string? Problem) ParseAll(ReadOnlyMemory<byte> bytes)
    {
        var list = new List<NetlinkAttribute>();
        var offset = 0;
        while (bytes.Length - offset >= HeaderSize)
        {
            var span = bytes.Span[offset..];
            var length = MemoryMarshal.Read<ushort>(span);
            var type = MemoryMarshal.Read<ushort>(span[2..]);
            if (length < HeaderSize || length > span.Length)
            {
                return (list, $"attribute {type & TypeMask} at byte {offset}: length {length}, "
                    + (length < HeaderSize ? "less than its 4-byte header" : $"only {span.Length} bytes there"));
            }

            list.Add(new NetlinkAttribute((ushort)(type & TypeMask), (type & NestedFlag) != 0, bytes.Slice(offset + HeaderSize, length - HeaderSize)));
            offset += NetlinkHeader.Align(length);
        }

        var rest = bytes.Length - offset; // negative when the last attribute had no padding
        return (list, rest > 0 ? $"{rest} stray bytes after the last attribute" : null);
    }

    /// <summary>Whether the network-byte-order flag (NLA_F_NET_BYTEORDER) was set on the type.</summary>
    public static bool IsNetworkOrder(ushort rawType) => (rawType & ByteOrderFlag) != 0;
}

/// <summary>A message's attributes, looked up by type (the first of each type wins, as the kernel's nla_find does).</summary>
internal sealed class NetlinkAttributes
{
    private NetlinkAttributes(List<NetlinkAttribute> all, string? problem)
    {
        All = all;
        Problem = problem;
    }

    public IReadOnlyList<NetlinkAttribute> All { get; }

    /// <summary>Why parsing stopped early, or null when every byte was an attribute.</summary>
    public string? Problem { get; }

    public static NetlinkAttributes Parse(ReadOnlyMemory<byte> bytes)
    {
        var (all, problem) = NetlinkAttribute.ParseAll(bytes);
        return new NetlinkAttributes(all, problem);
    }

    public NetlinkAttribute? this[ushort type]
    {
        get
        {
            foreach (var attribute in All)
            {
                if (attribute.Type == type)
                {
                    return attribute;
                }
            }

            return null;
        }
    }

    public bool Has(ushort type) => this[type] is not null;
}
