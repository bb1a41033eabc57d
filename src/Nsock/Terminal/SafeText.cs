using System.Globalization;
using System.Text;

namespace Nsock.Terminal;

/// <summary>
/// Makes names and paths safe to print on one line of a terminal or a log: control characters
/// (C0, DEL, C1), invisible format characters (such as bidirectional overrides), line separators
/// and bytes that are not UTF-8 become <c>\xHH</c> or <c>\u{HHHH}</c>. A peer chooses its own
/// unix address, so without this it could move the cursor, ring the bell, or forge whole lines.
/// Printable text, non-ASCII letters included, is kept as it is; escaping twice changes nothing.
/// </summary>
internal static class SafeText
{
    public static string Escape(string text)
    {
        if (!NeedsEscape(text))
        {
            return text;
        }

        var safe = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogatePair(text, i))
            {
                safe.Append(text, i, 2);
                i++;
            }
            else
            {
                Append(safe, text[i]);
            }
        }

        return safe.ToString();
    }

    /// <summary>Bytes as text: valid UTF-8 decoded (and escaped as above), every other byte as <c>\xHH</c>.</summary>
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var safe = new StringBuilder(bytes.Length + 16);
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out var consumed) == System.Buffers.OperationStatus.Done)
            {
                if (rune.IsBmp)
                {
                    Append(safe, (char)rune.Value);
                }
                else
                {
                    safe.Append(rune.ToString());
                }
            }
            else
            {
                safe.Append(@"\x").Append(bytes[0].ToString("x2", CultureInfo.InvariantCulture));
                consumed = 1;
            }

            bytes = bytes[consumed..];
        }

        return safe.ToString();
    }

    private static bool NeedsEscape(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogatePair(text, i))
            {
                i++;
            }
            else if (IsUnsafe(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static void Append(StringBuilder safe, char c)
    {
        if (!IsUnsafe(c))
        {
            safe.Append(c);
        }
        else if (c <= 0xFF)
        {
            safe.Append(@"\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
        }
        else
        {
            safe.Append(@"\u{").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)).Append('}');
        }
    }

    private static bool IsUnsafe(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate
        or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
}
