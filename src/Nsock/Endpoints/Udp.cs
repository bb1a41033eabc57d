using System.Net;
using System.Net.Sockets;
using Nsock.Relay;
using Nsock.Terminal;

namespace Nsock.Endpoints;

/// <summary>What udp-send aims at and how.</summary>
internal sealed record UdpSendTarget(string Host, int Port, IpFamily Family, SourceAddress? Source, bool Broadcast, int? Ttl, string? Interface);

/// <summary>Where udp-recv listens, and the multicast group it joins.</summary>
internal sealed record UdpBindAddress(string? Host, int Port, IpFamily Family, string? Group, string? Interface);

/// <summary>
/// An open UDP sender: connected to the target unless it is a broadcast or multicast address,
/// in which case <paramref name="To"/> says where each datagram goes.
/// </summary>
internal sealed record UdpSender(IDatagramChannel Channel, DatagramPeer? To);

/// <summary>Opens UDP sockets: a sender aimed at a target, a receiver bound (and joined to a group).</summary>
internal static class Udp
{
    public static async Task<UdpSender> OpenSenderAsync(UdpSendTarget target, int sendSize, CancellationToken ct)
    {
        var address = (await AddressResolver.ResolveAsync(target.Host, target.Family, ct).ConfigureAwait(false))[0];
        var remote = new IPEndPoint(address, target.Port);
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (target.Source is { } source)
            {
                var local = source.Host is null
                    ? AnyAddress(address.AddressFamily)
                    : (await AddressResolver.ResolveAsync(source.Host, target.Family, ct).ConfigureAwait(false)).FirstOrDefault(a => a.AddressFamily == address.AddressFamily)
                      ?? throw NsockException.Usage(source.Host, "source address is not of the target's family");
                Bind(socket, new IPEndPoint(local, source.Port));
            }

            var multicast = IsMulticast(address);
            ApplyOptions(socket, target, multicast);

            // Connected, the socket only hears the target and learns of ICMP port unreachable;
            // broadcast and multicast replies come from other addresses, so those stay unconnected.
            var connected = !target.Broadcast && !multicast;
            if (connected)
            {
                await socket.ConnectAsync(remote, ct).ConfigureAwait(false);
            }
            else if (target.Source is null)
            {
                // Replies are awaited from the start, before the first send would bind the socket
                // implicitly; a receive on an unbound socket fails on Windows.
                Bind(socket, new IPEndPoint(AnyAddress(address.AddressFamily), 0));
            }

            var name = EndpointText.Format(remote);
            var channel = SocketDatagramChannel.Open(socket, name, sendSize);
            Log.Info($"sending to {name}" + (target.Host != address.ToString() ? $" ({target.Host})" : ""));
            return new UdpSender(channel, connected ? null : new DatagramPeer(remote, name, CanAnswer: true));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied && !target.Broadcast)
        {
            socket.Dispose();
            throw new NsockException(ExitCodes.LocalResource, EndpointText.Format(remote), "permission denied (a broadcast address needs --broadcast)", e);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw SocketFailure.From(e, EndpointText.Format(remote));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private const int ReceiveBufferBytes = 4 * 1024 * 1024;

    public static async Task<IDatagramChannel> BindReceiverAsync(UdpBindAddress bind, int sendSize, CancellationToken ct)
    {
        var group = bind.Group is null ? null : await ResolveGroupAsync(bind.Group, bind.Family, ct).ConfigureAwait(false);
        var local = await LocalEndPointAsync(bind, group, ct).ConfigureAwait(false);
        var socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (local.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = bind.Host is null && bind.Family == IpFamily.Any && group is null;
            }

            if (group is not null)
            {
                // Several receivers of one group on one port is the normal case.
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            // Datagrams that arrive while nsock is busy (starting up, writing to a slow stdout)
            // wait in the receive buffer, and what does not fit is lost: ask for a large one.
            // The system caps it (net.core.rmem_max on Linux) without complaint.
            socket.ReceiveBufferSize = ReceiveBufferBytes;
            Bind(socket, local);
            if (group is not null)
            {
                Join(socket, group, MulticastInterface.Resolve(bind.Interface));
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var name = EndpointText.Format(socket.LocalEndPoint);
        var channel = SocketDatagramChannel.Open(socket, name, sendSize);
        Log.Info($"listening on {name}" + (group is null ? "" : $", group {group}"));
        return channel;
    }

    private static void ApplyOptions(Socket socket, UdpSendTarget target, bool multicast)
    {
        if (target.Broadcast)
        {
            socket.EnableBroadcast = true;
        }

        if (multicast)
        {
            var nic = MulticastInterface.Resolve(target.Interface);
            if (socket.AddressFamily == AddressFamily.InterNetwork)
            {
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, nic.V4Address.GetAddressBytes());
                if (target.Ttl is { } ttl)
                {
                    socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, ttl);
                }
            }
            else
            {
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, nic.V6Index);
                if (target.Ttl is { } hops)
                {
                    socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, hops);
                }
            }
        }
        else if (target.Ttl is { } ttl)
        {
            socket.Ttl = (short)ttl;
        }
    }

    private static async Task<IPAddress> ResolveGroupAsync(string text, IpFamily family, CancellationToken ct)
    {
        var group = (await AddressResolver.ResolveAsync(text, family, ct).ConfigureAwait(false))[0];
        return IsMulticast(group) ? group : throw NsockException.Usage(text, "not a multicast group address (224.0.0.0/4 or ff00::/8)");
    }

    private static async Task<IPEndPoint> LocalEndPointAsync(UdpBindAddress bind, IPAddress? group, CancellationToken ct)
    {
        if (bind.Host is not null)
        {
            var address = (await AddressResolver.ResolveAsync(bind.Host, bind.Family, ct).ConfigureAwait(false))[0];

            // The kernel hands group traffic only to sockets bound to the group or to the any
            // address of its family: any other HOST would listen and never hear a thing.
            if (group is not null && !address.Equals(group) && !address.Equals(AnyAddress(group.AddressFamily)))
            {
                throw NsockException.Usage(bind.Host, $"with --group, bind the group itself or {AnyAddress(group.AddressFamily)} (or give no HOST): multicast is delivered only to those");
            }

            return new IPEndPoint(address, bind.Port);
        }

        if (group is not null)
        {
            return new IPEndPoint(AnyAddress(group.AddressFamily), bind.Port);
        }

        return bind.Family switch
        {
            IpFamily.V4 => new IPEndPoint(IPAddress.Any, bind.Port),
            IpFamily.V6 => new IPEndPoint(IPAddress.IPv6Any, bind.Port),
            _ => new IPEndPoint(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, bind.Port),
        };
    }

    private static void Join(Socket socket, IPAddress group, MulticastInterface nic)
    {
        try
        {
            if (group.AddressFamily == AddressFamily.InterNetwork)
            {
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group, nic.V4Address));
            }
            else
            {
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(group, nic.V6Index));
            }
        }
        catch (SocketException e)
        {
            throw SocketFailure.From(e, "group " + group);
        }
    }

    private static void Bind(Socket socket, IPEndPoint local)
    {
        try
        {
            socket.Bind(local);
        }
        catch (SocketException e)
        {
            throw SocketFailure.From(e, EndpointText.Format(local));
        }
    }

    private static bool IsMulticast(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork
        ? (address.GetAddressBytes()[0] & 0xF0) == 0xE0
        : address.IsIPv6Multicast;

    private static IPAddress AnyAddress(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
}
