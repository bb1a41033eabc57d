using System.Buffers;
using System.Net;
using Nsock.Endpoints;
using Nsock.Relay;
using Nsock.Terminal;

namespace Nsock.LocalEnds;

/// <summary>
/// udp-recv --echo: each datagram goes back to its sender from the bound socket (behind a ctime
/// prefix with --stamp, still as one datagram), and is also printed.
/// </summary>
internal sealed class DatagramEcho(DatagramRelay relay, IDatagramSink printer, bool stamp) : IDatagramSink
{
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> datagram, EndPoint from, CancellationToken ct)
    {
        if (EndpointText.IsUnbound(from))
        {
            // A unix sender without an address of its own cannot be answered; it is still printed.
            Log.Warn("(unbound)", "sender has no address to echo to");
            await printer.WriteAsync(datagram, from, ct).ConfigureAwait(false);
            return;
        }

        var scratch = ArrayPool<byte>.Shared.Rent(CtimeStamp.MaxLength + datagram.Length);
        try
        {
            var prefix = stamp ? CtimeStamp.Write(DateTime.Now, scratch) : 0;
            datagram.Span.CopyTo(scratch.AsSpan(prefix));
            await relay.SendAsync(scratch.AsMemory(0, prefix + datagram.Length), from, ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }

        await printer.WriteAsync(datagram, from, ct).ConfigureAwait(false);
    }
}
