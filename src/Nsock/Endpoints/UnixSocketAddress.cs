using System.Runtime.InteropServices;
using System.Text;
using Nsock.Platform;
using Nsock.Terminal;

namespace Nsock.Endpoints;

/// <summary>
/// struct sockaddr_un as the kernel takes and gives it: on Linux a 2-byte family and 108 bytes of
/// path, on macOS and the BSDs a length byte, a family byte and 104 bytes. A path ends at its NUL;
/// an abstract name (Linux) is a NUL and then every byte up to the address length.
/// </summary>
internal static class UnixSocketAddress
{
    private const int HeaderLength = 2;
    private const int AfUnix = 1; // the same number everywhere

    public static int Capacity => HeaderLength + (OperatingSystem.IsLinux() ? 108 : 104);

    /// <summary>Writes <paramref name="path"/> as an address; returns its length.</summary>
    public static int Write(UnixPath path, Span<byte> address)
    {
        address.Clear();
        var name = address[HeaderLength..];
        var length = HeaderLength + (path.IsAbstract
            ? 1 + Encoding.UTF8.GetBytes(path.Text.AsSpan(1), name[1..])
            : Encoding.UTF8.GetBytes(path.Text, name) + 1);
        if (OperatingSystem.IsLinux())
        {
            MemoryMarshal.Write(address, (ushort)AfUnix);
        }
        else
        {
            address[0] = (byte)length;
            address[1] = AfUnix;
        }

        return length;
    }

    /// <summary>
    /// How nsock prints an address a peer gave (accept, recvfrom): <c>/path</c> or <c>@name</c>,
    /// with every byte a terminal could act on escaped; null for a peer with no address of its own.
    /// </summary>
    public static string? Describe(ReadOnlySpan<byte> address)
    {
        if (address.Length <= HeaderLength)
        {
            return null;
        }

        var name = address[HeaderLength..];
        if (name[0] == 0)
        {
            return name.Length == 1 ? null : "@" + SafeText.Escape(name[1..]);
        }

        var end = name.IndexOf((byte)0);
        return SafeText.Escape(end < 0 ? name : name[..end]);
    }
}
