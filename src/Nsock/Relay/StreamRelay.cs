using System.Buffers;

namespace Nsock.Relay;

/// <summary>
/// The data plane for every connection: pumps local source → connection and connection → local
/// sink at once, with half-close (source EOF closes our write half and keeps reading; the peer's
/// EOF completes the sink and keeps sending) until both are done. Each pump returns how it ended;
/// the first end that ends the session (the local end saying so, output gone or failing, the
/// connection failing, the idle clock) cuts the other pump short and becomes the result. Nothing is
/// held per connection while it is idle but the two pending waits.
/// </summary>
internal sealed class StreamRelay(TappedConnection connection, LocalEnd end, RelayOptions options)
{
    private CancellationTokenSource? _session;
    private int _decided;
    private RelayOutcome _outcome = RelayOutcome.Completed;
    private Exception? _error;

    /// <summary>Runs both pumps to their end; never throws for the session's own reasons.</summary>
    public async Task<RelayResult> RunAsync(CancellationToken ct)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _session = session;
        var watch = options.IdleTimeout is { } limit ? WatchIdleAsync(limit, session.Token) : Task.CompletedTask;
        var sending = SendAsync(session.Token);
        var receiving = ReceiveAsync(session.Token);
        var sent = await sending.ConfigureAwait(false);
        var peerWait = sent.Ending == PumpEnding.SourceEnded && options.AfterSourceEnd is { } wait ? WaitForPeerAsync(wait, session.Token) : Task.CompletedTask;
        await receiving.ConfigureAwait(false);
        await session.CancelAsync().ConfigureAwait(false);
        await watch.ConfigureAwait(false);
        await peerWait.ConfigureAwait(false);
        if (end.Sink is null && _outcome == RelayOutcome.Completed)
        {
            await DiscardArrivedAsync().ConfigureAwait(false);
        }

