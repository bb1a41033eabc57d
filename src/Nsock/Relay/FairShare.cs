namespace Nsock.Relay;

/// <summary>
/// With inline socket completions, a pump's continuation runs on the runtime's one socket event
/// thread. A pump whose every read and send completes at once (tiny buffers, a file on stdin, a
/// fast peer) would then keep that thread for ever, and the other direction, waiting for its
/// readiness event on the same thread, would starve. A pump passes each operation through
/// <see cref="Watch{T}"/> and calls <see cref="TurnAsync"/> once per chunk: after
/// <see cref="Turn"/> without a single operation that had to wait, it yields, which moves it to
/// the thread pool and lets the event thread dispatch everyone else. A bulk transfer waits on its
/// socket every few chunks, so it never pays for this; only a pump that would starve others does.
/// </summary>
internal struct FairShare
{
    private const long Turn = 20; // milliseconds
    private long _lastWait;

    /// <summary>Notes whether <paramref name="operation"/> has to wait; returns it unchanged.</summary>
    public ValueTask<T> Watch<T>(ValueTask<T> operation)
    {
        if (!operation.IsCompleted)
        {
            _lastWait = Environment.TickCount64;
        }

        return operation;
    }

    /// <inheritdoc cref="Watch{T}(ValueTask{T})"/>
    public ValueTask Watch(ValueTask operation)
    {
        if (!operation.IsCompleted)
        {
            _lastWait = Environment.TickCount64;
        }

        return operation;
    }

    public ValueTask TurnAsync()
    {
        var now = Environment.TickCount64;
        if (_lastWait == 0)
        {
            _lastWait = now;
        }

        if (now - _lastWait < Turn)
        {
            return ValueTask.CompletedTask;
        }

        _lastWait = now;
        return YieldAsync();
    }

    private static async ValueTask YieldAsync() => await Task.Yield();
}
