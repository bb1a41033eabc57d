using System.Globalization;
using System.Text;

namespace Nsock.Netlink;

/// <summary>The annotated dump's text: indented lines, each ending in '\n', and capped hex.</summary>
internal sealed class AnnotationWriter
{
    /// <summary>Bytes shown in hex before the rest is only counted.</summary>
    public const int MaxHexBytes = 64;

    private readonly StringBuilder _text = new();

    public void Line(int depth, string line) => _text.Append(' ', 2 * depth).Append(line).Append('\n');

    /// <summary>"01 02 03", or the first <see cref="MaxHexBytes"/> and "... (N bytes)".</summary>
    public static string Hex(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(3 * Math.Min(bytes.Length, MaxHexBytes) + 24);
        for (var i = 0; i < bytes.Length && i < MaxHexBytes; i++)
        {
            text.Append(i == 0 ? "" : " ").Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
        }

        if (bytes.Length > MaxHexBytes)
        {
            text.Append(" ... (").Append(bytes.Length.ToString(CultureInfo.InvariantCulture)).Append(" bytes)");
        }

        return text.ToString();
    }

    /// <summary>Bytes nothing could be made of: one line of hex, nothing when there are none.</summary>
    public void HexLine(int depth, ReadOnlySpan<byte> bytes)
    {
        if (!bytes.IsEmpty)
        {
            Line(depth, Hex(bytes));
        }
    }

    public override string ToString() => _text.ToString();
}
