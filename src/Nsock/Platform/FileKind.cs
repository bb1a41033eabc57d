using System.Runtime.Versioning;
using System.Runtime.InteropServices;

namespace Nsock.Platform;

/// <summary>What a path is (a final symlink not followed): decides whether nsock may bind or remove it.</summary>
internal enum FileKindValue
{
    Missing,
    Socket,
    Other,

    /// <summary>A directory on the way does not exist.</summary>
    NoDirectory,

    /// <summary>A name on the way is not a directory (a regular file, say): ENOTDIR.</summary>
    NotDirectory,

    /// <summary>A directory on the way may not be searched.</summary>
    NoAccess,

    /// <summary>Exists, but its type cannot be told on this platform: never removed.</summary>
    Unknown,
}

/// <summary>What an open descriptor is, as far as moving bytes through it goes.</summary>
internal enum DescriptorKind
{
    Unknown,
    Pipe,
    RegularFile,
    CharacterDevice,
    Socket,
    Other,
}

/// <summary>A file's device and inode: the same however the path is spelled, and different for a new file at the same name.</summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode);

/// <summary>
/// Reads a path's type and identity: statx(2) on Linux (one struct layout on every architecture),
/// lstat/stat on macOS (the 64-bit-inode struct). Elsewhere only existence is known.
/// </summary>
internal static partial class FileKind
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;
    private const int TypeMask = 0xF000;
    private const int SocketType = 0xC000;

    public static FileKindValue Of(string path) => Read(path, followLinks: false).Kind;

    /// <summary>The type of the file an open descriptor refers to (Linux; elsewhere unknown).</summary>
    public static DescriptorKind OfDescriptor(int fd)
    {
        if (!OperatingSystem.IsLinux())
        {
            return DescriptorKind.Unknown;
        }

        Span<byte> buffer = stackalloc byte[256];
        if (Statx(fd, string.Empty, AtEmptyPath, StatxType, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return DescriptorKind.Unknown;
        }

        return (BitConverter.ToUInt16(buffer[28..]) & TypeMask) switch
        {
            0x1000 => DescriptorKind.Pipe,
            0x2000 => DescriptorKind.CharacterDevice,
            0x8000 => DescriptorKind.RegularFile,
            SocketType => DescriptorKind.Socket,
            _ => DescriptorKind.Other,
        };
    }

    /// <summary>Device and inode of the file at <paramref name="path"/>, following symlinks; null when unreadable.</summary>
    public static FileIdentity? IdentityOf(string path) => Read(path, followLinks: true).Identity;

    /// <summary>The type and identity of the path itself (a symlink is not followed).</summary>
    public static (FileKindValue Kind, FileIdentity? Identity) Read(string path, bool followLinks)
    {
        Span<byte> buffer = stackalloc byte[256];
        int result;
        int modeOffset, inoOffset;
        if (OperatingSystem.IsLinux())
        {
            result = Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType | StatxIno, ref MemoryMarshal.GetReference(buffer));
            (modeOffset, inoOffset) = (28, 32);
        }
        else if (OperatingSystem.IsMacOS())
        {
            var x64 = RuntimeInformation.ProcessArchitecture == Architecture.X64;
            ref var start = ref MemoryMarshal.GetReference(buffer);
            result = (followLinks, x64) switch
            {
                (false, true) => LstatInode64(path, ref start),
                (false, false) => Lstat(path, ref start),
                (true, true) => StatInode64(path, ref start),
                (true, false) => Stat(path, ref start),
            };
            (modeOffset, inoOffset) = (4, 8);
        }
        else
        {
            return (File.Exists(path) || Directory.Exists(path) ? FileKindValue.Unknown : FileKindValue.Missing, null);
        }

        if (result != 0)
        {
            return (Errno.Last switch
            {
                Errno.ENOENT => Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))) ? FileKindValue.Missing : FileKindValue.NoDirectory,
                Errno.ENOTDIR => FileKindValue.NotDirectory,
                Errno.EACCES => FileKindValue.NoAccess,
                _ => FileKindValue.Unknown,
            }, null);
        }

        var mode = BitConverter.ToUInt16(buffer[modeOffset..]);
        var device = OperatingSystem.IsLinux()
            ? ((ulong)BitConverter.ToUInt32(buffer[136..]) << 32) | BitConverter.ToUInt32(buffer[140..])
            : BitConverter.ToUInt32(buffer);
        var kind = (mode & TypeMask) == SocketType ? FileKindValue.Socket : FileKindValue.Other;
        return (kind, new FileIdentity(device, BitConverter.ToUInt64(buffer[inoOffset..])));
    }

    [SupportedOSPlatform("linux")]
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, ref byte buffer);

    [SupportedOSPlatform("macos")]
    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Lstat(string path, ref byte buffer);

    [SupportedOSPlatform("macos")]
    [LibraryImport("libc", EntryPoint = "lstat$INODE64", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LstatInode64(string path, ref byte buffer);

    [SupportedOSPlatform("macos")]
    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, ref byte buffer);

    [SupportedOSPlatform("macos")]
    [LibraryImport("libc", EntryPoint = "stat$INODE64", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatInode64(string path, ref byte buffer);
}
