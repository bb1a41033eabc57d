using Nsock.Relay;

namespace Nsock.Endpoints;

/// <summary>
/// A connection over a <see cref="Stream"/> and an action that closes its write half: what wraps
/// a socket into another protocol (TLS, a proxy tunnel) or talks to a child process. Where the
/// stream supports zero-byte reads (SslStream does), waiting for data holds no buffer.
/// </summary>
/// <param name="closeWrite">Half-close: for TLS, a close_notify and a shutdown of the socket's send side.</param>
internal sealed class StreamConnection(Stream stream, string peer, Action closeWrite, bool zeroByteReads = false) : IConnection
{
    public string Peer => peer;

    public bool CanWaitReadable => zeroByteReads;

    public ValueTask<int> WaitReadableAsync(CancellationToken ct) => zeroByteReads ? stream.ReadAsync(Memory<byte>.Empty, ct) : ValueTask.FromResult(0);

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct) => stream.ReadAsync(buffer, ct);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct) => stream.WriteAsync(data, ct);

    public void CloseWrite()
    {
        try
        {
            closeWrite();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The peer has already gone.
        }
    }

    public Exception Explain(Exception failure) => failure is IOException io
        ? new NsockException(ExitCodes.Network, peer, (io.InnerException as System.Net.Sockets.SocketException is { } socket ? SocketFailure.Describe(socket) : io.Message.TrimEnd('.').ToLowerInvariant()), io)
        : failure;

    public void Dispose() => stream.Dispose();
}
