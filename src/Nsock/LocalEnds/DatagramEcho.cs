using System.Buffers;
using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>
/// --echo for datagram servers: each datagram is printed and goes back to its sender from the
/// bound socket (behind a ctime prefix with --stamp, still as one datagram). A sender that cannot
/// be answered (no address of its own, or gone since) is skipped with a warning.
/// </summary>
internal sealed class DatagramEcho(DatagramRelay relay, IDatagramSink printer, bool stamp) : IDatagramSink
{
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> datagram, DatagramPeer from, CancellationToken ct)
    {
        // Printed first: whatever becomes of the echo, the datagram was received.
        await printer.WriteAsync(datagram, from, ct).ConfigureAwait(false);
        if (!stamp)
        {
            await relay.AnswerAsync(datagram, from, ct).ConfigureAwait(false);
            return;
        }

        var scratch = ArrayPool<byte>.Shared.Rent(CtimeStamp.MaxLength + datagram.Length);
        try
        {
            var prefix = CtimeStamp.Write(DateTime.Now, scratch);
            datagram.Span.CopyTo(scratch.AsSpan(prefix));
            await relay.AnswerAsync(scratch.AsMemory(0, prefix + datagram.Length), from, ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
