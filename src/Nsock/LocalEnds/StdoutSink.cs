using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>
/// Writes received bytes to stdout unchanged. A reader that went away (EPIPE) becomes
/// <see cref="SinkClosedException"/>; completing closes stdout so a pipeline sees EOF.
/// </summary>
internal sealed class StdoutSink(Stream stdout) : IRelaySink
{
    // A pipe is written asynchronously; a file, device or terminal synchronously, since the
    // console stream's "async" write is a thread pool hop around the same write(2).
    private readonly bool _writeInline = stdout is not System.IO.Pipes.PipeStream;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        try
        {
            if (_writeInline)
            {
                stdout.Write(chunk.Span);
                return;
            }

            await stdout.WriteAsync(chunk, ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new SinkClosedException(e);
        }
    }

    public async ValueTask CompleteAsync(CancellationToken ct)
    {
        try
        {
            await stdout.FlushAsync(ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new SinkClosedException(e);
        }

        StdioHandles.ReleaseStdout();
    }
}
