using System.Net;
using System.Net.Sockets;

namespace Nsock.EndToEnd;

/// <summary>In-test TCP peers on loopback, on ports the kernel picks.</summary>
internal static class Loopback
{
    public static Socket Listen(IPAddress? address = null, int backlog = 16)
    {
        address ??= IPAddress.Loopback;
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        socket.Listen(backlog);
        return socket;
    }

    public static int PortOf(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

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

    public static async Task SendAllAsync(Socket socket, byte[] data)
    {
        using var cts = new CancellationTokenSource(RunningProcess.DefaultWait);
        await socket.SendAsync(data, SocketFlags.None, cts.Token);
    }
}
