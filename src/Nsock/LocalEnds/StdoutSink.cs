using Nsock.Platform;
using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>
/// Writes received bytes to stdout unchanged. A reader that went away (EPIPE, or no stdout at
/// all) becomes <see cref="SinkClosedException"/>: the session ends quietly. Any other failure
/// (a full disk, an I/O error) loses data: <see cref="SinkFailedException"/>, and nsock ends with
/// that error (exit 1).
/// Completing closes stdout so a pipeline sees EOF.
/// </summary>
internal sealed class StdoutSink(Stream? stdout) : IRelaySink
{
    // A pipe is written asynchronously; a file, device or terminal synchronously, since an
    // "async" write there is a thread pool hop around the same write(2).
    private readonly bool _writeInline = stdout is not System.IO.Pipes.PipeStream;

    /// <summary>fd 1, unless it is a terminal (written through the stream) or missing.</summary>
    public int? Descriptor => stdout is null || OperatingSystem.IsWindows() || StdioHandles.StdoutIsTerminal ? null : 1;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        if (stdout is null)
        {
            throw new SinkClosedException();
        }

        try
        {
            if (_writeInline)
            {
                stdout.Write(chunk.Span);
                return;
            }

            await stdout.WriteAsync(chunk, ct).ConfigureAwait(false);
        }
        catch (IOException) when (ct.IsCancellationRequested)
        {
            // A pipe write cut short by the session's end fails as "operation canceled" (ECANCELED),
            // not as a cancellation: it is the session ending, never a stdout failure.
            throw new OperationCanceledException(ct);
        }
        catch (IOException e)
        {
            throw Classify(e);
        }
    }

    public async ValueTask CompleteAsync(CancellationToken ct)
    {
        if (stdout is null)
        {
            return;
        }

        try
        {
            await stdout.FlushAsync(ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw Classify(e);
        }

        StdioHandles.ReleaseStdout();
    }

    // A file or device says why it failed (EPIPE: the reader has gone), and so does Windows (a
    // broken pipe). A pipe stream does not: ask the descriptor whether its reader has hung up.
    // Any other failure is an error.
    private static Exception Classify(IOException e)
    {
        var readerGone = e is DescriptorException failure ? failure.Errno == Errno.EPIPE : StdioHandles.StdoutReaderGone(e);
        return readerGone
            ? new SinkClosedException(e)
            : new SinkFailedException(new NsockException(ExitCodes.Network, "stdout", e.Message.TrimEnd('.').ToLowerInvariant(), e));
    }
}
