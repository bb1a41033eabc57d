using System.Text;
using Nsock.LocalEnds;
using Nsock.Relay;

namespace Nsock.Commands;

/// <summary>
/// Text a user asked for on stdout (help, the version, a completion script): written straight to
/// fd 1 by the relay's own stdout sink, with no console set-up and no terminal queries; quiet when
/// the reader has gone (<c>nsock --help | head -1</c>), an error when stdout fails.
/// </summary>
internal static class StandardOutput
{
    public static async Task WriteAsync(string text, CancellationToken ct)
    {
        var sink = new StdoutSink(StdioHandles.OpenStdout());
        try
        {
            await sink.WriteAsync(Encoding.UTF8.GetBytes(text), ct).ConfigureAwait(false);
            await sink.CompleteAsync(ct).ConfigureAwait(false);
        }
        catch (SinkClosedException)
        {
        }
        catch (SinkFailedException failed)
        {
            throw failed.Failure;
        }
    }
}
