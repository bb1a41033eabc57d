using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using Nsock.Terminal;

namespace Nsock.Netlink;

/// <summary>
/// Values as the annotated dump shows them: attribute values by their <see cref="ValueKind"/> and
/// fixed-header fields by their <see cref="FieldKind"/>. A value of the wrong size gives null (the
/// caller shows hex); text from the kernel is escaped for the terminal.
/// </summary>
internal static class AnnotatedValues
{
    /// <summary>The value of an attribute of <paramref name="spec"/>, or null when it is not what the spec says.</summary>
    public static string? Of(AttributeSpec spec, ReadOnlySpan<byte> value, int family) => spec.Kind switch
    {
        ValueKind.Text => Quoted(value.IndexOf((byte)0) is var nul and >= 0 ? value[..nul] : value),
        ValueKind.RawText => Quoted(value),
        ValueKind.U8 when value.Length == 1 => Number(value[0], spec.Names),
        ValueKind.U16 when value.Length == 2 => Number(BinaryPrimitives.ReadUInt16LittleEndian(value), spec.Names),
        ValueKind.U32 when value.Length == 4 => Number(BinaryPrimitives.ReadUInt32LittleEndian(value), spec.Names),
        ValueKind.U64 when value.Length == 8 => Number(BinaryPrimitives.ReadUInt64LittleEndian(value), spec.Names),
        ValueKind.S32 when value.Length == 4 => BinaryPrimitives.ReadInt32LittleEndian(value).ToString(CultureInfo.InvariantCulture),
        ValueKind.Be16 when value.Length == 2 => Number(BinaryPrimitives.ReadUInt16BigEndian(value), spec.Names),
        ValueKind.Be32 when value.Length == 4 => Number(BinaryPrimitives.ReadUInt32BigEndian(value), spec.Names),
        ValueKind.Address => Address(value, family),
        ValueKind.Mac when value.Length is > 0 and <= 32 => Mac(value),
        _ => null,
    };

    /// <summary>"name value" for one field of a fixed header that holds at least the field.</summary>
    public static string Field(HeaderField field, ReadOnlySpan<byte> header, int family)
    {
        var bytes = header.Slice(field.Offset, field.Size);
        var value = field.Kind switch
        {
            FieldKind.Signed => BinaryPrimitives.ReadInt32LittleEndian(bytes).ToString(CultureInfo.InvariantCulture),
            FieldKind.Flags => AnnotationNames.DescribeBits(Unsigned(bytes), field.Names),
            FieldKind.Hex => "0x" + Unsigned(bytes).ToString("x", CultureInfo.InvariantCulture),
            FieldKind.BigEndian => (bytes.Length == 2 ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes[..4]))
                .ToString(CultureInfo.InvariantCulture),
            FieldKind.Address => family switch
            {
                CommonAnnotation.AfInet => new IPAddress(bytes[..4]).ToString(),
                CommonAnnotation.AfInet6 => new IPAddress(bytes).ToString(),
                _ => AnnotationWriter.Hex(bytes),
            },
            FieldKind.Cookie => "0x" + BinaryPrimitives.ReadUInt64LittleEndian(bytes).ToString("x", CultureInfo.InvariantCulture),
            _ => Number(Unsigned(bytes), field.Names),
        };
        return field.Name + " " + value;
    }

    /// <summary>An address by the message's family, else by its size (4: IPv4, 16: IPv6), else null.</summary>
    public static string? Address(ReadOnlySpan<byte> value, int family) => (family, value.Length) switch
    {
        (not CommonAnnotation.AfInet6, 4) or (not CommonAnnotation.AfInet, 16) => new IPAddress(value).ToString(),
        _ => null,
    };

    private static string Number(ulong value, AnnotationNames? names) =>
        names?.Describe(value) ?? value.ToString(CultureInfo.InvariantCulture);

    private static ulong Unsigned(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        1 => bytes[0],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
    };

    private static string Quoted(ReadOnlySpan<byte> text) => "\"" + SafeText.Escape(text) + "\"";

    private static string Mac(ReadOnlySpan<byte> value)
    {
        var text = new StringBuilder(3 * value.Length);
        foreach (var b in value)
        {
            text.Append(text.Length == 0 ? "" : ":").Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
