using System.Globalization;

namespace Nsock.Netlink;

/// <summary>
/// Writes a run of attributes, one line each, named and valued by a table; nested ones indented
/// below their parent, at most <see cref="MaxDepth"/> levels deep. An attribute the table does not
/// know is "attr N" and hex (or its children, when it says it is nested). A run that does not
/// parse ends in a "malformed:" line and the hex of what is left.
/// </summary>
internal static class AttributeAnnotator
{
    public const int MaxDepth = 8;

    /// <summary>The attributes in <paramref name="bytes"/>; <paramref name="family"/> (from the fixed header) says how to read addresses.</summary>
    public static void Write(AnnotationWriter text, ReadOnlyMemory<byte> bytes, AttributeTable? table, int depth, int family, int level = 0, AttributeTable? arrayOf = null)
    {
        var (attributes, problem) = NetlinkAttribute.ParseAll(bytes);
        var offset = 0;
        foreach (var attribute in attributes)
        {
            var spec = arrayOf is not null
                ? new AttributeSpec("[" + attribute.Type.ToString(CultureInfo.InvariantCulture) + "]", ValueKind.Nested, arrayOf)
                : table?[attribute.Type];
            One(text, attribute, spec, depth, family, level, indexed: arrayOf is not null);
            offset += NetlinkHeader.Align(NetlinkAttribute.HeaderSize + attribute.Value.Length);
        }

        if (problem is not null)
        {
            text.Line(depth, "malformed: " + problem);
            text.HexLine(depth + 1, bytes.Span[Math.Min(offset, bytes.Length)..]);
        }
    }

    /// <summary>Whether <paramref name="bytes"/> are attributes through to the end (for payloads nsock has no table for).</summary>
    public static bool AreAttributes(ReadOnlyMemory<byte> bytes) => NetlinkAttribute.ParseAll(bytes).Problem is null;

    private static void One(AnnotationWriter text, NetlinkAttribute attribute, AttributeSpec? spec, int depth, int family, int level, bool indexed)
    {
        var type = attribute.Type.ToString(CultureInfo.InvariantCulture);
        var label = spec is null ? "attr " + type : indexed ? spec.Name : $"{spec.Name} ({type})";
        var length = attribute.Value.Length.ToString(CultureInfo.InvariantCulture);
        var nested = spec is null ? attribute.Nested : spec.Kind is ValueKind.Nested or ValueKind.Indexed;
        if (nested)
        {
            text.Line(depth, $"{label} nested len {length}");
            if (level + 1 >= MaxDepth)
            {
                text.Line(depth + 1, $"nested deeper than {MaxDepth} levels: " + AnnotationWriter.Hex(attribute.Value.Span));
                return;
            }

            var array = spec?.Kind == ValueKind.Indexed ? spec.Children ?? new AttributeTable() : null;
            Write(text, attribute.Value, spec?.Children, depth + 1, family, level + 1, array);
            return;
        }

        var value = spec is null ? null : AnnotatedValues.Of(spec, attribute.Value.Span, family);
        value ??= attribute.Value.IsEmpty ? null : AnnotationWriter.Hex(attribute.Value.Span);
        text.Line(depth, value is null ? $"{label} len {length}" : $"{label} len {length}: {value}");
    }
}
