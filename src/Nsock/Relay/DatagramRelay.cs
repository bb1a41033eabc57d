using System.Buffers;

namespace Nsock.Relay;

/// <summary>
/// The data plane for datagram channels (UDP, unix datagrams). A datagram is the unit: each chunk
/// a source yields leaves as one datagram, and each datagram received is handed on whole, with
/// its sender, never merged, split or truncated. An empty datagram is data. What nsock sends
/// gets --crlf; both directions are shown by --hex; every datagram restarts the idle clock.
/// </summary>
internal sealed class DatagramRelay(IDatagramChannel channel, RelayOptions options)
{
    private readonly CrlfEncoder? _crlf = options.Crlf ? new CrlfEncoder() : null;
    private readonly HexDump? _hex = options.HexDump ? new HexDump(channel.Name) : null;
    private long _sent;
    private long _received;

    public ActivityClock Clock { get; } = new();

    public long DatagramsSent => Interlocked.Read(ref _sent);

    public long DatagramsReceived => Interlocked.Read(ref _received);

    /// <summary>Sends one datagram; to the connected peer when <paramref name="to"/> is null.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, DatagramPeer? to, CancellationToken ct)
    {
        byte[]? scratch = null;
        try
        {
            if (_crlf is not null)
            {
                datagram = _crlf.Encode(datagram, out scratch);
            }

            _hex?.Sent(datagram.Span, to?.Name);
            try
            {
                await channel.SendAsync(datagram, to, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw channel.Explain(e, to);
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
    /// A server's answer to one of its peers: a peer that cannot be answered (no address of its
    /// own) or has gone since (a unix sender whose socket is closed) costs a warning, not the server.
    /// </summary>
    public async ValueTask AnswerAsync(ReadOnlyMemory<byte> datagram, DatagramPeer to, CancellationToken ct)
    {
        if (!to.CanAnswer)
        {
            Terminal.Log.Warn(to.Name, "sender has no address to answer");
            return;
        }

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
    public async Task SendAllAsync(IRelaySource source, Func<CancellationToken, ValueTask<DatagramPeer?>> destination, CancellationToken ct, bool answering = false)
    {
        var size = Math.Min(options.BufferSize, channel.MaxDatagram);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        var fairness = default(FairShare);
        try
        {
            while (true)
            {
                await fairness.TurnAsync().ConfigureAwait(false);
                var read = await fairness.Watch(source.ReadAsync(buffer.AsMemory(0, size), ct)).ConfigureAwait(false);
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
        var fairness = default(FairShare);
        while (count is null || DatagramsReceived < count)
        {
            await fairness.TurnAsync().ConfigureAwait(false);

            // Wait for a datagram before renting, so a quiet channel holds no buffer; then rent
            // as much as that datagram needs, so none is ever cut.
            (int Length, DatagramPeer From) datagram;
            byte[] buffer;
            try
            {
                await fairness.Watch(channel.WaitForDatagramAsync(ct)).ConfigureAwait(false);
                // At least one byte: a receive into no buffer at all may not take an empty datagram.
                var size = Math.Max(1, channel.SizeOfNextDatagram());
                buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    datagram = await channel.ReceiveAsync(buffer.AsMemory(0, size), ct).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw channel.Explain(e, null);
            }

            try
            {
                Interlocked.Increment(ref _received);
                Clock.Touch();
                var payload = buffer.AsMemory(0, datagram.Length);
                _hex?.Received(payload.Span, datagram.From.Name);
                await sink.WriteAsync(payload, datagram.From, ct).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
