namespace Nsock.Relay;

/// <summary>Where the bytes nsock sends come from (stdin, a line editor, a broadcast).</summary>
internal interface IRelaySource
{
    /// <summary>Reads into <paramref name="buffer"/>; 0 means the source has ended.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct);

    /// <summary>
    /// Completes when a read would not wait (data, or the end, is there), so the caller need not
    /// hold a buffer meanwhile. A source shared by many idle connections (the -k stdin) waits
    /// here; one that cannot tell completes at once.
    /// </summary>
    ValueTask WaitForDataAsync(CancellationToken ct) => ValueTask.CompletedTask;

    /// <summary>
    /// The descriptor this source reads, where nothing else reads it meanwhile and the bytes go
    /// out unchanged (stdin that is a pipe or file), so the kernel may move them; else null.
    /// </summary>
    int? Descriptor => null;
}
