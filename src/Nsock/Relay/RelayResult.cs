namespace Nsock.Relay;

/// <summary>How a session ended.</summary>
internal enum RelayOutcome
{
    /// <summary>Both directions finished (or the local end said the session was over).</summary>
    Completed,

    /// <summary>Whoever reads stdout went away: end quietly, exit 0.</summary>
    OutputClosed,

    /// <summary>The local end could not take data (stdout on a full disk): nsock ends with that error.</summary>
    OutputFailed,

    /// <summary>No data either way for the idle timeout.</summary>
    IdleTimeout,

    /// <summary>The connection failed (reset, unreachable): an error naming the peer.</summary>
    Failed,
}

/// <param name="Error">With <see cref="RelayOutcome.OutputFailed"/> and <see cref="RelayOutcome.Failed"/>: what went wrong.</param>
internal sealed record RelayResult(RelayOutcome Outcome, long BytesSent, long BytesReceived, Exception? Error = null);
