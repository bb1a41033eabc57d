using System.Net.Sockets;
using System.Text;

namespace Nsock.Endpoints;

/// <summary>
/// A unix socket address as users write it: a file path, or <c>@name</c> for the Linux abstract
/// namespace (no file). Printed the same way, so what nsock prints can be pasted back in.
/// </summary>
internal sealed record UnixPath(string Text)
{
    /// <summary>sun_path is 108 bytes on Linux (104 on macOS), one kept for the terminating NUL.</summary>
    public static int MaxPathBytes => OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 103 : 107;

    public bool IsAbstract => Text.StartsWith('@');

    public static UnixPath Parse(string text)
    {
        if (text.Length == 0)
        {
            throw NsockException.Usage("''", "empty unix socket path");
        }

        if (text == "@")
        {
            throw NsockException.Usage("@", "empty abstract socket name (write @name)");
        }

        var path = new UnixPath(text);
        if (path.IsAbstract && !OperatingSystem.IsLinux())
        {
            throw new NsockException(ExitCodes.LocalResource, text, "abstract socket names (@name) exist only on Linux");
        }

        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > MaxPathBytes)
        {
            throw new NsockException(ExitCodes.LocalResource, text.Length > 60 ? text[..57] + "..." : text, $"path too long: {bytes} bytes, the limit is {MaxPathBytes}");
        }

        return path;
    }

    public UnixDomainSocketEndPoint EndPoint => new(IsAbstract ? "\0" + Text[1..] : Text);

    public override string ToString() => Text;
}
