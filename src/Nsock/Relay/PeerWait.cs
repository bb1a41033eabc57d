namespace Nsock.Relay;

/// <summary>
/// How long the relay waits for the peer once the local source has ended (nc -q and nc -w), after
/// which the session is over with success: at most <see cref="Total"/> in all, and at most
/// <see cref="Silence"/> without a byte from the peer. Either may be absent.
/// </summary>
internal sealed record PeerWait(TimeSpan? Total, TimeSpan? Silence);
