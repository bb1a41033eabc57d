namespace Nsock.Netlink;

/// <summary>How the annotated dump shows a field of a fixed header.</summary>
internal enum FieldKind
{
    /// <summary>An unsigned number in host byte order (1, 2 or 4 bytes), named by the field's table when it has one.</summary>
    Number,

    /// <summary>A signed 32-bit number.</summary>
    Signed,

    /// <summary>A flags word: hex and the names of its bits.</summary>
    Flags,

    /// <summary>An unsigned number in hex (handles, masks).</summary>
    Hex,

    /// <summary>An unsigned number in network byte order (ports, ids).</summary>
    BigEndian,

    /// <summary>An address of 16 bytes: IPv4 in the first 4 when the header's family is AF_INET.</summary>
    Address,

    /// <summary>8 bytes (a socket cookie) as one hex number.</summary>
    Cookie,
}

/// <summary>One field of a fixed header: where it is, how big and how to show it.</summary>
internal sealed record HeaderField(string Name, int Offset, int Size, FieldKind Kind = FieldKind.Number, AnnotationNames? Names = null);

/// <summary>
/// A fixed header that follows nlmsghdr for some message types (ifinfomsg, rtmsg, inet_diag_msg,
/// genlmsghdr...): its size, its fields, and the attribute table of what comes after it. The
/// address family, when the header has one, is its first byte in every header nsock knows.
/// </summary>
internal sealed record FixedHeaderLayout(string Name, int Size, HeaderField[] Fields, AttributeTable? Attributes, bool HasFamily = true);
