using System.Buffers;
using System.Runtime.CompilerServices;

namespace Nsock.Relay;

/// <summary>
/// A connection as a session uses it, with the relay's taps and transforms on it: what nsock sends
/// gets --crlf, both directions are shown by --hex, bytes are counted, and every byte either way
/// restarts the idle clock. The relay and a local end that answers the peer (echo) both write here,
/// so an echo is encoded, dumped and counted like anything else nsock sends.
/// </summary>
internal sealed class TappedConnection(IConnection inner, RelayOptions options) : IConnection
{
    private readonly CrlfEncoder? _crlf = options.Crlf ? new CrlfEncoder() : null;
    private readonly HexDump? _hex = options.HexDump ? new HexDump(inner.Peer) : null;
    private long _bytesSent;
    private long _bytesReceived;

    public ActivityClock Clock { get; } = new();

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public string Peer => inner.Peer;

    public bool CanWaitReadable => inner.CanWaitReadable;

    public ValueTask<int> WaitReadableAsync(CancellationToken ct) => inner.WaitReadableAsync(ct);

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
    {
        var reading = inner.ReadAsync(buffer, ct);
        return reading.IsCompletedSuccessfully ? new ValueTask<int>(Received(buffer, reading.Result)) : ReadLaterAsync(reading, buffer);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct) =>
        _crlf is null ? SendAsync(data, ct) : WriteEncodedAsync(data, ct);

    public void CloseWrite() => inner.CloseWrite();

    /// <summary>The socket, for the kernel to move bytes, only while nothing here changes or shows them.</summary>
    public System.Runtime.InteropServices.SafeHandle? Descriptor => _crlf is null && _hex is null ? inner.Descriptor : null;

    public Exception Explain(Exception failure) => inner.Explain(failure);

    /// <summary>Bytes the kernel sent for us (see <see cref="Descriptor"/>).</summary>
    public void CountSent(long count) => Sent(count);

    /// <summary>Bytes the kernel received for us (see <see cref="Descriptor"/>).</summary>
    public void CountReceived(long count)
    {
        Interlocked.Add(ref _bytesReceived, count);
        Clock.Touch();
    }

    public void Dispose() => inner.Dispose();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadLaterAsync(ValueTask<int> reading, Memory<byte> buffer) => Received(buffer, await reading.ConfigureAwait(false));

    private int Received(Memory<byte> buffer, int count)
    {
        if (count > 0)
        {
            CountReceived(count);
            _hex?.Received(buffer.Span[..count]);
        }

        return count;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteEncodedAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var encoded = _crlf!.Encode(data, out var scratch);
        try
        {
            await SendAsync(encoded, ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    // The common case, a write that completes at once, costs no state machine.
    private ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        _hex?.Sent(data.Span);
        var writing = inner.WriteAsync(data, ct);
        if (writing.IsCompletedSuccessfully)
        {
            Sent(data.Length);
            return ValueTask.CompletedTask;
        }

        return SentLaterAsync(writing, data.Length);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SentLaterAsync(ValueTask writing, int length)
    {
        await writing.ConfigureAwait(false);
        Sent(length);
    }

    private void Sent(long length)
    {
        Interlocked.Add(ref _bytesSent, length);
        Clock.Touch();
    }
}
