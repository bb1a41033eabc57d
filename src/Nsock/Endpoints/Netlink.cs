using System.Runtime.Versioning;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Nsock.Netlink;
using Nsock.Platform;

namespace Nsock.Endpoints;

/// <summary>
/// Opens AF_NETLINK sockets. The runtime's <see cref="Socket"/> has no netlink family, so the
/// socket is made and bound with libc and then handed to a <see cref="Socket"/>, which gives it
/// the same async I/O, cancellation and signals as every other family.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class Netlink
{
    private const int AfNetlink = 16, SockRaw = 3, SolSocket = 1, SoRcvbuf = 8, SoRcvbufForce = 33;
    private const int SolNetlink = 270, NetlinkAddMembership = 1, NetlinkExtAck = 11;
    private const int SockaddrSize = 12; // struct sockaddr_nl: family, pad, port id, groups

    /// <summary>
    /// A netlink socket of <paramref name="protocol"/>, bound (the kernel picks the port id) and
    /// subscribed to <paramref name="groups"/> (multicast group numbers, 1 and up), with a receive
    /// buffer of <paramref name="receiveBuffer"/> bytes when given (SO_RCVBUFFORCE where permitted,
    /// so net.core.rmem_max does not cap it).
    /// </summary>
    public static NetlinkChannel Open(int protocol, IReadOnlyCollection<int> groups, int? receiveBuffer = null)
    {
        var name = "netlink " + NetlinkProtocol.NameOf(protocol);
        if (!OperatingSystem.IsLinux())
        {
            throw new NsockException(ExitCodes.LocalResource, name, "netlink sockets exist only on Linux");
        }

        var fd = Libc.Socket(AfNetlink, SockRaw | Libc.SockCloexec, protocol);
        if (fd < 0)
        {
            throw Failure(name, "socket", Errno.Last);
        }

        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        try
        {
            if (receiveBuffer is { } size
                && Libc.SetSocketOption(fd, SolSocket, SoRcvbufForce, size) != 0
                && Libc.SetSocketOption(fd, SolSocket, SoRcvbuf, size) != 0)
            {
                throw Failure(name, "receive buffer", Errno.Last);
            }

            // Errors then carry the kernel's own explanation ("Invalid prefix for given prefix length").
            _ = Libc.SetSocketOption(fd, SolNetlink, NetlinkExtAck, 1);

            Span<byte> address = stackalloc byte[SockaddrSize];
            address.Clear();
            MemoryMarshal.Write(address, (ushort)AfNetlink);
            if (Libc.Bind(fd, address, SockaddrSize) != 0)
            {
                throw Failure(name, "bind", Errno.Last);
            }

            foreach (var group in groups)
            {
                if (Libc.SetSocketOption(fd, SolNetlink, NetlinkAddMembership, group) != 0)
                {
                    throw Failure(name, $"group {group}", Errno.Last);
                }
            }

            var length = SockaddrSize;
            var portId = Libc.GetSockName(fd, address, ref length) == 0 ? MemoryMarshal.Read<uint>(address[4..]) : 0u;
            return new NetlinkChannel(new Socket(handle), protocol, name, portId);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static NsockException Failure(string name, string step, int errno) => errno switch
    {
        Errno.EPROTONOSUPPORT => new NsockException(ExitCodes.LocalResource, name, "protocol not supported by this kernel"),
        Errno.EPERM or Errno.EACCES => new NsockException(ExitCodes.LocalResource, name, $"{step}: permission denied"),
        Errno.EMFILE or Errno.ENFILE => new NsockException(ExitCodes.LocalResource, name, "too many open files"),
        _ => new NsockException(ExitCodes.LocalResource, name, $"{step}: {Errno.Describe(errno)}"),
    };
}
