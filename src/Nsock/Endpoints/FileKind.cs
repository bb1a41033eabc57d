using System.Runtime.InteropServices;

namespace Nsock.Endpoints;

/// <summary>What a path is, without following a final symlink: decides whether nsock may remove it.</summary>
internal enum FileKindValue
{
    Missing,
    Socket,
    Other,

    /// <summary>Exists, but its type cannot be told on this platform: never removed.</summary>
    Unknown,
}

/// <summary>
/// Reads a path's file type with statx(2) on Linux (its struct has one layout on every
/// architecture). Elsewhere only existence is known, and nsock then removes nothing.
/// </summary>
internal static partial class FileKind
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;
    private const int ModeOffset = 28;
    private const int InoOffset = 32;
    private const int DevMajorOffset = 136;
    private const int DevMinorOffset = 140;
    private const int TypeMask = 0xF000;
    private const int SocketType = 0xC000;

    public static FileKindValue Of(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return File.Exists(path) || Directory.Exists(path) ? FileKindValue.Unknown : FileKindValue.Missing;
        }

        Span<byte> statx = stackalloc byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, ref MemoryMarshal.GetReference(statx)) != 0)
        {
            return Marshal.GetLastPInvokeError() == 2 /* ENOENT */ ? FileKindValue.Missing : FileKindValue.Unknown;
        }

        var mode = BitConverter.ToUInt16(statx[ModeOffset..]);
        return (mode & TypeMask) == SocketType ? FileKindValue.Socket : FileKindValue.Other;
    }

    /// <summary>
    /// Device and inode of the file at <paramref name="path"/> (following symlinks), the same
    /// however the path is spelled; null when it cannot be read (or off Linux).
    /// </summary>
    public static (ulong Device, ulong Inode)? IdentityOf(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Span<byte> statx = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxType | StatxIno, ref MemoryMarshal.GetReference(statx)) != 0)
        {
            return null;
        }

        var device = ((ulong)BitConverter.ToUInt32(statx[DevMajorOffset..]) << 32) | BitConverter.ToUInt32(statx[DevMinorOffset..]);
        return (device, BitConverter.ToUInt64(statx[InoOffset..]));
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, ref byte buffer);
}
