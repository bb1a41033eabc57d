using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>
/// stdin that is not a terminal. A pipe or socket is read asynchronously (and a pending read
/// cancels); a regular file or device never blocks for long, so it is read synchronously, as an
/// "async" read there is a thread pool hop around the same read(2). Read errors count as EOF.
/// </summary>
/// <param name="descriptor">fd 0, where the kernel may read it directly (see <see cref="IRelaySource.Descriptor"/>).</param>
internal sealed class StdinSource(Stream stream, int? descriptor = null) : IRelaySource
{
    private readonly bool _readInline = stream is not System.IO.Pipes.PipeStream;

    public int? Descriptor => descriptor;

    /// <summary>stdin as a source: a terminal (or Windows' console) through <see cref="TerminalSource"/>, anything else through this.</summary>
    public static IRelaySource Open(int bufferSize)
    {
        var stream = StdioHandles.OpenStdin();
        return StdioHandles.StdinIsTerminal || OperatingSystem.IsWindows()
            ? new TerminalSource(stream, bufferSize)
            : new StdinSource(stream, stream == Stream.Null ? null : 0);
    }

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
