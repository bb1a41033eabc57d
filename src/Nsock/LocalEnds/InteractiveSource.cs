using System.Text;
using Nsock.Relay;
using Nsock.Terminal;

namespace Nsock.LocalEnds;

/// <summary>
/// --interactive: line mode for a person. Prompts on stderr, sends one line at a time (with its
/// LF), skips empty lines, and ends at a line <c>close</c> or at end of input.
/// </summary>
internal sealed class InteractiveSource(IRelaySource input) : IRelaySource
{
    public const string Prompt = "> ";
    private static readonly byte[] CloseCommand = Encoding.ASCII.GetBytes("close");

    private readonly byte[] _readBuffer = new byte[4096];
    private readonly List<byte> _partial = [];
    private int _readOffset;
    private int _readCount;
    private byte[] _line = [];
    private int _lineOffset;
    private bool _ended;

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
    {
        while (_lineOffset >= _line.Length)
        {
            if (_ended)
            {
                return 0;
            }

            var line = await ReadLineAsync(ct).ConfigureAwait(false);
            if (line is null || line.AsSpan().TrimEnd("\r\n"u8).SequenceEqual(CloseCommand))
            {
                _ended = true;
                return 0;
            }

            if (line.AsSpan().TrimEnd("\r\n"u8).IsEmpty)
            {
                continue;
            }

            _line = line;
            _lineOffset = 0;
        }

        var count = Math.Min(buffer.Length, _line.Length - _lineOffset);
        _line.AsSpan(_lineOffset, count).CopyTo(buffer.Span);
        _lineOffset += count;
        return count;
    }

    /// <summary>The next line with its newline, the unterminated rest at EOF, or null when nothing is left.</summary>
    private async ValueTask<byte[]?> ReadLineAsync(CancellationToken ct)
    {
        Stderr.Write(Prompt);
        while (true)
        {
            for (; _readOffset < _readCount; _readOffset++)
            {
                var b = _readBuffer[_readOffset];
                _partial.Add(b);
                if (b == (byte)'\n')
                {
                    _readOffset++;
                    return TakePartial();
                }
            }

            _readCount = await input.ReadAsync(_readBuffer, ct).ConfigureAwait(false);
            _readOffset = 0;
            if (_readCount == 0)
            {
                return _partial.Count > 0 ? TakePartial() : null;
            }
        }
    }

    private byte[] TakePartial()
    {
        var line = _partial.ToArray();
        _partial.Clear();
        return line;
    }
}
