using System.IO.Pipes;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Nsock.LocalEnds;

/// <summary>
/// Opens fd 0 and fd 1 as raw byte streams that can be read and written asynchronously and
/// cancelled: a pipe or socket as a pipe stream, a regular file or device through the console stream, a
/// terminal through the console (whose reads can only be abandoned, see <see cref="TerminalSource"/>).
/// </summary>
internal static partial class StdioHandles
{
    public static bool StdinIsTerminal => !Console.IsInputRedirected;

    public static Stream OpenStdin()
    {
        if (OperatingSystem.IsWindows() || StdinIsTerminal)
        {
            return Console.OpenStandardInput();
        }

        return OpenUnixFd(0, PipeDirection.In, FileAccess.Read) ?? Stream.Null;
    }

    public static Stream OpenStdout()
    {
        if (OperatingSystem.IsWindows() || !Console.IsOutputRedirected)
        {
            return Console.OpenStandardOutput();
        }

        return OpenUnixFd(1, PipeDirection.Out, FileAccess.Write) ?? Stream.Null;
    }

    /// <summary>
    /// Closes our stdout for good, so the reader of a pipe sees EOF now, while the session may
    /// go on sending. fd 1 is pointed at /dev/null rather than closed, so no socket opened later
    /// can take the number 1 and receive stray writes. The .NET runtime keeps private duplicates
    /// of fds 0-2 from startup; on Linux those copies of our stdout are pointed at /dev/null too,
    /// unless stderr is the same pipe (2&gt;&amp;1), which keeps it open whatever we do.
    /// </summary>
    public static void ReleaseStdout()
    {
        if (OperatingSystem.IsWindows() || !Console.IsOutputRedirected)
        {
            return;
        }

        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write);
        var nullFd = (int)devNull.DangerousGetHandle();
        var stdout = FdTarget(1);
        if (OperatingSystem.IsLinux() && stdout is not null && stdout != FdTarget(2))
        {
            foreach (var fd in Directory.EnumerateFiles("/proc/self/fd").Select(Path.GetFileName))
            {
                if (int.TryParse(fd, out var number) && number > 2 && number != nullFd && FdTarget(number) == stdout)
                {
                    _ = Dup2(nullFd, number);
                }
            }
        }

        _ = Dup2(nullFd, 1);
    }

    // What a descriptor refers to, e.g. "pipe:[4711]" (Linux); null where that cannot be told.
    private static string? FdTarget(int fd)
    {
        try
        {
            return OperatingSystem.IsLinux() ? new FileInfo($"/proc/self/fd/{fd}").LinkTarget : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static Stream? OpenUnixFd(int fd, PipeDirection direction, FileAccess access)
    {
        try
        {
            return new AnonymousPipeClientStream(direction, new SafePipeHandle(fd, ownsHandle: false));
        }
        catch (IOException)
        {
            // Not a pipe or socket: a regular file or a device such as /dev/null.
        }

        // The console stream calls read(2)/write(2) at the descriptor's own offset, as a shell
        // redirection expects (FileStream would pwrite at an offset of its own and overwrite what
        // others appended). Files and devices do not block, so its synchronous I/O is harmless.
        try
        {
            return access == FileAccess.Read ? Console.OpenStandardInput() : Console.OpenStandardOutput();
        }
        catch (IOException)
        {
            return null; // closed or unusable descriptor: behave as empty input / discarded output
        }
    }

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int oldFd, int newFd);
}
