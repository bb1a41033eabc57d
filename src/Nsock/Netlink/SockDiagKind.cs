namespace Nsock.Netlink;

/// <summary>What <c>nsock netlink sock-diag --dump</c> lists: the sockets <c>ss -t</c>, <c>ss -u</c> or <c>ss -x</c> would.</summary>
internal enum SockDiagKind
{
    Tcp,
    Udp,
    Unix,
}
