using System.Buffers;
using System.Net.Sockets;

namespace Nsock.Relay;

/// <summary>
/// Everything nsock sends on one connection passes here: --crlf, --hex, the byte count and the
/// idle clock, then a send of the whole chunk. Shared by the stdin pump and the echo.
/// </summary>
internal sealed class SocketSender(Socket socket, RelayOptions options, HexDump? hex, ActivityClock clock)
{
    private readonly CrlfEncoder? _crlf = options.Crlf ? new CrlfEncoder() : null;
    private long _bytesSent;

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public async ValueTask SendAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        if (_crlf is null)
        {
            await SendRawAsync(chunk, ct).ConfigureAwait(false);
            return;
        }

        var scratch = ArrayPool<byte>.Shared.Rent(CrlfEncoder.MaxOutputLength(chunk.Length));
        try
        {
            var length = _crlf.Encode(chunk.Span, scratch);
            await SendRawAsync(scratch.AsMemory(0, length), ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>No more data from us: the peer reads EOF, and can keep sending.</summary>
    public void ShutdownSend()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The peer has already gone; its reader needs no FIN.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async ValueTask SendRawAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        hex?.Sent(chunk.Span);
        while (!chunk.IsEmpty)
        {
            var sent = await socket.SendAsync(chunk, SocketFlags.None, ct).ConfigureAwait(false);
            chunk = chunk[sent..];
            Interlocked.Add(ref _bytesSent, sent);
            clock.Touch();
        }
    }
}
