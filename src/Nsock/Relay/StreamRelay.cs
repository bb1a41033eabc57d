using System.Buffers;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using Nsock.Endpoints;

namespace Nsock.Relay;

/// <summary>
/// The data plane for every connected stream socket: pumps local source → socket and
/// socket → local sink at once, with half-close (source EOF shuts down our sending side and
/// keeps reading; socket EOF completes the sink and keeps sending) until both are done. Each pump
/// ends by itself and records why; the first reason to end the session (an error, the local end
/// saying so, the idle clock) cancels the other pump. Nothing is held per connection while it is
/// idle but the two pending waits.
/// </summary>
internal sealed class StreamRelay
{
    private readonly Socket _socket;
    private readonly LocalEnd _end;
    private readonly RelayOptions _options;
    private readonly string _peer;
    private readonly ActivityClock _clock = new();
    private readonly HexDump? _hex;
    private CancellationTokenSource? _session;
    private long _bytesReceived;
    private int _ended;
    private RelayOutcome _outcome = RelayOutcome.Completed;
    private Exception? _error;

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

    /// <summary>
    /// Runs both pumps to their end. A failure of the connection is thrown (as an
    /// <see cref="NsockException"/> naming the peer); every other end is the result's outcome.
    /// </summary>
    public async Task<RelayResult> RunAsync(CancellationToken ct)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _session = session;
        var watch = _options.IdleTimeout is { } limit ? WatchIdleAsync(limit, session.Token) : Task.CompletedTask;
        var sending = SendAsync(session.Token);
        var receiving = ReceiveAsync(session.Token);
        await sending.ConfigureAwait(false);
        await receiving.ConfigureAwait(false);
        await session.CancelAsync().ConfigureAwait(false);
        await watch.ConfigureAwait(false);

        ct.ThrowIfCancellationRequested();
        if (_outcome == RelayOutcome.Failed)
        {
            ExceptionDispatchInfo.Throw(_error!);
        }

        return new RelayResult(_outcome, Sender.BytesSent, Interlocked.Read(ref _bytesReceived), _error as NsockException);
    }

    private async Task SendAsync(CancellationToken ct)
    {
        if (_end.Source is not { } source)
        {
            return;
        }

        byte[]? buffer = null;
        try
        {
            var fairness = default(FairShare);
            while (true)
            {
                await fairness.TurnAsync().ConfigureAwait(false);

                // Like the receive side: while the source has nothing to give, the buffer goes back.
                var waiting = source.WaitForDataAsync(ct);
                if (!waiting.IsCompleted)
                {
                    GiveBack(ref buffer);
                }

                await fairness.Watch(waiting).ConfigureAwait(false);
                buffer ??= ArrayPool<byte>.Shared.Rent(_options.BufferSize);
                var read = await fairness.Watch(source.ReadAsync(buffer.AsMemory(0, _options.BufferSize), ct)).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                _clock.Touch();
                await fairness.Watch(Sender.SendAsync(buffer.AsMemory(0, read), ct)).ConfigureAwait(false);
            }

            GiveBack(ref buffer);
            Sender.ShutdownSend();
            if (_end.SourceEndEndsSession)
            {
                End(RelayOutcome.Completed);
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
        finally
        {
            GiveBack(ref buffer);
        }
    }

    private async Task ReceiveAsync(CancellationToken ct)
    {
        byte[]? buffer = null;
        try
        {
            var drained = true;
            var fairness = default(FairShare);
            while (true)
            {
                await fairness.TurnAsync().ConfigureAwait(false);

                // Once the socket is drained, give the buffer back and wait for data before
                // renting one again, so an idle connection holds no memory; while data streams
                // in, read on at once into the same buffer.
                if (drained)
                {
                    GiveBack(ref buffer);
                    await fairness.Watch(_socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, ct)).ConfigureAwait(false);
                }

                buffer ??= ArrayPool<byte>.Shared.Rent(_options.BufferSize);
                var received = await fairness.Watch(_socket.ReceiveAsync(buffer.AsMemory(0, _options.BufferSize), SocketFlags.None, ct)).ConfigureAwait(false);
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
                    await fairness.Watch(sink.WriteAsync(buffer.AsMemory(0, received), ct)).ConfigureAwait(false);
                }
            }

            GiveBack(ref buffer);
            if (_end.Sink is { } done)
            {
                await done.CompleteAsync(ct).ConfigureAwait(false);
            }

            if (_end.SocketEndEndsSession)
            {
                End(RelayOutcome.Completed);
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
        finally
        {
            GiveBack(ref buffer);
        }
    }

    private static void GiveBack(ref byte[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = null;
        }
    }

    private async Task WatchIdleAsync(TimeSpan limit, CancellationToken ct)
    {
        try
        {
            await _clock.WaitForIdleAsync(limit, ct).ConfigureAwait(false);
            End(RelayOutcome.IdleTimeout);
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Why a pump stopped: the session's own end (quiet), the local end's reader gone or failing
    // (an outcome), or the connection failing (thrown by RunAsync, naming the peer).
    private void Fail(Exception e)
    {
        switch (e)
        {
            case OperationCanceledException when _session!.IsCancellationRequested:
                return;
            case SinkClosedException:
                End(RelayOutcome.OutputClosed);
                return;
            case SinkFailedException output:
                End(RelayOutcome.OutputFailed, output.Failure);
                return;
            case SocketException socket:
                End(RelayOutcome.Failed, SocketFailure.From(socket, _peer));
                return;
            default:
                End(RelayOutcome.Failed, e);
                return;
        }
    }

    // The first reason to end the session is the one reported; the other pump is cut short.
    private void End(RelayOutcome outcome, Exception? error = null)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _outcome = outcome;
            _error = error;
        }

        _session!.Cancel();
    }
}
