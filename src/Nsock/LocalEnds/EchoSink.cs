using System.Buffers;
using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>
/// --echo: a local end that answers the peer. Each received chunk goes back over the connection
/// it was given (after a ctime prefix with --stamp) and, unchanged, to the copy (stdout). When
/// the peer ends, our side ends too.
/// </summary>
internal sealed class EchoSink(IConnection connection, IRelaySink copy, bool stamp) : IRelaySink
{
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        if (stamp)
        {
            await SendStampedAsync(chunk, ct).ConfigureAwait(false);
        }
        else
        {
            await connection.WriteAsync(chunk, ct).ConfigureAwait(false);
        }

        await copy.WriteAsync(chunk, ct).ConfigureAwait(false);
    }

    public async ValueTask CompleteAsync(CancellationToken ct)
    {
        connection.CloseWrite();
        await copy.CompleteAsync(ct).ConfigureAwait(false);
    }

    // Prefix and chunk leave in one write, so the peer reads them as one piece.
    private async ValueTask SendStampedAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(CtimeStamp.MaxLength + chunk.Length);
        try
        {
            var prefix = CtimeStamp.Write(DateTime.Now, scratch);
            chunk.Span.CopyTo(scratch.AsSpan(prefix));
            await connection.WriteAsync(scratch.AsMemory(0, prefix + chunk.Length), ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
