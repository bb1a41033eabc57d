namespace Nsock.Netlink;

/// <summary>The rtnetlink tables nsock dumps and monitors, as <c>--dump</c> and <c>--monitor</c> name them.</summary>
internal enum RouteTable
{
    Links,
    Addrs,
    Routes,
    Neighbors,
    Rules,
}
