using System.Net.Sockets;

namespace Nsock.EndToEnd;

/// <summary>
/// nsock in a <see cref="Role"/> over a <see cref="Family"/>, connected to a socket of the test:
/// nsock listening (<see cref="NsockServer"/>) and the peer connecting once it says so, or the
/// test listening (<see cref="PeerListener"/>) and nsock connecting. Disposing ends both.
/// </summary>
internal sealed class Session : IAsyncDisposable
{
    private readonly PeerListener? _listener;
    private readonly NsockServer? _server;

    private Session(Family family, Role role, RunningProcess nsock, Socket peer, string peerName, Task feeding, NsockServer? server, PeerListener? listener)
    {
        Family = family;
        Role = role;
        Nsock = nsock;
        Peer = peer;
        PeerName = peerName;
        Feeding = feeding;
        _server = server;
        _listener = listener;
    }

    public Family Family { get; }

    public Role Role { get; }

    public RunningProcess Nsock { get; }

    /// <summary>The test's end of the connection.</summary>
    public Socket Peer { get; }

    /// <summary>
    /// How nsock names its peer in messages: the address it connected to, the client's address
    /// (<c>127.0.0.1:PORT</c>, <c>[::1]:PORT</c>), or for unix the path (an unbound client is named
    /// by the path it came in on).
    /// </summary>
    public string PeerName { get; }

    /// <summary>What <c>whenStarted</c> began (feeding stdin, say); await it to see it finished.</summary>
    public Task Feeding { get; }

    /// <summary>nsock with <paramref name="options"/> in <paramref name="role"/> over <paramref name="family"/>, connected.</summary>
    public static Task<Session> OpenAsync(Family family, Role role, params string[] options) => OpenAsync(family, role, options, whenStarted: null);

    /// <param name="whenStarted">Runs as soon as nsock is started, before the connection exists.</param>
    /// <param name="stdoutConsumer">Takes nsock's stdout instead of <see cref="RunningProcess.Stdout"/>.</param>
    public static async Task<Session> OpenAsync(Family family, Role role, string[] options, Func<RunningProcess, Task>? whenStarted, Func<Stream, CancellationToken, Task>? stdoutConsumer = null)
    {
        if (role == Role.NsockListens)
        {
            var server = NsockServer.Start(family, options, args => RunningProcess.Start(NsockTool.Path, args, stdoutConsumer));
            try
            {
                var feeding = whenStarted?.Invoke(server.Nsock) ?? Task.CompletedTask;
                await server.WaitUntilListeningAsync();
                var peer = await server.ConnectAsync();
                try
                {
                    await server.Nsock.WaitForStderrAsync("^connection from ");
                    var name = family == Family.Unix ? server.Path : Loopback.Shown(peer.LocalEndPoint!);
                    return new Session(family, role, server.Nsock, peer, name, feeding, server, null);
                }
                catch
                {
                    peer.Dispose();
                    throw;
                }
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }

        var listener = PeerListener.Open(family);
        RunningProcess? nsock = null;
        try
        {
            nsock = RunningProcess.Start(NsockTool.Path, listener.NsockArgs(options), stdoutConsumer);
            var feeding = whenStarted?.Invoke(nsock) ?? Task.CompletedTask;
            var peer = await listener.AcceptAsync();
            return new Session(family, role, nsock, peer, listener.Address, feeding, null, listener);
        }
        catch
        {
            if (nsock is not null)
            {
                await nsock.DisposeAsync();
            }

            listener.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Peer.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync(); // nsock, and its directory
        }
        else
        {
            await Nsock.DisposeAsync();
        }

        _listener?.Dispose();
    }
}
