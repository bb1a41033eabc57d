using System.Net;
using System.Net.Sockets;

namespace Nsock.Endpoints;

/// <summary>
/// Checks the syntax of a HOST argument before any lookup: an IPv4 or IPv6 literal (brackets
/// allowed around IPv6), or a DNS name. HOST:PORT glued together is a usage error, not a name.
/// </summary>
internal static class HostName
{
    /// <summary>Returns the literal address, or null for a name to resolve.</summary>
    public static IPAddress? ParseLiteral(string host)
    {
        var bracketed = host.Length > 2 && host[0] == '[' && host[^1] == ']';
        var inner = bracketed ? host[1..^1] : host;

        // TryParse also takes "[::1]:80" (with a port): brackets only count around the whole host.
        if (!inner.Contains('[') && IPAddress.TryParse(inner, out var address) && (inner.Contains(':') || IsDottedQuad(inner)))
        {
            if (bracketed && address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw NsockException.Usage(host, "bad address: brackets are only for IPv6 literals");
            }

            return address;
        }

        if (host.Length == 0 || host.Contains(':') || host.Contains('[') || host.Contains(']') || host.Any(char.IsWhiteSpace))
        {
            var hint = host.Contains(':') ? " (give HOST and PORT as two arguments)" : "";
            throw NsockException.Usage(host.Length == 0 ? "''" : host, "bad address syntax" + hint);
        }

        return null;
    }

    // IPAddress.TryParse accepts "1" or "1.2" as IPv4 shorthand; a netcat user means a name.
    private static bool IsDottedQuad(string text) => text.Count(c => c == '.') == 3;
}
