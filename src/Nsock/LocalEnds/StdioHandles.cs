using System.IO.Pipes;
using Microsoft.Win32.SafeHandles;
using Nsock.Platform;

namespace Nsock.LocalEnds;

/// <summary>
/// fds 0, 1 and 2 as raw byte streams. A pipe or socket is a pipe stream (asynchronous, and a
/// pending read cancels); a file, device or terminal a <see cref="DescriptorStream"/> (a terminal
/// read can only be abandoned, see <see cref="TerminalSource"/>). No descriptor is duplicated, so
/// closing stdout really closes it. A descriptor that was closed when nsock started counts as
/// empty input, a reader that has gone, or silence, whatever number the runtime gave it since.
/// Each descriptor gets one stream for the life of the process, however many sessions or
/// threads ask for it: the runtime's pipe stream wraps the descriptor in a socket of its own
/// that takes the descriptor as its own, so a second stream over fd 1 means two sockets
/// registered for one descriptor, and one of them, once dropped, ends the other's writes
/// ("operation canceled") or blocks the finalizer.
/// </summary>
internal static class StdioHandles
{
    private static readonly bool[] Inherited = [true, true, true];

    // Opened on first use (after Claim), once, whichever thread asks first.
    private static readonly Lazy<Stream> Stdin = new(OpenStdinOnce);
    private static readonly Lazy<Stream?> Stdout = new(OpenStdoutOnce);

    /// <summary>
    /// Run first, before nsock opens anything: finds which of fds 0-2 were really handed to nsock.
    /// A closed one gets /dev/null, so no socket opened later takes its number and receives
    /// stray writes. One the runtime already took for itself (its signal pipe: a descriptor
    /// opened close-on-exec, which nothing inherited can be) is left alone and never used.
    /// </summary>
    public static void Claim()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        for (var fd = 0; fd <= 2; fd++)
        {
            var flags = Libc.FcntlGetFd(fd, Libc.FGetFd);
            if (flags < 0)
            {
                Inherited[fd] = false;
                using var devNull = File.OpenHandle("/dev/null", FileMode.Open, fd == 0 ? FileAccess.Read : FileAccess.Write);
                _ = Libc.Dup2((int)devNull.DangerousGetHandle(), fd);
            }
            else if ((flags & Libc.FdCloexec) != 0)
            {
                Inherited[fd] = false;
            }
        }
    }

    public static bool StdinIsTerminal => Inherited[0] && !Console.IsInputRedirected;

    public static bool StdoutIsTerminal => Inherited[1] && !Console.IsOutputRedirected;

    /// <summary>stdin, the same stream on every call; empty when nsock was started without one.</summary>
    public static Stream OpenStdin() => Stdin.Value;

    /// <summary>stdout, the same stream on every call; null when nsock was started without one (it counts as a reader that has gone).</summary>
    public static Stream? OpenStdout() => Stdout.Value;

    private static Stream OpenStdinOnce()
    {
        if (!Inherited[0])
        {
            return Stream.Null;
        }

        return OperatingSystem.IsWindows() ? Console.OpenStandardInput() : (Stream?)OpenPipe(0, PipeDirection.In) ?? new DescriptorStream(0, FileAccess.Read);
    }

    private static Stream? OpenStdoutOnce()
    {
        if (!Inherited[1])
        {
            return null;
        }

        return OperatingSystem.IsWindows() ? Kernel32.OpenStdout() : (Stream?)OpenPipe(1, PipeDirection.Out) ?? new DescriptorStream(1, FileAccess.Write);
    }

    /// <summary>stderr; null when nsock was started without one (messages are then dropped).</summary>
    public static Stream? OpenStderr()
    {
        if (!Inherited[2])
        {
            return null;
        }

        return OperatingSystem.IsWindows() ? Console.OpenStandardError() : new DescriptorStream(2, FileAccess.Write);
    }

    /// <summary>
    /// Has the reader of stdout (a pipe or socket) gone, now that <paramref name="failure"/> came
    /// of a write? Windows says so in the error (broken pipe); elsewhere poll(2) says POLLERR or POLLHUP.
    /// </summary>
    public static bool StdoutReaderGone(IOException failure)
    {
        if (OperatingSystem.IsWindows())
        {
            return Kernel32.NobodyReads(failure);
        }

        const short PollOut = 0x4, PollErr = 0x8, PollHup = 0x10;
        Span<Libc.PollFd> fds = [new() { Fd = 1, Events = PollOut }];
        return Libc.Poll(fds, 1, 0) > 0 && (fds[0].Revents & (PollErr | PollHup)) != 0;
    }

    /// <summary>
    /// Closes our stdout for good, so the reader of a pipe sees EOF now, while the session may go
    /// on sending. fd 1 is pointed at /dev/null rather than closed, so no socket opened later can
    /// take the number 1. The framework-dependent runtime keeps private duplicates of fds 0-2
    /// from startup: those that share fd 1's open file (same file, same access mode) are pointed
    /// at /dev/null too, and nothing else is touched. (When stderr is the same pipe, 2&gt;&amp;1,
    /// the reader sees EOF only at exit whatever nsock does.)
    /// </summary>
    public static void ReleaseStdout()
    {
        if (!Inherited[1] || StdoutIsTerminal)
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Kernel32.CloseStdout(); // no dup2 there: the handle is closed and the slot emptied
            return;
        }

        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write);
        var nullFd = (int)devNull.DangerousGetHandle();
        foreach (var copy in RuntimeCopiesOfStdout(nullFd))
        {
            _ = Libc.Dup2(nullFd, copy);
        }

        _ = Libc.Dup2(nullFd, 1);
    }

    private static IEnumerable<int> RuntimeCopiesOfStdout(int nullFd)
    {
        if (!OperatingSystem.IsLinux() || OpenFile(1) is not { } stdout || OpenFile(2) == stdout)
        {
            return [];
        }

        return Directory.EnumerateFiles("/proc/self/fd")
            .Select(fd => int.TryParse(Path.GetFileName(fd), out var number) ? number : -1)
            .Where(fd => fd > 2 && fd != nullFd && OpenFile(fd) == stdout)
            .ToList();
    }

    // What a descriptor refers to and how it was opened, e.g. "pipe:[4711] 1" for a pipe's write
    // end (Linux): a pipe's two ends name the same pipe, and only the access mode tells them apart.
    private static string? OpenFile(int fd)
    {
        try
        {
            var target = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
            var flags = File.ReadLines($"/proc/self/fdinfo/{fd}").FirstOrDefault(l => l.StartsWith("flags:", StringComparison.Ordinal));
            return target is null || flags is null ? null : $"{target} {Convert.ToInt32(flags[6..].Trim(), 8) & 3}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static PipeStream? OpenPipe(int fd, PipeDirection direction)
    {
        try
        {
            return new AnonymousPipeClientStream(direction, new SafePipeHandle(fd, ownsHandle: false));
        }
        catch (IOException)
        {
            return null; // not a pipe or socket: a file, a device or a terminal
        }
    }
}
