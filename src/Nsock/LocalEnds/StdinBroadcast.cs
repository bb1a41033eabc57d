using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>
/// -k: one stdin, many clients. Each chunk read from stdin is handed to every connected client
/// and the next read waits until all of them have taken it, so a slow client slows stdin
/// instead of growing a queue. stdin is not read while no client is connected, so input typed
/// or piped early reaches the first client. After stdin ends, every client (also later ones)
/// sees a source that has ended.
/// </summary>
internal sealed class StdinBroadcast(IRelaySource stdin, int bufferSize)
{
    private readonly Lock _gate = new();
    private readonly List<Subscriber> _subscribers = [];
    private TaskCompletionSource _someoneListening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _ended;

    /// <summary>A source for one client; dispose it when the client is gone.</summary>
    public Subscriber Subscribe()
    {
        var subscriber = new Subscriber(this);
        lock (_gate)
        {
            if (_ended)
            {
                subscriber.End();
            }
            else
            {
                _subscribers.Add(subscriber);
                _someoneListening.TrySetResult();
            }
        }

        return subscriber;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var buffer = new byte[bufferSize];
        while (true)
        {
            Task listening;
            lock (_gate)
            {
                listening = _someoneListening.Task;
            }

            await listening.WaitAsync(ct).ConfigureAwait(false);
            var read = await stdin.ReadAsync(buffer, ct).ConfigureAwait(false);
            Subscriber[] now;
            lock (_gate)
            {
                now = [.. _subscribers];
                _ended = read == 0;
            }

            if (read == 0)
            {
                foreach (var subscriber in now)
                {
                    subscriber.End();
                }

                return;
            }

            await Task.WhenAll(now.Select(s => s.OfferAsync(buffer.AsMemory(0, read), ct))).ConfigureAwait(false);
        }
    }

    private void Remove(Subscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscriber);
            if (_subscribers.Count == 0 && _someoneListening.Task.IsCompleted)
            {
                _someoneListening = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>One client's view of stdin: a single-slot hand-off from the broadcaster.</summary>
    internal sealed class Subscriber(StdinBroadcast owner) : IRelaySource, IDisposable
    {
        private readonly SemaphoreSlim _offered = new(0);
        private readonly Lock _slot = new();
        private ReadOnlyMemory<byte> _chunk;
        private TaskCompletionSource? _taken;
        private bool _ended;

        /// <summary>Waits for a chunk (or the end) without taking it.</summary>
        public async ValueTask WaitForDataAsync(CancellationToken ct)
        {
            await _offered.WaitAsync(ct).ConfigureAwait(false);
            _offered.Release();
        }

        public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
        {
            await _offered.WaitAsync(ct).ConfigureAwait(false);
            lock (_slot)
            {
                if (_chunk.IsEmpty)
                {
                    _offered.Release(); // stays ended for any later read
                    return 0;
                }

                var count = Math.Min(buffer.Length, _chunk.Length);
                _chunk[..count].CopyTo(buffer);
                _chunk = _chunk[count..];
                if (_chunk.IsEmpty)
                {
                    _taken?.TrySetResult();
                    _taken = null;
                }
                else
                {
                    _offered.Release();
                }

                return count;
            }
        }

        public void Dispose()
        {
            owner.Remove(this);
            lock (_slot)
            {
                _ended = true;
                _taken?.TrySetResult();
                _taken = null;
            }
        }

        internal Task OfferAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
        {
            lock (_slot)
            {
                if (_ended)
                {
                    return Task.CompletedTask;
                }

                _chunk = chunk;
                _taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _offered.Release();
                return _taken.Task.WaitAsync(ct);
            }
        }

        internal void End()
        {
            lock (_slot)
            {
                _ended = true;
                _chunk = ReadOnlyMemory<byte>.Empty;
                _offered.Release();
            }
        }
    }
}
