using Nsock.Platform;

namespace Nsock.Endpoints;

/// <summary>
/// Is some open socket bound to this socket file? Answered from the kernel's table of unix
/// sockets (/proc/net/unix) without connecting, so the question never takes the place of a
/// single-connection server's one client. A table entry is matched by the file's device and
/// inode, so every spelling of the path counts (symlinks, "./", relative paths; a relative
/// entry is resolved against the owning process's working directory).
/// </summary>
internal static class UnixSocketTable
{
    /// <summary>true or false; null where the table cannot tell (no /proc, unreadable owners).</summary>
    public static bool? IsBound(string path)
    {
        if (!OperatingSystem.IsLinux() || FileKind.IdentityOf(path) is not { } target)
        {
            return null;
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/net/unix");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var relative = new List<(string Path, string Inode)>();
        foreach (var line in lines.Skip(1))
        {
            // Num RefCount Protocol Flags Type St Inode Path (the path may contain spaces)
            var fields = line.Split(' ', 8, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 8 || fields[7].StartsWith('@'))
            {
                continue;
            }

            if (!fields[7].StartsWith('/'))
            {
                relative.Add((fields[7], fields[6]));
            }
            else if (FileKind.IdentityOf(fields[7]) == target)
            {
                return true;
            }
        }

        if (relative.Count == 0)
        {
            return false;
        }

        var owners = OwnersOf(relative.Select(r => r.Inode).ToHashSet());
        var unresolved = false;
        foreach (var (boundPath, inode) in relative)
        {
            var cwds = owners.GetValueOrDefault(inode, []).Select(WorkingDirectory).OfType<string>().ToList();
            if (cwds.Any(cwd => FileKind.IdentityOf(Path.Combine(cwd, boundPath)) == target))
            {
                return true;
            }

            unresolved |= cwds.Count == 0 && Path.GetFileName(boundPath) == Path.GetFileName(path);
        }

        return unresolved ? null : false;
    }

    // Which processes hold the sockets with these inodes: /proc/PID/fd/N -> "socket:[INODE]".
    private static Dictionary<string, List<int>> OwnersOf(HashSet<string> inodes)
    {
        var owners = new Dictionary<string, List<int>>();
        foreach (var process in SafeEnumerate("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), out var pid))
            {
                continue;
            }

            foreach (var fd in SafeEnumerate(process + "/fd"))
            {
                var target = SafeLinkTarget(fd);
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && inodes.Contains(target[8..^1]))
                {
                    (owners.TryGetValue(target[8..^1], out var list) ? list : owners[target[8..^1]] = []).Add(pid);
                }
            }
        }

        return owners;
    }

    private static string? WorkingDirectory(int pid) => SafeLinkTarget($"/proc/{pid}/cwd");

    private static IEnumerable<string> SafeEnumerate(string directory)
    {
        try
        {
            return Directory.GetFileSystemEntries(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string? SafeLinkTarget(string link)
    {
        try
        {
            return new FileInfo(link).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
