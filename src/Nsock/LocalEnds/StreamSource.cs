using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>
/// Reads stdin that is not a terminal. A pipe or socket is read asynchronously (and a pending
/// read cancels); a regular file or device never blocks for long, so it is read synchronously,
/// as the console stream's "async" read is a thread pool hop around the same read(2).
/// Read errors count as EOF.
/// </summary>
internal sealed class StreamSource(Stream stream) : IRelaySource
{
    private readonly bool _readInline = stream is not System.IO.Pipes.PipeStream;

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
    {
        try
        {
            return _readInline ? stream.Read(buffer.Span) : await stream.ReadAsync(buffer, ct).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
