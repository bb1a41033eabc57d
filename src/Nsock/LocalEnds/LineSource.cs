using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>
/// udp-send --lines: yields stdin one line at a time (the LF kept), so each line becomes one
/// datagram. A line longer than the caller's buffer comes in pieces; the last unterminated line
/// comes at EOF.
/// </summary>
internal sealed class LineSource(IRelaySource input, int bufferSize) : IRelaySource
{
    private readonly byte[] _buffer = new byte[bufferSize];
    private int _offset;
    private int _count;

    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct)
    {
        var written = 0;
        while (written < destination.Length)
        {
            if (_offset == _count)
            {
                // A line is complete only at its LF (or EOF): keep reading until then.
                _count = await input.ReadAsync(_buffer, ct).ConfigureAwait(false);
                _offset = 0;
                if (_count == 0)
                {
                    return written;
                }
            }

            var available = _buffer.AsSpan(_offset, _count - _offset);
            var newline = available.IndexOf((byte)'\n');
            var take = Math.Min(newline < 0 ? available.Length : newline + 1, destination.Length - written);
            available[..take].CopyTo(destination.Span[written..]);
            written += take;
            _offset += take;
            if (newline >= 0 && take == newline + 1)
            {
                return written;
            }
        }

        return written;
    }
}
