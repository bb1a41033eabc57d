namespace Nsock.Endpoints;

/// <summary>What a probe found.</summary>
internal enum ProbeState
{
    /// <summary>Something accepted (TCP, unix) or answered (UDP).</summary>
    Open,

    /// <summary>Nobody there: a TCP reset, an ICMP port unreachable.</summary>
    Closed,

    /// <summary>No answer within the time given (a TCP connect that hangs).</summary>
    TimedOut,

    /// <summary>UDP: silence; a listener that does not answer and a filter look the same.</summary>
    OpenFiltered,

    /// <summary>The network or host is unreachable, or the address is not usable here.</summary>
    Unreachable,

    /// <summary>Unix: a socket file nobody listens on (stale).</summary>
    Refused,

    /// <summary>Unix: no such file.</summary>
    Missing,

    /// <summary>Unix: the path is something else than a socket.</summary>
    NotASocket,

    /// <summary>Unix: the path may not be reached or connected to by this user.</summary>
    Denied,
}

/// <summary>A probe's state and how long it took.</summary>
internal readonly record struct ProbeOutcome(ProbeState State, TimeSpan Elapsed);

/// <summary>Probes run concurrently, each timed; outcomes in the order of the attempts.</summary>
internal static class ProbeOutcomes
{
    public static async Task<ProbeOutcome[]> EachAsync<T>(IReadOnlyList<T> attempts, int parallel, Func<T, CancellationToken, Task<ProbeState>> probe, CancellationToken ct)
    {
        var results = new ProbeOutcome[attempts.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, attempts.Count),
            new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct },
            async (i, token) =>
            {
                var start = System.Diagnostics.Stopwatch.GetTimestamp();
                results[i] = new ProbeOutcome(await probe(attempts[i], token).ConfigureAwait(false), System.Diagnostics.Stopwatch.GetElapsedTime(start));
            }).ConfigureAwait(false);
        return results;
    }
}

internal static class ProbeStates
{
    /// <summary>The word for a state, in records and on stderr.</summary>
    public static string Word(this ProbeState state) => state switch
    {
        ProbeState.Open => "open",
        ProbeState.Closed => "closed",
        ProbeState.TimedOut => "timed out",
        ProbeState.OpenFiltered => "open|filtered",
        ProbeState.Unreachable => "unreachable",
        ProbeState.Refused => "refused",
        ProbeState.Missing => "missing",
        ProbeState.NotASocket => "not a socket",
        _ => "permission denied",
    };

    /// <summary>Whether the state counts as "there" for the exit code: open, and UDP's open|filtered.</summary>
    public static bool CountsAsOpen(this ProbeState state) => state is ProbeState.Open or ProbeState.OpenFiltered;
}
