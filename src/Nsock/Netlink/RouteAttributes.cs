using System.Globalization;
using System.Net;
using System.Text;

namespace Nsock.Netlink;

/// <summary>
/// The attributes of one rtnetlink message, read strictly: an attribute list that does not parse,
/// or an attribute too short for the value it names, is a <see cref="NetlinkFormatException"/>
/// (naming the message), so a decoder never prints half a message or a made-up value. Absent
/// attributes are null; unknown ones are never looked at.
/// </summary>
internal sealed class RouteAttributes
{
    private readonly NetlinkAttributes _attributes;
    private readonly string _what;

    private RouteAttributes(NetlinkAttributes attributes, string what)
    {
        if (attributes.Problem is { } problem)
        {
            throw new NetlinkFormatException($"{what}: {problem}");
        }

        _attributes = attributes;
        _what = what;
    }

    /// <summary>
    /// The fixed header of <paramref name="message"/> (<paramref name="fixedSize"/> bytes, named
    /// <paramref name="header"/> in the error) and the attributes after it, 4-byte aligned.
    /// </summary>
    public static (ReadOnlyMemory<byte> Fixed, RouteAttributes Attributes) Of(NetlinkMessage message, int fixedSize, string header)
    {
        var what = RouteMessages.TypeName(message.Type);
        var payload = message.Payload;
        if (payload.Length < fixedSize)
        {
            throw new NetlinkFormatException($"{what}: {payload.Length} bytes after the header, less than its {fixedSize}-byte {header}");
        }

        var start = Math.Min(NetlinkHeader.Align(fixedSize), payload.Length);
        return (payload[..fixedSize], new RouteAttributes(NetlinkAttributes.Parse(payload[start..]), what));
    }

    /// <summary>The attributes nested in <paramref name="attribute"/>.</summary>
    public RouteAttributes Nested(NetlinkAttribute attribute) => new(attribute.Children, _what);

    /// <summary>The attributes in <paramref name="bytes"/> (after a nested fixed header, such as rtnexthop's).</summary>
    public RouteAttributes Parse(ReadOnlyMemory<byte> bytes) => new(NetlinkAttributes.Parse(bytes), _what);

    public string What => _what;

    public NetlinkAttribute? this[ushort type] => _attributes[type];

    public bool Has(ushort type) => _attributes.Has(type);

    public byte? U8(ushort type) => _attributes[type] is { } a ? a.U8 ?? throw Short(a, 1) : null;

    public ushort? U16(ushort type) => _attributes[type] is { } a ? a.U16 ?? throw Short(a, 2) : null;

    public uint? U32(ushort type) => _attributes[type] is { } a ? a.U32 ?? throw Short(a, 4) : null;

    public ulong? U64(ushort type) => _attributes[type] is { } a ? a.U64 ?? throw Short(a, 8) : null;

    public string? String(ushort type) => _attributes[type]?.String;

    public ReadOnlyMemory<byte>? Bytes(ushort type) => _attributes[type]?.Value;

    /// <summary>An address attribute of <paramref name="family"/>, as <c>ip</c> writes it.</summary>
    public string? Address(ushort type, int family) => _attributes[type] is { } a ? FormatAddress(family, a.Value.Span, type) : null;

    public NetlinkFormatException Short(NetlinkAttribute attribute, int size) =>
        new($"{_what}: attribute {attribute.Type} has {attribute.Value.Length} bytes, less than the {size} its value needs");

    /// <summary>
    /// An IPv4 or IPv6 address (inet_ntop's form); the multicast routing families (128, 129) hold
    /// the same. An address of the wrong size for an IP family is malformed; for other families
    /// (MPLS labels, bridge entries) 4 and 16 bytes are read as IP addresses, anything else as hex.
    /// </summary>
    public string FormatAddress(int family, ReadOnlySpan<byte> bytes, ushort type)
    {
        var size = family switch
        {
            2 or 128 => 4,
            10 or 129 => 16,
            _ => bytes.Length is 4 or 16 ? bytes.Length : 0,
        };
        if (size == 0)
        {
            return Hex(bytes);
        }

        if (bytes.Length != size)
        {
            throw new NetlinkFormatException($"{_what}: attribute {type} has {bytes.Length} bytes, not the {size} of an address of family {family}");
        }

        return new IPAddress(bytes).ToString();
    }

    /// <summary>
    /// A link-layer address as <c>ip</c> writes it (ll_addr_n2a): colon-separated hex bytes, but
    /// the IPv4 or IPv6 address of a tunnel's endpoint for the tunnel link types.
    /// </summary>
    public static string LinkAddress(ReadOnlySpan<byte> bytes, int linkType) => (bytes.Length, linkType) switch
    {
        (4, 768 or 776 or 778) => new IPAddress(bytes).ToString(),
        (16, 769 or 823) => new IPAddress(bytes).ToString(),
        _ => Hex(bytes),
    };

    private static string Hex(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (text.Length > 0)
            {
                text.Append(':');
            }

            text.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
