using System.Runtime.Versioning;
using System.Runtime.InteropServices;

namespace Nsock.Platform;

/// <summary>
/// The few C library calls nsock makes itself, where the runtime's own wrappers do something it
/// must not (unlink a socket file on dispose, size an accept buffer to the listener's address)
/// or offer nothing (umask, flock, descriptor flags). Unix only; callers check the platform.
/// Variadic C functions (fcntl, ioctl) are only called without their optional argument, the one
/// form that is safe through a fixed signature on every ABI.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static partial class Libc
{
    public const int AfUnix = 1;
    public const int SockStream = 1;
    public const int SockDgram = 2;
    public const int FGetFd = 1;
    public const int FdCloexec = 1;
    public const short PollIn = 0x1;
    public const short PollOut = 0x4;
    public const short PollErr = 0x8;
    public const int LockExclusive = 2;
    public const int LockNonBlocking = 4;
    public const int LockUnlock = 8;

    /// <summary>SOCK_CLOEXEC, a flag of socket() and accept4() on Linux; elsewhere set afterwards.</summary>
    public static int SockCloexec => OperatingSystem.IsLinux() ? 0x80000 : 0;

    /// <summary>FIOCLEX, for ioctl: close-on-exec where SOCK_CLOEXEC does not exist.</summary>
    public static nuint FioClex => OperatingSystem.IsLinux() ? 0x5451u : 0x20006601u;

    /// <summary>O_CLOEXEC, for <see cref="Open"/>.</summary>
    public static int OCloexec => OperatingSystem.IsLinux() ? 0x80000 : 0x1000000;

    /// <summary>open(path, flags) without a mode: never with O_CREAT.</summary>
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, ReadOnlySpan<byte> address, int length);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, ReadOnlySpan<byte> address, int length);

    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSockName(int fd, Span<byte> address, ref int length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static partial int GetSockOpt(int fd, int level, int name, out int value, ref int length);

    /// <summary>The pending error of a socket (SO_ERROR): how a non-blocking connect ended, 0 for success.</summary>
    public static int SocketError(int fd)
    {
        var length = sizeof(int);
        var (solSocket, soError) = OperatingSystem.IsLinux() ? (1, 4) : (0xffff, 0x1007);
        return GetSockOpt(fd, solSocket, soError, out var error, ref length) == 0 ? error : Errno.Last;
    }

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSockOpt(int fd, int level, int name, in int value, int length);

    /// <summary>setsockopt(2) with an int value; 0 or -1 (errno in <see cref="Errno.Last"/>).</summary>
    public static int SetSocketOption(int fd, int level, int name, int value) => SetSockOpt(fd, level, name, in value, sizeof(int));

    [LibraryImport("libc", EntryPoint = "listen", SetLastError = true)]
    public static partial int Listen(int fd, int backlog);

    [SupportedOSPlatform("linux")]
    [LibraryImport("libc", EntryPoint = "accept4", SetLastError = true)]
    public static partial int Accept4(int fd, Span<byte> address, ref int length, int flags);

    [LibraryImport("libc", EntryPoint = "accept", SetLastError = true)]
    public static partial int Accept(int fd, Span<byte> address, ref int length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    public static partial int Dup2(int oldFd, int newFd);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int FcntlGetFd(int fd, int command);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoctlNoArgument(int fd, nuint request);

    [LibraryImport("libc", EntryPoint = "umask")]
    public static partial uint Umask(uint mask);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(Span<PollFd> fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "pipe", SetLastError = true)]
    public static partial int Pipe(Span<int> fds);

    /// <summary>pipe2(2), Linux: a pipe with flags (O_CLOEXEC, O_NONBLOCK) set at once.</summary>
    [SupportedOSPlatform("linux")]
    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(Span<int> fds, int flags);

    /// <summary>recv(2) flags, Linux values: look without taking, report a datagram's full length, do not wait.</summary>
    public const int MsgPeek = 0x2, MsgTrunc = 0x20, MsgDontWait = 0x40;

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, IntPtr buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, Span<byte> buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, ReadOnlySpan<byte> buffer, nuint count);

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}

/// <summary>The errno values nsock tells apart; those that differ are given for Linux and the BSDs (macOS).</summary>
internal static class Errno
{
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EBADF = 9;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int ENOTDIR = 20;
    public const int ENFILE = 23;
    public const int EMFILE = 24;
    public const int ENOSPC = 28;
    public const int EPIPE = 32;
    public const int EPERM = 1;
    public const int EPROTONOSUPPORT = 93;

    public static int EAGAIN => OperatingSystem.IsLinux() ? 11 : 35;

    public static int EWOULDBLOCK => EAGAIN;

    public static int EADDRINUSE => OperatingSystem.IsLinux() ? 98 : 48;

    public static int ECONNABORTED => OperatingSystem.IsLinux() ? 103 : 53;

    public static int ENOBUFS => OperatingSystem.IsLinux() ? 105 : 55;

    public static int Last => Marshal.GetLastPInvokeError();

    /// <summary>The C library's text for an errno value, in lower case: "no space left on device".</summary>
    public static string Describe(int errno)
    {
        var text = Marshal.GetPInvokeErrorMessage(errno);
        return text.Length > 0 ? char.ToLowerInvariant(text[0]) + text[1..].TrimEnd('.') : $"error {errno}";
    }
}
