using System.Net;
using System.Net.Sockets;

namespace Nsock.Endpoints;

/// <summary>
/// What differs between datagram families, in one row each: how large a datagram may be, the
/// address that receives from any sender, whether a sender can be answered, and what "nobody
/// there" is called. A new family (netlink) is one more row.
/// </summary>
/// <param name="FixedMax">The largest datagram, where the protocol fixes it; null: as the socket's send buffer allows.</param>
/// <param name="Refused">What a refused datagram means here.</param>
internal sealed record DatagramFamily(string Name, int? FixedMax, string Refused)
{
    /// <summary>UDP: 65535 less the 8-byte UDP and 20-byte IPv4 headers (kept for IPv6 too, so one limit holds everywhere).</summary>
    public static readonly DatagramFamily Udp = new("UDP", 65507, "connection refused (port unreachable)");

    /// <summary>Unix datagrams: as large as the sender's socket buffer allows (nsock raises it as needed).</summary>
    public static readonly DatagramFamily Unix = new("unix", null, "connection refused (nobody listening)");

    /// <summary>Netlink: messages as large as the socket's buffers; the kernel is port 0.</summary>
    public static readonly DatagramFamily Netlink = new("netlink", null, "connection refused (no netlink socket at that port)");

    public static DatagramFamily Of(Socket socket) => socket.AddressFamily == AddressFamily.Unix ? Unix : Udp;

    /// <summary>Where a receive takes datagrams from any sender.</summary>
    public static EndPoint AnySender(Socket socket) => socket.AddressFamily switch
    {
        AddressFamily.InterNetworkV6 => new IPEndPoint(IPAddress.IPv6Any, 0),
        AddressFamily.InterNetwork => new IPEndPoint(IPAddress.Any, 0),
        _ => socket.LocalEndPoint ?? new UnixDomainSocketEndPoint("\0"),
    };

    /// <summary>A unix sender without an address of its own can send, but cannot be answered.</summary>
    public static bool CanAnswer(EndPoint sender) => !EndpointText.IsUnbound(sender);
}
