using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Nsock.Endpoints;

namespace Nsock.Relay;

/// <summary>
/// The data plane for datagram sockets (UDP, and Unix datagram later). A datagram is the unit:
/// each chunk a source yields leaves as one datagram, and each datagram received is handed on
/// whole, with its sender, never merged, split or truncated. An empty datagram is data.
/// </summary>
internal sealed class DatagramRelay
{
    /// <summary>Receive buffer: larger than any datagram the socket API can deliver.</summary>
    public const int ReceiveBufferSize = 65536;

    private readonly Socket _socket;
    private readonly RelayOptions _options;
    private readonly string _name;
    private readonly CrlfEncoder? _crlf;
    private readonly HexDump? _hex;
    private long _sent;
    private long _received;

    /// <param name="name">How failures name this socket's peer or address.</param>
    public DatagramRelay(Socket socket, RelayOptions options, string name)
    {
        _socket = socket;
        _options = options;
        _name = name;
        _crlf = options.Crlf ? new CrlfEncoder() : null;
        _hex = options.HexDump ? new HexDump(name) : null;
    }

    public ActivityClock Clock { get; } = new();

    public long DatagramsSent => Interlocked.Read(ref _sent);

    public long DatagramsReceived => Interlocked.Read(ref _received);

    /// <summary>Sends one datagram; to the connected peer when <paramref name="to"/> is null.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, EndPoint? to, CancellationToken ct)
    {
        byte[]? scratch = null;
        try
        {
            if (_crlf is not null)
            {
                scratch = ArrayPool<byte>.Shared.Rent(CrlfEncoder.MaxOutputLength(datagram.Length));
                datagram = scratch.AsMemory(0, _crlf.Encode(datagram.Span, scratch));
            }

            _hex?.Sent(datagram.Span, to is null ? null : EndpointText.Format(to));
            try
            {
                _ = to is null
                    ? await _socket.SendAsync(datagram, SocketFlags.None, ct).ConfigureAwait(false)
                    : await _socket.SendToAsync(datagram, SocketFlags.None, to, ct).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw Failure(e, to);
            }

            Interlocked.Increment(ref _sent);
            Clock.Touch();
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>
    /// A server's answer to one of its peers: a peer that has gone since (a unix sender whose
    /// socket is closed or removed) costs a warning, not the server.
    /// </summary>
    public async ValueTask AnswerAsync(ReadOnlyMemory<byte> datagram, EndPoint to, CancellationToken ct)
    {
        try
        {
            await SendAsync(datagram, to, ct).ConfigureAwait(false);
        }
        catch (NsockException e) when (e.ExitCode is ExitCodes.Network or ExitCodes.LocalResource)
        {
            Terminal.Log.Warn(e.What, e.Why + " (not answered)");
        }
    }

    /// <summary>
    /// Sends every chunk <paramref name="source"/> yields as one datagram, until it ends.
    /// <paramref name="destination"/> picks the receiver of each (null: the connected peer);
    /// with <paramref name="answering"/>, these are a server's answers (see <see cref="AnswerAsync"/>).
    /// </summary>
    public async Task SendAllAsync(IRelaySource source, Func<CancellationToken, ValueTask<EndPoint?>> destination, CancellationToken ct, bool answering = false)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_options.BufferSize);
        var fairness = default(FairShare);
        try
        {
            while (true)
            {
                await fairness.TurnAsync().ConfigureAwait(false);
                var read = await fairness.Watch(source.ReadAsync(buffer.AsMemory(0, _options.BufferSize), ct)).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                // Asked after the read, so "the latest peer" is the latest when the data is there.
                var to = await destination(ct).ConfigureAwait(false);
                Clock.Touch();
                if (answering && to is not null)
                {
                    await AnswerAsync(buffer.AsMemory(0, read), to, ct).ConfigureAwait(false);
                }
                else
                {
                    await SendAsync(buffer.AsMemory(0, read), to, ct).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Receives datagrams into <paramref name="sink"/>, until <paramref name="count"/> of them (or for ever).</summary>
    public async Task ReceiveAllAsync(IDatagramSink sink, long? count, CancellationToken ct)
    {
        var anyAddress = AnyEndPoint(_socket);
        var fairness = default(FairShare);
        while (count is null || DatagramsReceived < count)
        {
            await fairness.TurnAsync().ConfigureAwait(false);

            // Wait for a datagram before renting, so a quiet socket holds no buffer.
            await fairness.Watch(WaitForDatagramAsync(ct)).ConfigureAwait(false);
            var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
            try
            {
                SocketReceiveFromResult result;
                try
                {
                    result = await _socket.ReceiveFromAsync(buffer.AsMemory(0, ReceiveBufferSize), SocketFlags.None, anyAddress, ct).ConfigureAwait(false);
                }
                catch (SocketException e)
                {
                    throw Failure(e, null);
                }

                Interlocked.Increment(ref _received);
                Clock.Touch();
                var datagram = buffer.AsMemory(0, result.ReceivedBytes);
                _hex?.Received(datagram.Span, EndpointText.Format(result.RemoteEndPoint));
                await sink.WriteAsync(datagram, result.RemoteEndPoint, ct).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private async ValueTask WaitForDatagramAsync(CancellationToken ct)
    {
        try
        {
            // A zero-byte peek waits for readability without taking the datagram.
            await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, ct).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw Failure(e, null);
        }
    }

    private NsockException Failure(SocketException e, EndPoint? to)
    {
        var what = to is null ? _name : EndpointText.Format(to);
        return e.SocketErrorCode == SocketError.ConnectionRefused
            ? new NsockException(ExitCodes.Network, what, _socket.AddressFamily == AddressFamily.Unix ? "connection refused (nobody listening)" : "connection refused (port unreachable)", e)
            : SocketFailure.From(e, what);
    }

    private static EndPoint AnyEndPoint(Socket socket) => socket.AddressFamily switch
    {
        AddressFamily.InterNetworkV6 => new IPEndPoint(IPAddress.IPv6Any, 0),
        AddressFamily.InterNetwork => new IPEndPoint(IPAddress.Any, 0),
        _ => socket.LocalEndPoint ?? throw new InvalidOperationException("unbound datagram socket"),
    };
}
