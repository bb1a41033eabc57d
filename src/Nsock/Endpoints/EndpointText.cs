using System.Net;
using System.Net.Sockets;

namespace Nsock.Endpoints;

/// <summary>How addresses are printed: 127.0.0.1:80, [::1]:80; IPv4-mapped peers as IPv4.</summary>
internal static class EndpointText
{
    public static string Format(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip => Format(ip.Address, ip.Port),
        null => "?",
        _ => endPoint.ToString() ?? "?",
    };

    public static string Format(IPAddress address, int port)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
    }
}
