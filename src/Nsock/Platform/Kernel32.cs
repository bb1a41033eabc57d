using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace Nsock.Platform;

/// <summary>
/// The few Windows calls nsock makes itself: stdout as a stream that reports a reader that has
/// gone, and closing stdout for good, so its reader sees the end.
/// </summary>
[SupportedOSPlatform("windows")]
internal static partial class Kernel32
{
    private const int StdOutputHandle = -11;
    private const int FileTypeUnknown = 0;
    private const int FileTypeChar = 2;
    private const int ErrorInvalidHandle = 6;
    private const int ErrorBrokenPipe = 109;
    private const int ErrorNoData = 232; // "the pipe is being closed"
    private const int ErrorPipeNotConnected = 233; // what Wine reports for a pipe whose reader has gone

    /// <summary>
    /// stdout: a plain file stream over the handle when it is a pipe or a file, the console's
    /// stream for a console, null when nsock was started without one (none given, or one that
    /// names nothing: GetFileType fails). The console stream would do for a pipe too, but it
    /// swallows broken-pipe errors, so nsock would never learn that its reader has gone
    /// (<c>nsock ... | more</c>, quit).
    /// </summary>
    public static Stream? OpenStdout()
    {
        var handle = GetStdHandle(StdOutputHandle);
        if (handle == IntPtr.Zero || handle == -1)
        {
            return null;
        }

        var type = GetFileType(handle);
        return type switch
        {
            FileTypeUnknown when Marshal.GetLastPInvokeError() != 0 => null,
            FileTypeChar => Console.OpenStandardOutput(),
            _ => new FileStream(new SafeFileHandle(handle, ownsHandle: false), FileAccess.Write, bufferSize: 0),
        };
    }

    /// <summary>
    /// Whether a write to stdout failed because nobody reads it: the pipe's reader has gone, or
    /// the handle names nothing (nsock was started with stdout closed; Wine hands such a process
    /// a handle that GetFileType accepts and writes refuse).
    /// </summary>
    public static bool NobodyReads(IOException e) => (e.HResult & 0xFFFF) is ErrorBrokenPipe or ErrorNoData or ErrorPipeNotConnected or ErrorInvalidHandle;

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
    private static partial int GetFileType(IntPtr handle);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool SetStdHandle(int which, IntPtr handle);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CloseHandle(IntPtr handle);
}
