using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Nsock.Platform;

/// <summary>The few Windows calls nsock makes itself: closing stdout for good, so its reader sees the end.</summary>
[SupportedOSPlatform("windows")]
internal static partial class Kernel32
{
    private const int StdOutputHandle = -11;

    /// <summary>
    /// Closes the process's standard output handle and empties its slot, so a pipe's reader sees
    /// EOF while nsock goes on (the console stream over it never closes the handle it was given).
    /// </summary>
    public static void CloseStdout()
    {
        var handle = GetStdHandle(StdOutputHandle);
        if (handle == IntPtr.Zero || handle == -1)
        {
            return;
        }

        _ = SetStdHandle(StdOutputHandle, IntPtr.Zero);
        _ = CloseHandle(handle);
    }

    [LibraryImport("kernel32.dll", SetLastError = true)]
    private static partial IntPtr GetStdHandle(int which);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool SetStdHandle(int which, IntPtr handle);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CloseHandle(IntPtr handle);
}
