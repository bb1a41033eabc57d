namespace Nsock.Relay;

/// <summary>
/// What sits opposite the connection, and when the session is over.
/// </summary>
/// <param name="Source">What to send; null sends nothing and never half-closes (recv-only, echo).</param>
/// <param name="Sink">Where received bytes go; null discards them (send-only).</param>
/// <param name="SourceEndEndsSession">Source EOF ends the session instead of only half-closing.</param>
/// <param name="PeerEndEndsSession">The peer's EOF ends the session instead of only completing the sink.</param>
internal sealed record LocalEnd(
    IRelaySource? Source,
    IRelaySink? Sink,
    bool SourceEndEndsSession = false,
    bool PeerEndEndsSession = false);
