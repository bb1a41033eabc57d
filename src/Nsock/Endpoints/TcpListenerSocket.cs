using System.Net;
using System.Net.Sockets;
using Nsock.Terminal;

namespace Nsock.Endpoints;

/// <summary>
/// Binds and listens for TCP. Without HOST and without -4/-6 one IPv6 socket with IPV6_V6ONLY
/// off takes IPv4 and IPv6 peers alike; where the machine has no IPv6, IPv4 alone.
/// </summary>
internal static class TcpListenerSocket
{
    public static async Task<IStreamListener> ListenAsync(TcpListenAddress address, CancellationToken ct)
    {
        var local = await LocalEndPointAsync(address, ct).ConfigureAwait(false);
        var socket = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (local.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = address.Host is null && address.Family == IpFamily.Any;
            }

            // Like every server: a restart right after a previous run must not fail on TIME_WAIT.
            // (On Windows SO_REUSEADDR means something else and is left alone.)
            if (!OperatingSystem.IsWindows())
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            socket.Bind(local);
            socket.Listen(address.Backlog);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw SocketFailure.From(e, EndpointText.Format(local));
        }

        var name = EndpointText.Format(socket.LocalEndPoint);
        Log.Info($"listening on {name}");
        return new RuntimeStreamListener(socket, name);
    }

    private static async Task<IPEndPoint> LocalEndPointAsync(TcpListenAddress address, CancellationToken ct)
    {
        if (address.Host is not null)
        {
            var addresses = await AddressResolver.ResolveAsync(address.Host, address.Family, ct).ConfigureAwait(false);
            return new IPEndPoint(addresses[0], address.Port);
        }

        return address.Family switch
        {
            IpFamily.V4 => new IPEndPoint(IPAddress.Any, address.Port),
            IpFamily.V6 => new IPEndPoint(IPAddress.IPv6Any, address.Port),
            _ => new IPEndPoint(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, address.Port),
        };
    }
}
