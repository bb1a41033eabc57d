namespace Nsock.Netlink;

/// <summary>How the annotated dump shows an attribute's value.</summary>
internal enum ValueKind
{
    /// <summary>Bytes in hex (also what every other kind falls back to when the size is wrong).</summary>
    Hex,

    /// <summary>A C string: up to the first NUL, escaped.</summary>
    Text,

    /// <summary>Every byte as text, NULs included (a unix socket's abstract name), escaped.</summary>
    RawText,
    U8,
    U16,
    U32,
    U64,
    S32,

    /// <summary>16 bits in network byte order (ports).</summary>
    Be16,

    /// <summary>32 bits in network byte order.</summary>
    Be32,

    /// <summary>An IPv4 or IPv6 address: by the message's family, else by its size.</summary>
    Address,

    /// <summary>A link-layer address, as colon-separated hex.</summary>
    Mac,

    /// <summary>Attributes, named by <see cref="AttributeSpec.Children"/>.</summary>
    Nested,

    /// <summary>Attributes whose types are indexes (1, 2, ...), each holding attributes named by <see cref="AttributeSpec.Children"/>.</summary>
    Indexed,
}

/// <summary>
/// What the annotator knows of one attribute type: its name, how to show its value, the table of
/// its nested attributes and the names of its values or bits.
/// </summary>
internal sealed record AttributeSpec(string Name, ValueKind Kind, AttributeTable? Children = null, AnnotationNames? Names = null);

/// <summary>The attribute types of one attribute space (IFLA_*, RTA_*, CTRL_ATTR_*, ...), by number.</summary>
internal sealed class AttributeTable(params (int Type, AttributeSpec Spec)[] specs)
{
    private readonly Dictionary<int, AttributeSpec> _specs = specs.ToDictionary(s => s.Type, s => s.Spec);

    public AttributeSpec? this[int type] => _specs.GetValueOrDefault(type);

    /// <summary>A table of attributes all of one kind, named with a prefix: RTAX_MTU and the like.</summary>
    public static AttributeTable Of(ValueKind kind, params (int Type, string Name)[] names) =>
        new([.. names.Select(n => (n.Type, new AttributeSpec(n.Name, kind)))]);
}
