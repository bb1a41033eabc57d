using System.Runtime.Versioning;
namespace Nsock.Platform;

/// <summary>
/// A pipe that wakes a thread blocked in poll(2) on nsock's behalf: the thread polls
/// <see cref="ReadEnd"/> with its own descriptors, and <see cref="Wake"/> makes it readable.
/// A wake-up is level-triggered: it stays until <see cref="Consume"/> takes it.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class WakePipe : IDisposable
{
    private readonly int _writeEnd;

    private WakePipe(int readEnd, int writeEnd) => (ReadEnd, _writeEnd) = (readEnd, writeEnd);

    public int ReadEnd { get; }

    /// <summary>Opens one; <paramref name="what"/> names the failure (out of descriptors).</summary>
    public static WakePipe Open(string what)
    {
        // Close-on-exec, so that no child nsock starts (a -z command) holds it open.
        Span<int> ends = stackalloc int[2];
        if ((OperatingSystem.IsLinux() ? Libc.Pipe2(ends, Libc.OCloexec) : Libc.Pipe(ends)) != 0)
        {
            throw new NsockException(ExitCodes.LocalResource, what, Errno.Describe(Errno.Last));
        }

        if (!OperatingSystem.IsLinux())
        {
            _ = Libc.IoctlNoArgument(ends[0], Libc.FioClex);
            _ = Libc.IoctlNoArgument(ends[1], Libc.FioClex);
        }

        return new WakePipe(ends[0], ends[1]);
    }

    public void Wake() => _ = Libc.Write(_writeEnd, [1], 1);

    public void Consume() => _ = Libc.Read(ReadEnd, stackalloc byte[1], 1);

    public void Dispose()
    {
        _ = Libc.Close(ReadEnd);
        _ = Libc.Close(_writeEnd);
    }
}
