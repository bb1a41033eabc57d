using System.Net;
using System.Net.Sockets;
using Nsock.Terminal;

namespace Nsock.Endpoints;

/// <summary>What a TCP client needs to reach its server.</summary>
internal sealed record TcpConnectTarget(string Host, int Port, IpFamily Family, TimeSpan? Timeout, SourceAddress? Source);

/// <summary>
/// Opens a TCP connection: resolves HOST, then tries each address in turn (each attempt gets
/// the whole -w timeout), binding the -s source first when one is given.
/// </summary>
internal static class TcpConnector
{
    public static async Task<Socket> ConnectAsync(TcpConnectTarget target, CancellationToken ct)
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
                return socket;
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
}
