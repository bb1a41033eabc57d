using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>
/// Stdout shared by concurrent clients (-k): each chunk is written whole under a lock, so
/// two clients' data never interleave mid-chunk. One client's end does not close stdout.
/// </summary>
internal sealed class SharedStdout(IRelaySink stdout) : IRelaySink
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await stdout.WriteAsync(chunk, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public ValueTask CompleteAsync(CancellationToken ct) => ValueTask.CompletedTask;
}
