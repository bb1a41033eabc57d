using System.Globalization;
using System.Text;

namespace Nsock.Netlink;

/// <summary>
/// Names of numbers (an enum) or of bits (a flags word), as the annotated dump prints them. A
/// value or bit the table does not know prints as a number: tables lag behind the kernel.
/// </summary>
internal sealed class AnnotationNames
{
    private readonly Dictionary<ulong, string> _names;
    private readonly bool _bits;

    private AnnotationNames(Dictionary<ulong, string> names, bool bits)
    {
        _names = names;
        _bits = bits;
    }

    /// <summary>Each value has one name.</summary>
    public static AnnotationNames Enum(params (ulong Value, string Name)[] names) =>
        new(names.ToDictionary(n => n.Value, n => n.Name), bits: false);

    /// <summary>Each bit has one name.</summary>
    public static AnnotationNames Flags(params (ulong Bit, string Name)[] names) =>
        new(names.ToDictionary(n => n.Bit, n => n.Name), bits: true);

    public string? NameOf(ulong value) => _names.GetValueOrDefault(value);

    /// <summary>"772 (LOOPBACK)" for an enum, "0x10049 &lt;UP,LOOPBACK,RUNNING,LOWER_UP&gt;" for flags; the bare number when nothing is known.</summary>
    public string Describe(ulong value) => _bits ? DescribeBits(value, this) : DescribeValue(value, NameOf(value));

    public static string DescribeValue(ulong value, string? name) =>
        name is null ? value.ToString(CultureInfo.InvariantCulture) : $"{value.ToString(CultureInfo.InvariantCulture)} ({name})";

    /// <summary>Hex, then the names of the set bits in angle brackets; unnamed bits as hex among them.</summary>
    public static string DescribeBits(ulong value, AnnotationNames? names)
    {
        var text = new StringBuilder("0x").Append(value.ToString("x", CultureInfo.InvariantCulture));
        if (value == 0)
        {
            return text.ToString();
        }

        text.Append(" <");
        var first = true;
        for (var bit = 0; bit < 64; bit++)
        {
            var mask = 1UL << bit;
            if ((value & mask) == 0)
            {
                continue;
            }

            text.Append(first ? "" : ",").Append(names?.NameOf(mask) ?? "0x" + mask.ToString("x", CultureInfo.InvariantCulture));
            first = false;
        }

        return text.Append('>').ToString();
    }
}
