using System.Net;
using System.Net.NetworkInformation;

namespace Nsock.Endpoints;

/// <summary>
/// Checks the syntax of a HOST argument before any lookup: an IPv4 or IPv6 literal (brackets
/// allowed around IPv6), or a DNS name. HOST:PORT glued together is a usage error, not a name.
/// IPv4 is four decimal numbers: the shorthand, octal and hex forms the system resolver still
/// accepts (<c>1.2.3</c> is 1.2.0.3, <c>0177.0.0.1</c> and <c>2130706433</c> are 127.0.0.1) are
/// refused, since what they mean is rarely what was meant.
/// </summary>
internal static class HostName
{
    /// <summary>The longest name DNS can carry, written out (RFC 1035), and the longest label.</summary>
    public const int MaxNameLength = 253;
    public const int MaxLabelLength = 63;

    /// <summary>Returns the literal address, or null for a name to resolve.</summary>
    public static IPAddress? ParseLiteral(string host)
    {
        // "-" or "-x" reaches here only after "--" (or as "-"): never a name to look up.
        if (host.StartsWith('-'))
        {
            throw NsockException.Usage(host, "bad address syntax: a host name never starts with '-'");
        }

        var bracketed = host.Length > 2 && host[0] == '[' && host[^1] == ']';
        var inner = bracketed ? host[1..^1] : host;

        // TryParse also takes "[::1]:80" (with a port): brackets only count around the whole host.
        if (!inner.Contains('[') && inner.Contains(':') && IPAddress.TryParse(inner, out var v6))
        {
            if (v6.IsIPv4MappedToIPv6)
            {
                throw NsockException.Usage(host, $"an IPv4-mapped IPv6 address: give the IPv4 address {v6.MapToIPv4()} instead");
            }

            // The runtime reads an unknown zone ("fe80::1%nosuch") as no zone at all, and one over
            // 32 bits ("%4294967296") too; an index no interface has fails only at bind or connect.
            var zone = inner.IndexOf('%') is var percent and >= 0 ? inner[(percent + 1)..] : null;
            if (zone is not null && !IsInterface(zone))
            {
                throw NsockException.Usage(host, $"no interface '{zone}' for the address's zone");
            }

            return v6;
        }

        if (bracketed && IPAddress.TryParse(inner, out _))
        {
            throw NsockException.Usage(host, "bad address: brackets are only for IPv6 literals");
        }

        if (host.Length == 0 || host.Contains(':') || host.Contains('[') || host.Contains(']') || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            var hint = host.Contains(':') ? " (give HOST and PORT as two arguments)" : "";
            throw NsockException.Usage(host.Length == 0 ? "''" : host, "bad address syntax" + hint);
        }

        if (LooksNumeric(host))
        {
            return IsDottedQuad(host) && !bracketed
                ? IPAddress.Parse(host)
                : throw NsockException.Usage(host, "IPv4 shorthand, octal or hex form: write four decimal numbers 0-255, such as 127.0.0.1");
        }

        CheckNameLength(host);
        return null;
    }

    // Its own method: the assembly behind it is loaded only when an address names a zone.
    private static bool IsInterface(string zone) => zone.All(char.IsAsciiDigit)
        ? uint.TryParse(zone, out var index) && NetworkInterface.GetAllNetworkInterfaces().Any(n => IndexOf(n) == index)
        : NetworkInterface.GetAllNetworkInterfaces().Any(n => n.Name == zone);

    private static long IndexOf(NetworkInterface nic) =>
        nic.Supports(NetworkInterfaceComponent.IPv6) ? nic.GetIPProperties().GetIPv6Properties().Index
        : nic.Supports(NetworkInterfaceComponent.IPv4) ? nic.GetIPProperties().GetIPv4Properties().Index
        : -1;

    // The resolver reads a name whose last label is a number as an IPv4 address of some form.
    private static bool LooksNumeric(string host)
    {
        var last = host.TrimEnd('.').Split('.')[^1];
        return last.Length > 0 && (last.All(char.IsAsciiDigit)
            || (last.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && last[2..].All(char.IsAsciiHexDigit)));
    }

    private static bool IsDottedQuad(string host)
    {
        var parts = host.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is >= 1 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0') && int.Parse(p) <= 255);
    }

    private static void CheckNameLength(string host)
    {
        var name = host.EndsWith('.') ? host[..^1] : host;
        if (name.Length > MaxNameLength)
        {
            throw NsockException.Usage(Shorten(host), $"host name too long: {name.Length} characters, at most {MaxNameLength}");
        }

        if (name.Split('.').FirstOrDefault(label => label.Length > MaxLabelLength || label.Length == 0) is { } bad)
        {
            throw NsockException.Usage(Shorten(host), bad.Length == 0
                ? "bad host name: empty label (two dots in a row, or a leading dot)"
                : $"bad host name: a label of {bad.Length} characters, at most {MaxLabelLength}");
        }
    }

    private static string Shorten(string host) => host.Length > 60 ? host[..57] + "..." : host;
}
