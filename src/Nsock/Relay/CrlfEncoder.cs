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
