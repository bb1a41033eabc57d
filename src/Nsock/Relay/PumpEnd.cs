namespace Nsock.Relay;

/// <summary>How one direction of a relay ended.</summary>
internal enum PumpEnding
{
    /// <summary>The local source ended; our write half was closed.</summary>
    SourceEnded,

    /// <summary>The peer ended its side; the local sink was completed.</summary>
    PeerEnded,

    /// <summary>There is no source (receive only, echo): nothing was ever sent.</summary>
    NothingToSend,

    /// <summary>The local sink's reader went away.</summary>
    OutputClosed,

    /// <summary>The local sink failed for a reason of its own (a full disk).</summary>
    OutputFailed,

    /// <summary>The connection failed.</summary>
    Failed,

    /// <summary>No data either way for the idle timeout.</summary>
    IdleTimeout,

    /// <summary>After the source ended, the peer was waited for as long as asked (-q, -w).</summary>
    PeerWaitOver,

    /// <summary>Cut short: the session ended for another reason.</summary>
    Stopped,
}

/// <summary>How a pump ended, and the error where one is the reason.</summary>
internal readonly record struct PumpEnd(PumpEnding Ending, Exception? Error = null);
