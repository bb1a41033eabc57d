namespace Nsock.Relay;

/// <summary>How the relay moves bytes, the same for every socket family.</summary>
internal sealed record RelayOptions(
    int BufferSize = RelayOptions.DefaultBufferSize,
    bool Crlf = false,
    bool HexDump = false,
    TimeSpan? IdleTimeout = null,
    PeerWait? AfterSourceEnd = null)
{
    public const int DefaultBufferSize = 64 * 1024;
}
