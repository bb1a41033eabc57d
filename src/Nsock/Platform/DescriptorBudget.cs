using System.Runtime.Versioning;
using System.Runtime.InteropServices;

namespace Nsock.Platform;

/// <summary>
/// How many clients a server may hold at once without taking the file descriptors the runtime
/// itself still needs. Out of descriptors, the runtime cannot start a thread (each start takes a
/// pipe for a moment) or load an assembly, and aborts the whole process; so a server keeps
/// <see cref="Headroom"/> descriptors free, and clients beyond its budget wait in the kernel's
/// backlog until one leaves. The framework-dependent runtime holds about 60 descriptors of its
/// own (two per loaded assembly), the Native AOT one about 13.
/// </summary>
internal static partial class DescriptorBudget
{
    /// <summary>Descriptors left to the runtime: thread starts, and whatever it opens later.</summary>
    public const int Headroom = 8;

    /// <summary>The soft RLIMIT_NOFILE and the descriptors open now; null where unknown (no limit, or not Unix).</summary>
    public static (int Limit, int Open)? Now()
    {
        if (OperatingSystem.IsWindows() || OpenDescriptors() is not { } open)
        {
            return null;
        }

        var resource = OperatingSystem.IsLinux() ? 7 : 8; // RLIMIT_NOFILE
        return GetRlimit(resource, out var limit) != 0 || limit.Current > int.MaxValue ? null : ((int)limit.Current, open);
    }

    private static int? OpenDescriptors()
    {
        var table = OperatingSystem.IsLinux() ? "/proc/self/fd" : "/dev/fd";
        try
        {
            return Directory.EnumerateFileSystemEntries(table).Count() - 1; // less the one reading the table
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Rlimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [UnsupportedOSPlatform("windows")]
    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRlimit(int resource, out Rlimit limit);
}
