using System.Net;
using System.Net.Sockets;

namespace Nsock.EndToEnd;

/// <summary>An in-test UDP socket on loopback: sees datagram boundaries exactly.</summary>
internal sealed class UdpPeer : IDisposable
{
    public UdpPeer(IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        Socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        Socket.Bind(new IPEndPoint(address, 0));
    }

    public Socket Socket { get; }

    public int Port => ((IPEndPoint)Socket.LocalEndPoint!).Port;

    public async Task<(byte[] Data, IPEndPoint From)> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? RunningProcess.DefaultWait);
        var buffer = new byte[65536];
        var result = await Socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(Socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0), cts.Token);
        return (buffer[..result.ReceivedBytes], (IPEndPoint)result.RemoteEndPoint);
    }

    /// <summary>True when nothing arrives within <paramref name="quiet"/>.</summary>
    public bool NothingWithin(TimeSpan quiet) => !Socket.Poll(quiet, SelectMode.SelectRead);

    public async Task SendToAsync(byte[] data, int port, IPAddress? address = null)
    {
        await Socket.SendToAsync(data, SocketFlags.None, new IPEndPoint(address ?? (Socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback), port));
    }

    public void Dispose() => Socket.Dispose();
}
