using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>Reads a byte stream that honours cancellation (pipe, file). Read errors count as EOF.</summary>
internal sealed class StreamSource(Stream stream) : IRelaySource
{
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
    {
        try
        {
            return await stream.ReadAsync(buffer, ct).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
