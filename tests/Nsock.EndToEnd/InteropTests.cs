using System.Net;
using System.Net.Sockets;

namespace Nsock.EndToEnd;

/// <summary>
/// nsock against real third-party peers, in both roles and over TCP and unix stream sockets: nsock
/// connects to the peer's server, and the peer connects to nsock's server. Over TCP the peers are
/// python3 sockets, socat, ncat and OpenBSD nc; over a unix path socat and nc (<c>nc -U</c>). Each
/// test moves data both ways with half-close (<see cref="Exchange"/>: the peer finishes sending
/// first, as some peers quit at their socket's EOF) and checks both sides got exactly the bytes.
/// </summary>
public sealed class InteropTests
{
    private static readonly TimeSpan Wait = Exchange.Wait;

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

    public static TheoryData<Family, string> Peers => new()
    {
        { Family.Tcp4, "python3" },
        { Family.Tcp4, "socat" },
        { Family.Tcp4, "ncat" },
        { Family.Tcp4, "nc" },
        { Family.Unix, "socat" },
        { Family.Unix, "nc" },
    };

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Nsock_connects_and_exchanges_data_with_a_peer_server(Family family, string peer)
    {
        ToolPlatform.NeedsFor(family);
        using var dir = new UnixTempDir();
        var port = family == Family.Unix ? 0 : Loopback.FreePort();
        var path = dir.File("peer.sock");
        var target = family == Family.Unix ? path : $"127.0.0.1:{port}";
        await using var server = RunningProcess.Start(peer, ServerArgs(family, peer, port, path));
        if (family == Family.Unix)
        {
            await Unix.WaitForSocketFileAsync(path, server, Wait);
        }

        string[] args = family == Family.Unix ? ["unix", "-v", path] : ["connect", "-v", "-w", "5", "127.0.0.1", port.ToString()];
        await using var nsock = await NsockWhenListening.ConnectAsync(args, target, server, Wait);

        await Exchange.BothWaysAsync(nsock, server, Bytes.Random(seed: 1, 200_003), Bytes.Random(seed: 2, 300_007));
    }

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task A_peer_client_exchanges_data_with_nsock_listening(Family family, string peer)
    {
        await using var server = await NsockServer.StartAsync(family);
        await using var client = RunningProcess.Start(peer, ClientArgs(family, peer, server));

        await Exchange.BothWaysAsync(server.Nsock, client, Bytes.Random(seed: 3, 200_003), Bytes.Random(seed: 4, 300_007));
        if (family == Family.Unix)
        {
            await Unix.AssertGoneAsync(server.Path);
        }
    }

    private static string[] ServerArgs(Family family, string peer, int port, string path) => (family, peer) switch
    {
        (Family.Tcp4, "python3") => ["-c", PythonPeer, "listen", port.ToString()],
        // -t: after the first EOF, keep relaying the other direction (default is only 0.5 s).
        (Family.Tcp4, "socat") => ["-t", "30", $"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr", "-"],
        (Family.Tcp4, "ncat") => ["-l", "127.0.0.1", port.ToString()],
        // Debian's netcat-openbsd only half-closes on stdin EOF with -N.
        (Family.Tcp4, "nc") => ["-N", "-l", "127.0.0.1", port.ToString()],
        (Family.Unix, "socat") => ["-t", "30", $"UNIX-LISTEN:{path}", "-"],
        (Family.Unix, "nc") => ["-N", "-lU", path],
        _ => throw new ArgumentOutOfRangeException(nameof(peer), $"{peer} over {family}", null),
    };

    private static string[] ClientArgs(Family family, string peer, NsockServer server) => (family, peer) switch
    {
        (Family.Tcp4, "python3") => ["-c", PythonPeer, "connect", server.Port.ToString()],
        (Family.Tcp4, "socat") => ["-t", "30", "-", $"TCP:127.0.0.1:{server.Port}"],
        (Family.Tcp4, "ncat") => ["127.0.0.1", server.Port.ToString()],
        (Family.Tcp4, "nc") => ["-N", "127.0.0.1", server.Port.ToString()],
        (Family.Unix, "socat") => ["-t", "30", "-", $"UNIX-CONNECT:{server.Path}"],
        (Family.Unix, "nc") => ["-N", "-U", server.Path],
        _ => throw new ArgumentOutOfRangeException(nameof(peer), $"{peer} over {family}", null),
    };
}