        ct.ThrowIfCancellationRequested();
        return new RelayResult(_outcome, connection.BytesSent, connection.BytesReceived, _error);
    }

    private async Task<PumpEnd> SendAsync(CancellationToken ct)
    {
        if (end.Source is not { } source)
        {
            return new PumpEnd(PumpEnding.NothingToSend);
        }

        byte[]? buffer = null;
        try
        {
            if (await KernelPump.SendAsync(connection, source, ct).ConfigureAwait(false) is { } moved)
            {
                return Ended(moved);
            }

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
                buffer ??= ArrayPool<byte>.Shared.Rent(options.BufferSize);
                var read = await fairness.Watch(source.ReadAsync(buffer.AsMemory(0, options.BufferSize), ct)).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                connection.Clock.Touch();
                await fairness.Watch(connection.WriteAsync(buffer.AsMemory(0, read), ct)).ConfigureAwait(false);
            }

            connection.CloseWrite();
            return Ended(new PumpEnd(PumpEnding.SourceEnded));
        }
        catch (Exception e)
        {
            return Ended(Classify(e));
        }
        finally
        {
            GiveBack(ref buffer);
        }
    }

    private async Task<PumpEnd> ReceiveAsync(CancellationToken ct)
    {
        byte[]? buffer = null;
        try
        {
            if (end.Sink is { } direct && await KernelPump.ReceiveAsync(connection, direct, ct).ConfigureAwait(false) is { } moved)
            {
                return Ended(moved);
            }

            var drained = true;
            var fairness = default(FairShare);
            while (true)
            {
                await fairness.TurnAsync().ConfigureAwait(false);

                // Once the connection is drained, give the buffer back and wait for data before
                // renting one again, so an idle connection holds no memory; while data streams in,
                // read on at once into the same buffer.
                if (drained && connection.CanWaitReadable)
                {
                    GiveBack(ref buffer);
                    await fairness.Watch(connection.WaitReadableAsync(ct)).ConfigureAwait(false);
                }

                buffer ??= ArrayPool<byte>.Shared.Rent(options.BufferSize);
                var received = await fairness.Watch(connection.ReadAsync(buffer.AsMemory(0, options.BufferSize), ct)).ConfigureAwait(false);
                if (received == 0)
                {
                    break;
                }

                drained = received < options.BufferSize;
                if (end.Sink is { } sink)
                {
                    await fairness.Watch(sink.WriteAsync(buffer.AsMemory(0, received), ct)).ConfigureAwait(false);
                }
            }

            GiveBack(ref buffer);
            if (end.Sink is { } done)
            {
                await done.CompleteAsync(ct).ConfigureAwait(false);
            }

            return Ended(new PumpEnd(PumpEnding.PeerEnded));
        }
        catch (Exception e)
        {
            return Ended(Classify(e));
        }
        finally
        {
            GiveBack(ref buffer);
        }
    }

    // --send-only discards what the peer sends. When the session ends at stdin's end, what has
    // arrived but was not yet read would make the close a reset (TCP and unix alike) instead of
    // the orderly end the peer is owed: take it now, without waiting for more.
    private async Task DiscardArrivedAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(options.BufferSize);
        using var now = new CancellationTokenSource();
        try
        {
            for (var round = 0; round < 64; round++)
            {
                var reading = connection.ReadAsync(buffer.AsMemory(0, options.BufferSize), now.Token);
                if (!reading.IsCompleted)
                {
                    await now.CancelAsync().ConfigureAwait(false);
                    await reading.ConfigureAwait(false);
                    return;
                }

                if (await reading.ConfigureAwait(false) == 0)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or System.ComponentModel.Win32Exception)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task WatchIdleAsync(TimeSpan limit, CancellationToken ct)
    {
        try
        {
            await connection.Clock.WaitForIdleAsync(limit, ct).ConfigureAwait(false);
            Decide(new PumpEnd(PumpEnding.IdleTimeout));
        }
        catch (OperationCanceledException)
        {
        }
    }

    // The source has ended: the peer gets so long in all, or so long without a byte, to finish.
    private async Task WaitForPeerAsync(PeerWait wait, CancellationToken ct)
    {
        using var over = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (wait.Total is { } total)
        {
            over.CancelAfter(total);
        }

        try
        {
            connection.Clock.Touch();
            await (wait.Silence is { } silence ? connection.Clock.WaitForIdleAsync(silence, over.Token) : Task.Delay(Timeout.Infinite, over.Token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException)
        {
            return;
        }

        Decide(new PumpEnd(PumpEnding.PeerWaitOver));
    }

    // A pump's end is decided as it happens, so one that ends the session cuts the other short.
    private PumpEnd Ended(PumpEnd pumpEnd)
    {
        Decide(pumpEnd);
        return pumpEnd;
    }

    // What a pump's end means for the session; the first decisive one is the result.
    private void Decide(PumpEnd pumpEnd)
    {
        var (endsSession, outcome) = pumpEnd.Ending switch
        {
            PumpEnding.SourceEnded => (end.SourceEndEndsSession, RelayOutcome.Completed),
            PumpEnding.PeerEnded => (end.PeerEndEndsSession, RelayOutcome.Completed),
            PumpEnding.OutputClosed => (true, RelayOutcome.OutputClosed),
            PumpEnding.OutputFailed => (true, RelayOutcome.OutputFailed),
            PumpEnding.Failed => (true, RelayOutcome.Failed),
            PumpEnding.IdleTimeout => (true, RelayOutcome.IdleTimeout),
            PumpEnding.PeerWaitOver => (true, RelayOutcome.Completed),
            _ => (false, RelayOutcome.Completed),
        };
        if (!endsSession)
        {
            return;
        }

        if (Interlocked.Exchange(ref _decided, 1) == 0)
        {
            _outcome = outcome;
            _error = pumpEnd.Error;
        }

        _session!.Cancel();
    }

    // Why a pump stopped: cut short by the session's end, the local end's output gone or
    // failing, or the connection failing (in the connection's words).
    private PumpEnd Classify(Exception e) => e switch
    {
        OperationCanceledException when _session!.IsCancellationRequested => new PumpEnd(PumpEnding.Stopped),
        SinkClosedException => new PumpEnd(PumpEnding.OutputClosed),
        SinkFailedException output => new PumpEnd(PumpEnding.OutputFailed, output.Failure),
        _ => new PumpEnd(PumpEnding.Failed, connection.Explain(e)),
    };

    private static void GiveBack(ref byte[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = null;
        }
    }
}
