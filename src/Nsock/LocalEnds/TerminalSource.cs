using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>
/// Reads a terminal. A terminal read blocks and ignores cancellation, so it runs on its own
/// buffer and is abandoned, not awaited, when the session ends; it never holds up exit.
/// </summary>
internal sealed class TerminalSource(Stream terminal, int bufferSize) : IRelaySource
{
    private readonly byte[] _buffer = new byte[bufferSize];
    private Task<int>? _pending;
    private int _offset;
    private int _available;

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
    {
        if (_available == 0)
        {
            _pending ??= Task.Factory.StartNew(
                () => ReadTerminal(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            var read = await _pending.WaitAsync(ct).ConfigureAwait(false);
            _pending = null;
            if (read == 0)
            {
                return 0;
            }

            _offset = 0;
            _available = read;
        }

        var count = Math.Min(_available, buffer.Length);
        _buffer.AsSpan(_offset, count).CopyTo(buffer.Span);
        _offset += count;
        _available -= count;
        return count;
    }

    private int ReadTerminal()
    {
        try
        {
            return terminal.Read(_buffer, 0, _buffer.Length);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
