namespace Nsock.Relay;

/// <summary>Where the bytes nsock receives go (stdout, the echo).</summary>
internal interface IRelaySink
{
    /// <summary>Writes one whole chunk. Throws <see cref="SinkClosedException"/> when the reader has gone.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct);

    /// <summary>The socket has ended: flush and close, so whoever reads this sees EOF.</summary>
    ValueTask CompleteAsync(CancellationToken ct);

    /// <summary>
    /// The descriptor this sink writes, where nothing else writes it meanwhile and the bytes land
    /// unchanged (stdout that is a pipe, file or device), so the kernel may move them; else null.
    /// </summary>
    int? Descriptor => null;
}

/// <summary>The reader of a sink went away (stdout is a closed pipe): the session ends quietly.</summary>
internal sealed class SinkClosedException(Exception? inner = null) : Exception("output closed", inner);

/// <summary>
/// The local end cannot take data for a reason of its own (stdout on a full disk): data would be
/// lost, so the session, and nsock, end with <see cref="Failure"/>.
/// </summary>
internal sealed class SinkFailedException(NsockException failure) : Exception(failure.Message, failure)
{
    public NsockException Failure { get; } = failure;
}
