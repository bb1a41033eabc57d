namespace Nsock.Relay;

/// <summary>Remembers when data last moved, either way, for the idle timeout.</summary>
internal sealed class ActivityClock
{
    private long _lastTicks = Environment.TickCount64;

    public void Touch() => Volatile.Write(ref _lastTicks, Environment.TickCount64);

    /// <summary>Completes once nothing has moved for <paramref name="idle"/>; cancelled with the session.</summary>
    public async Task WaitForIdleAsync(TimeSpan idle, CancellationToken ct)
    {
        var limit = (long)idle.TotalMilliseconds;
        while (true)
        {
            var quietFor = Environment.TickCount64 - Volatile.Read(ref _lastTicks);
            if (quietFor >= limit)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(limit - quietFor), ct).ConfigureAwait(false);
        }
    }
}
