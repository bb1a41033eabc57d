namespace Nsock.Relay;

/// <summary>
/// With inline socket completions, a pump's continuation runs on the runtime's one socket event
/// thread. A pump whose every read and send completes at once (small buffers, a fast peer, a
/// file on stdin) would then keep that thread for ever, and the other direction, waiting for its
/// readiness event on the same thread, would starve. Each pump calls <see cref="TurnAsync"/> once
/// per chunk; every so many chunks it yields, which moves it to the thread pool and lets the
/// event thread dispatch everyone else. At 64 KiB chunks that is one hop per 2 MiB.
/// </summary>
internal struct FairShare
{
    private const int ChunksPerTurn = 32;
    private int _chunks;

    public ValueTask TurnAsync()
    {
        if (++_chunks < ChunksPerTurn)
        {
            return ValueTask.CompletedTask;
        }

        _chunks = 0;
        return YieldAsync();
    }

    private static async ValueTask YieldAsync() => await Task.Yield();
}
