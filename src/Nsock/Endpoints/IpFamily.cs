using System.Net.Sockets;

namespace Nsock.Endpoints;

/// <summary>Which IP family -4/-6 restrict to; Any means dual stack.</summary>
internal enum IpFamily
{
    Any,
    V4,
    V6,
}

internal static class IpFamilyExtensions
{
    public static bool Allows(this IpFamily family, AddressFamily address) => family switch
    {
        IpFamily.V4 => address == AddressFamily.InterNetwork,
        IpFamily.V6 => address == AddressFamily.InterNetworkV6,
        _ => address is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6,
    };

    public static string Flag(this IpFamily family) => family == IpFamily.V4 ? "-4" : "-6";

    public static string Name(this IpFamily family) => family == IpFamily.V4 ? "IPv4" : "IPv6";
}
