using System.Threading.Channels;
using Nsock.Relay;

namespace Nsock.Tests;

/// <summary>A source fed by the test, chunk by chunk; Complete() is its EOF.</summary>
internal sealed class FedSource : IRelaySource
{
    private readonly Channel<byte[]> _chunks = Channel.CreateUnbounded<byte[]>();
    private byte[] _current = [];
    private int _offset;

    public int Reads { get; private set; }

    public void Feed(string text) => Feed(System.Text.Encoding.ASCII.GetBytes(text));

    public void Feed(byte[] chunk) => _chunks.Writer.TryWrite(chunk);

    public void Complete() => _chunks.Writer.TryComplete();

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
    {
        Reads++;
        if (_offset == _current.Length)
        {
            if (!await _chunks.Reader.WaitToReadAsync(ct))
            {
                return 0;
            }

            _current = await _chunks.Reader.ReadAsync(ct);
            _offset = 0;
        }

        var count = Math.Min(buffer.Length, _current.Length - _offset);
        _current.AsMemory(_offset, count).CopyTo(buffer);
        _offset += count;
        return count;
    }
}

/// <summary>A sink that keeps every chunk and remembers completion; can play a closed pipe.</summary>
internal sealed class CollectingSink : IRelaySink
{
    private readonly List<byte[]> _chunks = [];
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Broken { get; init; }

    public Task Completed => _completed.Task;

    public byte[] Bytes
    {
        get
        {
            lock (_chunks)
            {
                return [.. _chunks.SelectMany(c => c)];
            }
        }
    }

    public string Text => System.Text.Encoding.ASCII.GetString(Bytes);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        if (Broken)
        {
            throw new SinkClosedException();
        }

        lock (_chunks)
        {
            _chunks.Add(chunk.ToArray());
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(CancellationToken ct)
    {
        _completed.TrySetResult();
        return ValueTask.CompletedTask;
    }
}
