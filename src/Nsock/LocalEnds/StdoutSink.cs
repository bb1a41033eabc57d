using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>
/// Writes received bytes to stdout unchanged. A reader that went away (EPIPE) becomes
/// <see cref="SinkClosedException"/>; completing closes stdout so a pipeline sees EOF.
/// </summary>
internal sealed class StdoutSink(Stream stdout) : IRelaySink
{
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        try
        {
            await stdout.WriteAsync(chunk, ct).ConfigureAwait(false);
            await stdout.FlushAsync(ct).ConfigureAwait(false);
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
