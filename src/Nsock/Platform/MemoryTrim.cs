using System.Runtime.Versioning;
using System.Runtime.InteropServices;

namespace Nsock.Platform;

/// <summary>
/// A server that has just seen a crowd of clients leave holds their memory: the garbage collector
/// keeps freed space for the next burst and glibc keeps its arenas. Once nobody has been connected
/// for a moment, the heap is compacted and its free space, and glibc's, handed back to the
/// system, so a long-running -k server's footprint follows its load down again.
/// </summary>
internal sealed partial class MemoryTrim : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    private readonly Timer _timer;

    public MemoryTrim() => _timer = new Timer(_ => Trim());

    /// <summary>The last client has left: trim unless another arrives within <see cref="Quiet"/>.</summary>
    public void NobodyConnected() => _timer.Change(Quiet, Timeout.InfiniteTimeSpan);

    /// <summary>A client arrived: not idle any more.</summary>
    public void SomeoneConnected() => _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    public void Dispose() => _timer.Dispose();

    private static void Trim()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = MallocTrim(0);
            }
            catch (EntryPointNotFoundException)
            {
                // not glibc (musl): nothing to trim
            }
        }
    }

    [SupportedOSPlatform("linux")]
    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
