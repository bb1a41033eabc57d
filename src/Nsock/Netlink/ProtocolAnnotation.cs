namespace Nsock.Netlink;

/// <summary>
/// What the annotated dump knows of one netlink protocol: the names of its message types,
/// whether a request is a GET (its flags 0x100-0x800 then mean ROOT/MATCH/ATOMIC rather
/// than REPLACE/EXCL/CREATE/APPEND; null when the tables cannot tell), and the fixed header that follows nlmsghdr for a message
/// (null: the payload is shown as hex).
/// </summary>
internal sealed record ProtocolAnnotation(
    Func<ushort, string?> TypeName,
    Func<ushort, ReadOnlyMemory<byte>, bool?> IsGet,
    Func<NetlinkHeader, ReadOnlyMemory<byte>, FixedHeaderLayout?> LayoutOf)
{
    /// <summary>A protocol nsock has no tables for: its messages are headers and hex.</summary>
    public static readonly ProtocolAnnotation Unknown = new(_ => null, (_, _) => null, (_, _) => null);

    public static ProtocolAnnotation For(int protocol) => protocol switch
    {
        NetlinkProtocol.Route => RouteAnnotation.Protocol,
        NetlinkProtocol.SockDiag => SockDiagAnnotation.Protocol,
        NetlinkProtocol.Netfilter => NetfilterAnnotation.Protocol,
        NetlinkProtocol.Generic => GenericAnnotation.Protocol,
        _ => Unknown,
    };
}
