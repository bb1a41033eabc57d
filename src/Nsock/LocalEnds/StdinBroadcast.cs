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

    /// <summary>
    /// One client's view of stdin: a single-slot hand-off from the broadcaster. An idle client
    /// waiting here holds one pending task, no buffer.
    /// </summary>
    internal sealed class Subscriber(StdinBroadcast owner) : IRelaySource, IDisposable
    {
        private readonly Lock _slot = new();
        private ReadOnlyMemory<byte> _chunk;
        private TaskCompletionSource? _taken; // completes when the chunk offered has been read whole
        private TaskCompletionSource? _offered; // completes when a chunk (or the end) is there to read
        private bool _ended;

        /// <summary>Waits for a chunk (or the end) without taking it.</summary>
        public async ValueTask WaitForDataAsync(CancellationToken ct)
        {
            TaskCompletionSource offered;
            lock (_slot)
            {
                if (!_chunk.IsEmpty || _ended)
                {
                    return;
                }

                if (_offered is null || _offered.Task.IsCompleted)
                {
                    _offered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously); // (a cancelled wait leaves a spent one)
                }

                offered = _offered;
            }

            using (ct.UnsafeRegister(static state => ((TaskCompletionSource)state!).TrySetCanceled(), offered))
            {
                await offered.Task.ConfigureAwait(false);
            }
        }

        public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
        {
            while (true)
            {
                lock (_slot)
                {
                    if (!_chunk.IsEmpty)
                    {
                        var count = Math.Min(buffer.Length, _chunk.Length);
                        _chunk[..count].CopyTo(buffer);
                        _chunk = _chunk[count..];
                        if (_chunk.IsEmpty)
                        {
                            _taken?.TrySetResult();
                            _taken = null;
                        }

                        return count;
                    }

                    if (_ended)
                    {
                        return 0;
                    }
                }

                await WaitForDataAsync(ct).ConfigureAwait(false);
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
                Wake();
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
                Wake();
                return _taken.Task.WaitAsync(ct);
            }
        }

        internal void End()
        {
            lock (_slot)
            {
                _ended = true;
                _chunk = ReadOnlyMemory<byte>.Empty;
                Wake();
            }
        }

        private void Wake()
        {
            _offered?.TrySetResult();
            _offered = null;
        }
    }
}
