using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>
/// Reads a terminal (and, on Windows, any stdin). Such a read blocks and ignores cancellation,
/// so it runs on a reader thread of its own, into its own buffer, and is abandoned, not awaited,
/// when the session ends; it never holds up exit. One thread serves every read: starting one per
/// read cost a thread start per chunk, which with small reads (a person typing, --buffer-size 1)
/// was most of the time spent.
/// </summary>
internal sealed class TerminalSource(Stream terminal, int bufferSize) : IRelaySource
{
    private readonly byte[] _buffer = new byte[bufferSize];
    private readonly SemaphoreSlim _wanted = new(0);
    private TaskCompletionSource<int>? _pending;
    private Thread? _reader;
    private int _offset;
    private int _available;
    private bool _ended;

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
    {
        if (_ended)
        {
            return 0;
        }

        if (_available == 0)
        {
            if (_pending is null)
            {
                _pending = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                StartReader();
                _wanted.Release(); // the reader fills _buffer once, then waits for the next request
            }

            var read = await _pending.Task.WaitAsync(ct).ConfigureAwait(false);
            _pending = null;
            if (read == 0)
            {
                _ended = true; // the reader thread has ended too
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

    private void StartReader()
    {
        if (_reader is not null)
        {
            return;
        }

        _reader = new Thread(ReadWhenWanted) { IsBackground = true, Name = "nsock stdin" };
        _reader.Start();
    }

    // The reader thread: one read per request, until the end of input.
    private void ReadWhenWanted()
    {
        while (true)
        {
            _wanted.Wait();
            var read = ReadTerminal();
            _pending!.SetResult(read);
            if (read == 0)
            {
                return;
            }
        }
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
