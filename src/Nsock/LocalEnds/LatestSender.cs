using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>
/// --reply: remembers who sent the latest datagram, so stdin can go to them (senders that cannot
/// be answered are skipped). Passes every datagram on unchanged.
/// </summary>
internal sealed class LatestSender(IDatagramSink next) : IDatagramSink
{
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile DatagramPeer? _latest;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> datagram, DatagramPeer from, CancellationToken ct)
    {
        if (from.CanAnswer)
        {
            _latest = from;
            _first.TrySetResult();
        }

        return next.WriteAsync(datagram, from, ct);
    }

    /// <summary>The latest sender; waits for the first one.</summary>
    public async ValueTask<DatagramPeer?> GetAsync(CancellationToken ct)
    {
        await _first.Task.WaitAsync(ct).ConfigureAwait(false);
        return _latest;
    }
}
