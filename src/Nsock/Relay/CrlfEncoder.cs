namespace Nsock.Relay;

/// <summary>
/// --crlf: every LF not already preceded by CR becomes CRLF. Remembers the last byte across
/// chunks, so a CRLF split between two reads is not doubled.
/// </summary>
internal sealed class CrlfEncoder
{
    private bool _lastWasCr;

    /// <summary>Worst case output size for <paramref name="inputLength"/> bytes.</summary>
    public static int MaxOutputLength(int inputLength) => inputLength * 2;

    /// <summary>
    /// <paramref name="data"/> encoded, in <paramref name="scratch"/> (rented here from the shared
    /// pool: return it when done).
    /// </summary>
    public ReadOnlyMemory<byte> Encode(ReadOnlyMemory<byte> data, out byte[] scratch)
    {
        scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(MaxOutputLength(data.Length));
        return scratch.AsMemory(0, Encode(data.Span, scratch));
    }

    public int Encode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var written = 0;
        foreach (var b in input)
        {
            if (b == (byte)'\n' && !_lastWasCr)
            {
                output[written++] = (byte)'\r';
            }

            output[written++] = b;
            _lastWasCr = b == (byte)'\r';
        }

        return written;
    }
}
