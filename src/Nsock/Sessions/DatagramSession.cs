using Nsock.Relay;

namespace Nsock.Sessions;

/// <summary>What datagram clients, servers and netlink sessions share: how a run ends.</summary>
internal static class DatagramSession
{
    /// <summary>
    /// Runs <paramref name="work"/> to its end, or until <paramref name="idle"/> passes with no
    /// datagram either way (exit 4), or stdout's reader leaves (exit 0), or stdout fails (its error).
    /// </summary>
    public static async Task<int> RunAsync(Func<CancellationToken, Task> work, ActivityClock clock, TimeSpan? idle, string name, CancellationToken ct)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = work(session.Token);
        var quiet = idle is { } limit ? clock.WaitForIdleAsync(limit, session.Token) : Task.Delay(Timeout.Infinite, session.Token);
        try
        {
            if (await Task.WhenAny(running, quiet).ConfigureAwait(false) == quiet && !ct.IsCancellationRequested)
            {
                throw IdleLimit.Exceeded(name, idle!.Value);
            }

            await running.ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (SinkClosedException)
        {
            return ExitCodes.Success;
        }
        catch (SinkFailedException e)
        {
            throw e.Failure;
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running, quiet).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }
}
