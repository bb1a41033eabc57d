using System.Net;
using System.Net.Sockets;

namespace Nsock.EndToEnd;

/// <summary>
/// nsock against real third-party peers (python3 sockets, socat, ncat, OpenBSD nc), in both
/// roles: nsock connects to the peer's server, and the peer connects to nsock's server. Each
/// test moves data both ways and checks both sides got exactly the bytes, and that nsock exits 0.
/// </summary>
/// <remarks>
/// The exchange always lets the peer finish sending first: the peer's stdin is written and
/// closed, nsock's stdout is awaited until it holds all of it (so nsock has seen the peer's
/// data and, for half-closing peers, its EOF while nsock's own stdin is still open), then
/// nsock's stdin is written and closed. Some peers (ncat, nc -l) quit as soon as the socket
/// reaches EOF, so the other order would test the peer's policy, not nsock's.
/// </remarks>
public sealed class InteropTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>A full-duplex peer: socket → stdout on a thread, stdin → socket, SHUT_WR at stdin EOF.</summary>
    private const string PythonPeer = """
        import socket, sys, threading
        mode, port = sys.argv[1], int(sys.argv[2])
        if mode == 'listen':
            srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            srv.bind(('127.0.0.1', port))
            srv.listen(1)
            conn, _ = srv.accept()
            srv.close()
        else:
            conn = socket.create_connection(('127.0.0.1', port), timeout=10)
            conn.settimeout(None)
        def receive():
            out = sys.stdout.buffer
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                out.write(chunk)
            out.flush()
        reader = threading.Thread(target=receive)
        reader.start()
        src = sys.stdin.buffer
        while True:
            chunk = src.read1(65536)
            if not chunk:
                break
            conn.sendall(chunk)
        conn.shutdown(socket.SHUT_WR)
        reader.join()
        conn.close()
        """;

    public static TheoryData<string> Peers => new("python3", "socat", "ncat", "nc");

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Nsock_connect_exchanges_data_with_peer_server(string peer)
    {
        var port = FreePort();
        await using var server = RunningProcess.Start(peer, ServerArgs(peer, port));
        await using var nsock = await NsockWhenListening.ConnectAsync(["connect", "-v", "-w", "5", "127.0.0.1", port.ToString()], $"127.0.0.1:{port}", server, Wait);

        await ExchangeAsync(nsock, server, seed: 1);
    }

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Peer_client_exchanges_data_with_nsock_listen(string peer)
    {
        await using var nsock = RunningProcess.Nsock("listen", "-v", "127.0.0.1", "0");
        var port = await nsock.WaitForListeningPortAsync(Wait);
        await using var client = RunningProcess.Start(peer, ClientArgs(peer, port));

        await ExchangeAsync(nsock, client, seed: 2);
    }

    private static string[] ServerArgs(string peer, int port) => peer switch
    {
        "python3" => ["-c", PythonPeer, "listen", port.ToString()],
        // -t: after the first EOF, keep relaying the other direction (default is only 0.5 s).
        "socat" => ["-t", "30", $"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr", "-"],
        "ncat" => ["-l", "127.0.0.1", port.ToString()],
        // Debian's netcat-openbsd only half-closes on stdin EOF with -N.
        "nc" => ["-N", "-l", "127.0.0.1", port.ToString()],
        _ => throw new ArgumentOutOfRangeException(nameof(peer), peer, null),
    };

    private static string[] ClientArgs(string peer, int port) => peer switch
    {
        "python3" => ["-c", PythonPeer, "connect", port.ToString()],
        "socat" => ["-t", "30", "-", $"TCP:127.0.0.1:{port}"],
        "ncat" => ["127.0.0.1", port.ToString()],
        "nc" => ["-N", "127.0.0.1", port.ToString()],
        _ => throw new ArgumentOutOfRangeException(nameof(peer), peer, null),
    };

    /// <summary>Peer's stdin → nsock's stdout, then nsock's stdin → peer's stdout; both exactly.</summary>
    private static async Task ExchangeAsync(RunningProcess nsock, RunningProcess peer, int seed)
    {
        var random = new Random(seed);
        var fromPeer = new byte[200_003];
        var fromNsock = new byte[300_007];
        random.NextBytes(fromPeer);
        random.NextBytes(fromNsock);

        await peer.WriteStdinAsync(fromPeer).WaitAsync(Wait, TestContext.Current.CancellationToken);
        await peer.CloseStdinAsync().WaitAsync(Wait, TestContext.Current.CancellationToken);
        await nsock.Stdout.WaitForAsync(b => b.Length >= fromPeer.Length, Wait, $"{fromPeer.Length} bytes from {peer.Program} on nsock's stdout");
        Assert.False(nsock.HasExited, $"nsock ended while its stdin was still open; stderr:\n{nsock.Stderr}");

        await nsock.WriteStdinAsync(fromNsock).WaitAsync(Wait, TestContext.Current.CancellationToken);
        await nsock.CloseStdinAsync().WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal(0, await nsock.WaitForExitAsync(Wait));
        var peerExit = await peer.WaitForExitAsync(Wait);

        Bytes.AssertSame(fromPeer, nsock.Stdout.ToArray(), $"nsock's stdout (sent by {peer.Program})");
        Bytes.AssertSame(fromNsock, peer.Stdout.ToArray(), $"{peer.Program}'s stdout (sent by nsock)");
        Assert.True(peerExit == 0, $"{peer.Program} exited {peerExit}; stderr:\n{peer.Stderr}");
        Assert.DoesNotContain(nsock.StderrLines, line => line.StartsWith("nsock:", StringComparison.Ordinal));
    }

    /// <summary>A port that was free a moment ago: bind to port 0, read it, close.</summary>
    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
