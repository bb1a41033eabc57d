using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nsock.EndToEnd;

/// <summary>UDP helpers for the end-to-end tests: python3 peers (free ports and addresses as nsock shows them are in <see cref="Loopback"/>).</summary>
internal static class UdpPeers
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>Waits for the first complete line of a process's stdout and returns it.</summary>
    public static async Task<string> FirstLineAsync(RunningProcess process)
    {
        await process.Stdout.WaitForAsync(b => b.Contains((byte)'\n'), Wait, $"{process.Program}'s first line");
        return process.Stdout.Text.Split('\n')[0];
    }
}

/// <summary>
/// A python3 UDP echo server on <c>HOST:0</c>: sends every datagram back to its sender.
/// It prints its port as its first stdout line.
/// </summary>
internal sealed class PythonEchoPeer : IAsyncDisposable
{
    private const string Script = """
        import socket, sys
        host = sys.argv[1]
        s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((host, 0))
        print(s.getsockname()[1], flush=True)
        while True:
            data, addr = s.recvfrom(65535)
            s.sendto(data, addr)
        """;

    private readonly RunningProcess _process;

    private PythonEchoPeer(RunningProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<PythonEchoPeer> StartAsync(string host)
    {
        var process = RunningProcess.Start("python3", ["-c", Script, host]);
        try
        {
            var port = int.Parse(await UdpPeers.FirstLineAsync(process));
            return new PythonEchoPeer(process, port);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>The complete "got" lines (a line still being written is left for later).</summary>
    private static List<(int From, byte[] Data)> Parse(byte[] stdout)
    {
        var text = Encoding.UTF8.GetString(stdout);
        return [.. text[..(text.LastIndexOf('\n') + 1)].Split('\n')
            .Where(l => l.StartsWith("got ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .Select(w => (int.Parse(w[1]), Convert.FromHexString(w[2])))];
    }
}

/// <summary>
/// A python3 UDP peer on <c>HOST:0</c> driven by the test: <see cref="SendAsync"/> sends one
/// datagram to the target, and every datagram it receives is recorded with its source port.
/// </summary>
internal sealed class PythonUdpPeer : IAsyncDisposable
{
    // stdin: one hex-encoded datagram per line. stdout: "port N", then "got SRCPORT HEX" per datagram.
    private const string Script = """
        import socket, sys, threading
        host, port = sys.argv[1], int(sys.argv[2])
        s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((host, 0))
        print('port', s.getsockname()[1], flush=True)
        def receive():
            while True:
                data, addr = s.recvfrom(65535)
                print('got', addr[1], data.hex(), flush=True)
        threading.Thread(target=receive, daemon=True).start()
        while True:
            line = sys.stdin.readline()
            if not line:
                break
            s.sendto(bytes.fromhex(line.strip()), (host, port))
        """;

    private readonly RunningProcess _process;

    private PythonUdpPeer(RunningProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The peer's own (source) port.</summary>
    public int Port { get; }

    public static async Task<PythonUdpPeer> StartAsync(string host, int targetPort)
    {
        var process = RunningProcess.Start("python3", ["-c", Script, host, targetPort.ToString()]);
        try
        {
            var first = await UdpPeers.FirstLineAsync(process);
            Assert.StartsWith("port ", first);
            return new PythonUdpPeer(process, int.Parse(first["port ".Length..]));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] datagram)
    {
        await _process.WriteStdinAsync(Convert.ToHexStringLower(datagram) + "\n").WaitAsync(UdpPeers.Wait, TestContext.Current.CancellationToken);
    }

    /// <summary>Every datagram received so far: source port and payload.</summary>
    public IReadOnlyList<(int From, byte[] Data)> Received => Parse(_process.Stdout.ToArray());

    /// <summary>Waits until at least <paramref name="count"/> datagrams have arrived; returns them all.</summary>
    public async Task<IReadOnlyList<(int From, byte[] Data)>> WaitForReceivedAsync(int count)
    {
        await _process.Stdout.WaitForAsync(
            b => Parse(b).Count >= count,
            UdpPeers.Wait,
            $"{count} datagrams at the python3 peer on port {Port}");
        return Received;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>The complete "got" lines (a line still being written is left for later).</summary>
    private static List<(int From, byte[] Data)> Parse(byte[] stdout)
    {
        var text = Encoding.UTF8.GetString(stdout);
        return [.. text[..(text.LastIndexOf('\n') + 1)].Split('\n')
            .Where(l => l.StartsWith("got ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .Select(w => (int.Parse(w[1]), Convert.FromHexString(w[2])))];
    }
}
