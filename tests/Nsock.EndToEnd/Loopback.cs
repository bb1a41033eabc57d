using System.Net;
using System.Net.Sockets;

namespace Nsock.EndToEnd;

/// <summary>
/// In-test TCP peers on loopback, on ports the kernel picks, how nsock names their addresses, and
/// the bounded socket I/O that test peers of every stream family (TCP and unix) share.
/// </summary>
internal static class Loopback
{
    public static Socket Listen(IPAddress? address = null, int backlog = 16, int port = 0)
    {
        address ??= IPAddress.Loopback;
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, port));
        socket.Listen(backlog);
        return socket;
    }

    public static int PortOf(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    /// <summary>
    /// A port that was free a moment ago on <paramref name="address"/> (127.0.0.1 by default), for
    /// sockets of <paramref name="type"/> (TCP by default, UDP for Dgram): bound to port 0, read, released.
    /// </summary>
    public static int FreePort(IPAddress? address = null, SocketType type = SocketType.Stream)
    {
        address ??= IPAddress.Loopback;
        using var probe = new Socket(address.AddressFamily, type, type == SocketType.Dgram ? ProtocolType.Udp : ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(address, 0));
        return PortOf(probe);
    }

    /// <summary>How nsock names an address and port: 127.0.0.1:80, [::1]:80.</summary>
    public static string Shown(IPAddress address, int port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

    /// <inheritdoc cref="Shown(IPAddress, int)"/>
    public static string Shown(string host, int port) => Shown(IPAddress.Parse(host), port);

    /// <inheritdoc cref="Shown(IPAddress, int)"/>
    public static string Shown(EndPoint endPoint) => Shown(((IPEndPoint)endPoint).Address, ((IPEndPoint)endPoint).Port);

    public static async Task<Socket> ConnectAsync(int port, IPAddress? address = null, TimeSpan? timeout = null)
    {
        address ??= IPAddress.Loopback;
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token);
        return socket;
    }

    public static async Task<Socket> AcceptAsync(Socket listener, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? RunningProcess.DefaultWait);
        return await listener.AcceptAsync(cts.Token);
    }

    /// <summary>Reads until the peer's EOF (bounded in time).</summary>
    public static async Task<byte[]> ReadToEndAsync(Socket socket, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? RunningProcess.DefaultWait);
        var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
        {
            all.Write(buffer, 0, read);
        }

        return all.ToArray();
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes (bounded in time).</summary>
    public static async Task<byte[]> ReadExactlyAsync(Socket socket, int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? RunningProcess.DefaultWait);
        var data = new byte[count];
        var got = 0;
        while (got < count)
        {
            var read = await socket.ReceiveAsync(data.AsMemory(got), SocketFlags.None, cts.Token);
            if (read == 0)
            {
                throw new EndOfStreamException($"EOF after {got} of {count} bytes");
            }

            got += read;
        }

        return data;
    }

    /// <summary>Sends all of <paramref name="data"/> (bounded in time, 20 s by default).</summary>
    public static async Task SendAllAsync(Socket socket, byte[] data, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? RunningProcess.DefaultWait);
        await SendAllAsync(socket, data, cts.Token);
    }

    /// <summary>Sends all of <paramref name="data"/>, however many sends it takes.</summary>
    public static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            data = data[await socket.SendAsync(data, SocketFlags.None, ct)..];
        }
    }
}
