namespace Nsock.Relay;

/// <summary>
/// The network side of a session, whatever carries it: a socket, a TLS stream, a proxy tunnel
/// with bytes left over from its handshake, a child process's pipes. The relay moves bytes
/// between one of these and a local end, and never needs to know which it is.
/// </summary>
internal interface IConnection : IDisposable
{
    /// <summary>How nsock names the other end in messages: <c>127.0.0.1:80</c>, <c>/tmp/s</c>.</summary>
    string Peer { get; }

    /// <summary>
    /// Whether <see cref="WaitReadableAsync"/> really waits without a buffer (a socket's zero-byte
    /// receive). Where it cannot, a reader has to hold a buffer while it waits.
    /// </summary>
    bool CanWaitReadable { get; }

    /// <summary>
    /// Completes once a read would not wait; at once where <see cref="CanWaitReadable"/> is false.
    /// Its value means nothing: it is the zero-byte read's own task, handed on as it is, so that an
    /// idle connection's wait costs no state machine of ours.
    /// </summary>
    ValueTask<int> WaitReadableAsync(CancellationToken ct);

    /// <summary>Reads what is there, up to <paramref name="buffer"/>'s length; 0 is the end of the stream.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct);

    /// <summary>Writes all of <paramref name="data"/>.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct);

    /// <summary>No more data from us (half-close): the peer reads the end, and may go on sending.</summary>
    void CloseWrite();

    /// <summary>
    /// The socket under this connection, where the kernel may move its bytes itself (splice); null
    /// where bytes must pass through nsock (TLS, a child's pipes, a transform on the way).
    /// </summary>
    System.Runtime.InteropServices.SafeHandle? Descriptor => null;

    /// <summary>
    /// A failure of this connection in nsock's words, naming the peer (a reset, an abort), or the
    /// exception itself when it is not about the connection. Errors are classified here, once.
    /// </summary>
    Exception Explain(Exception failure);
}
