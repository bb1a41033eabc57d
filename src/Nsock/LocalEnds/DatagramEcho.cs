using System.Buffers;
using System.Net;
using Nsock.Endpoints;
using Nsock.Relay;
using Nsock.Terminal;

namespace Nsock.LocalEnds;

/// <summary>
/// --echo for datagram servers: each datagram is printed and goes back to its sender from the
/// bound socket (behind a ctime prefix with --stamp, still as one datagram). A sender that cannot
/// be answered (unbound, or gone since) is skipped with a warning.
/// </summary>
internal sealed class DatagramEcho(DatagramRelay relay, IDatagramSink printer, bool stamp) : IDatagramSink
{
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> datagram, EndPoint from, CancellationToken ct)
    {
        // Printed first: whatever becomes of the echo, the datagram was received.
        await printer.WriteAsync(datagram, from, ct).ConfigureAwait(false);
        if (EndpointText.IsUnbound(from))
        {
            // A unix sender without an address of its own cannot be answered.
            Log.Warn("(unbound)", "sender has no address to echo to");
            return;
        }

        var scratch = ArrayPool<byte>.Shared.Rent(CtimeStamp.MaxLength + datagram.Length);
        try
        {
            var prefix = stamp ? CtimeStamp.Write(DateTime.Now, scratch) : 0;
            datagram.Span.CopyTo(scratch.AsSpan(prefix));
            await relay.AnswerAsync(scratch.AsMemory(0, prefix + datagram.Length), from, ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
