using System.Net;
using System.Net.Sockets;
using Nsock.Terminal;

namespace Nsock.Endpoints;

/// <summary>
/// How addresses are printed: 127.0.0.1:80, [::1]:80 (IPv4-mapped peers as IPv4), /path, @abstract
/// (a unix name is chosen by the peer, so what a terminal could act on is escaped).
/// </summary>
internal static class EndpointText
{
    public static string Format(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip => Format(ip.Address, ip.Port),
        UnixDomainSocketEndPoint unix => IsUnbound(unix) ? "(unbound)" : SafeText.Escape(unix.ToString()),
        null => "?",
        _ => endPoint.ToString() ?? "?",
    };

    /// <summary>A unix peer without an address of its own: it can send, but cannot be replied to.</summary>
    public static bool IsUnbound(EndPoint endPoint) => endPoint is UnixDomainSocketEndPoint unix && string.IsNullOrEmpty(unix.ToString());

    public static string Format(IPAddress address, int port)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
    }
}
