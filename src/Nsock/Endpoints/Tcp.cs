using System.Net;
using System.Net.Sockets;
using Nsock.Relay;
using Nsock.Terminal;

namespace Nsock.Endpoints;

/// <summary>What a TCP client needs to reach its server.</summary>
internal sealed record TcpConnectTarget(string Host, int Port, IpFamily Family, TimeSpan? Timeout, SourceAddress? Source);

/// <summary>Where a TCP server listens: HOST null means every address (dual stack unless -4/-6).</summary>
internal sealed record TcpListenAddress(string? Host, int Port, IpFamily Family, int Backlog);

/// <summary>
/// Opens TCP: a client connection (HOST resolved, each address tried in turn with the whole -w
/// timeout, the -s source bound first), or a listener. Without HOST and without -4/-6 one IPv6
/// socket with IPV6_V6ONLY off takes IPv4 and IPv6 peers alike; where the machine has no IPv6,
/// IPv4 alone.
/// </summary>
internal static class Tcp
{
    public static async Task<IConnection> ConnectAsync(TcpConnectTarget target, CancellationToken ct)
    {
        var addresses = await AddressResolver.ResolveAsync(target.Host, target.Family, ct).ConfigureAwait(false);
        var sourceAddresses = target.Source?.Host is { } sourceHost
            ? await AddressResolver.ResolveAsync(sourceHost, target.Family, ct).ConfigureAwait(false)
            : [];

        NsockException? last = null;
        foreach (var address in addresses)
        {
            var remote = new IPEndPoint(address, target.Port);
            try
            {
                var socket = await ConnectOneAsync(remote, target, sourceAddresses, ct).ConfigureAwait(false);
                Log.Info($"connected to {EndpointText.Format(remote)}" + (target.Host != address.ToString() ? $" ({target.Host})" : ""));
                return new SocketConnection(socket, EndpointText.Format(socket.RemoteEndPoint));
            }
            catch (NsockException e) when (addresses.Length > 1 && e.ExitCode != ExitCodes.LocalResource)
            {
                Log.Warn(e.What, e.Why);
                last = e;
            }
        }

        throw last!;
    }

    private static async Task<Socket> ConnectOneAsync(IPEndPoint remote, TcpConnectTarget target, IPAddress[] sourceAddresses, CancellationToken ct)
    {
        var what = EndpointText.Format(remote);
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (target.Source is { } source)
            {
                Bind(socket, remote.AddressFamily, source, sourceAddresses);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (target.Timeout is { } limit)
            {
                timeout.CancelAfter(limit);
            }

            try
            {
                await socket.ConnectAsync(remote, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new NsockException(ExitCodes.Timeout, what, $"connect timed out after {target.Timeout!.Value.TotalSeconds:0.###} s");
            }
            catch (SocketException e)
            {
                throw SocketFailure.From(e, what);
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void Bind(Socket socket, AddressFamily family, SourceAddress source, IPAddress[] sourceAddresses)
    {
        var local = source.Host is null
            ? (family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any)
            : sourceAddresses.FirstOrDefault(a => a.AddressFamily == family)
              ?? throw NsockException.Usage(source.Host, $"source address is not of the target's family ({(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")})");
        var endPoint = new IPEndPoint(local, source.Port);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endPoint);
        }
        catch (SocketException e)
        {
            throw SocketFailure.From(e, "source " + EndpointText.Format(endPoint));
        }
    }

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
