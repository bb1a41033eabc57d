using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Nsock.Endpoints;

/// <summary>
/// --interface for multicast: a name (lo, eth0) or one of the interface's addresses. IPv4
/// multicast options take an interface address, IPv6 ones an interface index.
/// </summary>
internal sealed record MulticastInterface(IPAddress V4Address, int V6Index)
{
    public static readonly MulticastInterface Default = new(IPAddress.Any, 0);

    public static MulticastInterface Resolve(string? text)
    {
        if (text is null)
        {
            return Default;
        }

        var interfaces = NetworkInterface.GetAllNetworkInterfaces();
        var found = interfaces.FirstOrDefault(n => n.Name == text);
        if (found is not null)
        {
            return new(FirstV4(found), IndexOf(found));
        }

        // An address is held to HOST's rules: four decimal numbers (the resolver's "127.1" or
        // "2130706433" would quietly mean 127.0.0.1), and a zone that names an interface.
        if (IPAddress.TryParse(text, out _) && HostName.ParseLiteral(text) is { } address)
        {
            found = interfaces.FirstOrDefault(n => n.GetIPProperties().UnicastAddresses.Any(u => u.Address.Equals(address)))
                ?? throw NsockException.Usage(text, "no interface has this address");
            return new(address.AddressFamily == AddressFamily.InterNetwork ? address : FirstV4(found), IndexOf(found));
        }

        throw NsockException.Usage(text, "no such interface (have: " + string.Join(", ", interfaces.Select(n => n.Name)) + ")");
    }

    private static IPAddress FirstV4(NetworkInterface nic) =>
        nic.GetIPProperties().UnicastAddresses.Select(u => u.Address).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
        ?? IPAddress.Any;

    private static int IndexOf(NetworkInterface nic) =>
        nic.Supports(NetworkInterfaceComponent.IPv6) ? nic.GetIPProperties().GetIPv6Properties().Index : 0;
}
