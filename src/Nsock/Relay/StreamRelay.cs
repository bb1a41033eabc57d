using System.Buffers;
using System.Net.Sockets;
using Nsock.Endpoints;

namespace Nsock.Relay;

/// <summary>
/// The data plane for every connected stream socket: pumps local source → socket and
/// socket → local sink at once, with half-close (source EOF shuts down our sending side and
/// keeps reading; socket EOF completes the sink and keeps sending) until both are done.
/// </summary>
internal sealed class StreamRelay
{
    private readonly Socket _socket;
    private readonly LocalEnd _end;
    private readonly RelayOptions _options;
    private readonly string _peer;
    private readonly ActivityClock _clock = new();
    private readonly HexDump? _hex;
    private long _bytesReceived;
    private volatile bool _outputClosed;
    private volatile NsockException? _outputFailure;

    /// <param name="localEnd">Builds the local end; it gets this connection's send path, for ends that answer the peer (echo).</param>
    public StreamRelay(Socket socket, RelayOptions options, string peer, Func<SocketSender, LocalEnd> localEnd)
    {
        _socket = socket;
        _options = options;
        _peer = peer;
        _hex = options.HexDump ? new HexDump(peer) : null;
        Sender = new SocketSender(socket, options, _hex, _clock);
        _end = localEnd(Sender);
    }

    private SocketSender Sender { get; }

    public async Task<RelayResult> RunAsync(CancellationToken ct)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pumps = new[]
        {
            EndSessionOnFailure(SendAsync(session.Token), session),
            EndSessionOnFailure(ReceiveAsync(session.Token), session),
        };

        var idle = false;
        var watch = _options.IdleTimeout is { } limit
            ? _clock.WaitForIdleAsync(limit, session.Token).ContinueWith(
                t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        idle = true;
                        session.Cancel();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default)
            : Task.CompletedTask;

        try
        {
            await Task.WhenAll(pumps).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // One side ended the session on purpose (or the idle watch did); the other was cut short.
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
        }

        ct.ThrowIfCancellationRequested();
        var outcome = _outputFailure is not null ? RelayOutcome.OutputFailed
            : _outputClosed ? RelayOutcome.OutputClosed
            : idle ? RelayOutcome.IdleTimeout
            : RelayOutcome.Completed;
        return new RelayResult(outcome, Sender.BytesSent, Interlocked.Read(ref _bytesReceived), _outputFailure);
    }

    // A failing pump must not leave the other one waiting forever.
    private static async Task EndSessionOnFailure(Task pump, CancellationTokenSource session)
    {
        try
        {
            await pump.ConfigureAwait(false);
        }
        catch
        {
            await session.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task SendAsync(CancellationToken ct)
    {
        if (_end.Source is not { } source)
        {
            return;
        }

        var fairness = default(FairShare);
        while (true)
        {
            await fairness.TurnAsync().ConfigureAwait(false);

            // Like the receive side: no buffer is held while the source has nothing to give.
            await source.WaitForDataAsync(ct).ConfigureAwait(false);
            var buffer = ArrayPool<byte>.Shared.Rent(_options.BufferSize);
            try
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, _options.BufferSize), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                _clock.Touch();
                await Guard(Sender.SendAsync(buffer.AsMemory(0, read), ct)).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        Sender.ShutdownSend();
        if (_end.SourceEndEndsSession)
        {
            throw new OperationCanceledException();
        }
    }

    private async Task ReceiveAsync(CancellationToken ct)
    {
        var drained = true;
        var fairness = default(FairShare);
        while (true)
        {
            await fairness.TurnAsync().ConfigureAwait(false);

            // Once the socket is drained, wait for data before renting a buffer, so an idle
            // connection holds no memory; while data streams in, read on at once.
            if (drained)
            {
                await Guard(_socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, ct)).ConfigureAwait(false);
            }

            var buffer = ArrayPool<byte>.Shared.Rent(_options.BufferSize);
            try
            {
                var received = await Guard(_socket.ReceiveAsync(buffer.AsMemory(0, _options.BufferSize), SocketFlags.None, ct)).ConfigureAwait(false);
                if (received == 0)
                {
                    break;
                }

                drained = received < _options.BufferSize;

                Interlocked.Add(ref _bytesReceived, received);
                _clock.Touch();
                _hex?.Received(buffer.AsSpan(0, received));
                if (_end.Sink is { } sink)
                {
                    await WriteToSinkAsync(sink, buffer.AsMemory(0, received), ct).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        if (_end.Sink is { } done)
        {
            await WriteToSinkAsync(done, ReadOnlyMemory<byte>.Empty, ct, complete: true).ConfigureAwait(false);
        }

        if (_end.SocketEndEndsSession)
        {
            throw new OperationCanceledException();
        }
    }

    /// <summary>Writes a chunk, or with <paramref name="complete"/> completes the sink (socket EOF).</summary>
    private async ValueTask WriteToSinkAsync(IRelaySink sink, ReadOnlyMemory<byte> chunk, CancellationToken ct, bool complete = false)
    {
        try
        {
            await (complete ? sink.CompleteAsync(ct) : sink.WriteAsync(chunk, ct)).ConfigureAwait(false);
        }
        catch (SinkClosedException)
        {
            _outputClosed = true;
            throw new OperationCanceledException();
        }
        catch (NsockException e)
        {
            // The local end failed (stdout on a full disk): not this peer's doing, and fatal to nsock.
            _outputFailure = e;
            throw new OperationCanceledException();
        }
    }

    // Socket errors become one-line failures naming the peer.
    private async ValueTask Guard(ValueTask operation)
    {
        try
        {
            await operation.ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw SocketFailure.From(e, _peer);
        }
    }

    private async ValueTask<int> Guard(ValueTask<int> operation)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw SocketFailure.From(e, _peer);
        }
    }
}
