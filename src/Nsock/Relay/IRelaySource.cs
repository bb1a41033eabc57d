namespace Nsock.Relay;

/// <summary>Where the bytes nsock sends come from (stdin, a line editor, a broadcast).</summary>
internal interface IRelaySource
{
    /// <summary>Reads into <paramref name="buffer"/>; 0 means the source has ended.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct);
}
