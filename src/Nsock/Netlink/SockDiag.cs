namespace Nsock.Netlink;

/// <summary>
/// NETLINK_SOCK_DIAG: the dump requests <c>ss</c> sends and the decoding of the kernel's answers
/// into one record per socket. The answers to a TCP and a UDP dump look the same (inet_diag_msg
/// does not say which protocol), so the decoder is told which dump it reads.
/// </summary>
internal static class SockDiag
{
    /// <summary>SOCK_DIAG_BY_FAMILY: the request type, and the type of every answer.</summary>
    public const ushort ByFamily = 20;

    public const byte AfUnix = 1, AfInet = 2, AfInet6 = 10;

    private const byte IpProtoTcp = 6, IpProtoUdp = 17;

    // unix_diag_req.udiag_show: UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN.
    private const uint UnixShow = 0x01 | 0x02 | 0x04 | 0x10;

    private const uint AllStates = 0xffffffff;

    /// <summary>
    /// The dump requests for <paramref name="kind"/>: tcp and udp one inet_diag_req_v2 per
    /// family (IPv4, then IPv6, numbered from <paramref name="firstSequence"/>), unix one
    /// unix_diag_req. <paramref name="listening"/> asks only for what <c>ss -l</c> shows: TCP
    /// LISTEN, UDP unconnected, unix LISTEN and unconnected (datagram sockets).
    /// </summary>
    public static IReadOnlyList<byte[]> DumpRequests(SockDiagKind kind, bool listening, uint firstSequence)
    {
        if (kind == SockDiagKind.Unix)
        {
            var states = listening ? (1u << SocketStates.Listen) | (1u << SocketStates.Close) : AllStates;
            Span<byte> unixRequest = stackalloc byte[24]; // family, protocol, pad, states, ino, show, cookie[2]
            unixRequest.Clear();
            unixRequest[0] = AfUnix;
            Write(unixRequest[4..], states);
            Write(unixRequest[12..], UnixShow);
            return [NetlinkRequest.DumpOf(ByFamily, firstSequence).Bytes(unixRequest).ToArray()];
        }

        var (protocol, only) = kind == SockDiagKind.Tcp ? (IpProtoTcp, SocketStates.Listen) : (IpProtoUdp, SocketStates.Close);
        var mask = listening ? 1u << only : AllStates;
        var requests = new List<byte[]>(2);
        Span<byte> inetRequest = stackalloc byte[InetSocketDecoder.RequestSize]; // family, protocol, ext, pad, states, sockid
        foreach (var family in (ReadOnlySpan<byte>)[AfInet, AfInet6])
        {
            inetRequest.Clear();
            inetRequest[0] = family;
            inetRequest[1] = protocol;
            Write(inetRequest[4..], mask);
            requests.Add(NetlinkRequest.DumpOf(ByFamily, firstSequence + (uint)requests.Count).Bytes(inetRequest).ToArray());
        }

        return requests;
    }

    /// <summary>
    /// The socket a SOCK_DIAG_BY_FAMILY answer describes, or null for other messages (DONE,
    /// ERROR) and families other than inet, inet6 and unix. <paramref name="kind"/> is the dump
    /// it answers: it names an inet socket tcp or udp, which the message itself does not say.
    /// </summary>
    /// <exception cref="NetlinkFormatException">The message is shorter than its fixed header, an attribute is cut, or an inet socket answers a unix dump.</exception>
    public static NetlinkRecord? Decode(NetlinkMessage message, SockDiagKind kind)
    {
        if (message.Type != ByFamily)
        {
            return null;
        }

        if (message.Payload.IsEmpty)
        {
            throw new NetlinkFormatException("sock_diag answer: no bytes after the header");
        }

        switch (message.Payload.Span[0])
        {
            case AfUnix:
                return UnixSocketDecoder.Decode(message.Payload);
            case AfInet or AfInet6 when kind == SockDiagKind.Unix:
                throw new NetlinkFormatException("sock_diag answer: an inet socket in a unix dump");
            case AfInet or AfInet6:
                return InetSocketDecoder.Decode(message.Payload, kind == SockDiagKind.Tcp ? "tcp" : "udp");
            default:
                return null;
        }
    }

    /// <summary>The attributes after a fixed header; a cut one makes the whole message malformed.</summary>
    internal static NetlinkAttributes Attributes(ReadOnlyMemory<byte> payload, int fixedSize, string what)
    {
        var attributes = NetlinkAttributes.Parse(payload[Math.Min(NetlinkHeader.Align(fixedSize), payload.Length)..]);
        return attributes.Problem is { } problem ? throw new NetlinkFormatException($"{what}: {problem}") : attributes;
    }

    private static void Write(Span<byte> bytes, uint value) => System.Runtime.InteropServices.MemoryMarshal.Write(bytes, in value);
}
