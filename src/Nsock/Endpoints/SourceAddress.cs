using System.Net;

namespace Nsock.Endpoints;

/// <summary>The -s/--source value: ADDR, ADDR:PORT, [V6]:PORT, or :PORT for a port on any address.</summary>
internal sealed record SourceAddress(string? Host, int Port)
{
    public static SourceAddress Parse(string text)
    {
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0)
            {
                throw NsockException.Usage(text, "bad source address: missing ']'");
            }

            var rest = text[(close + 1)..];
            if (rest.Length == 0)
            {
                return new(text[..(close + 1)], 0);
            }

            if (rest[0] != ':')
            {
                throw NsockException.Usage(text, "bad source address syntax");
            }

            return new(text[..(close + 1)], PortNumber.Parse(rest[1..], allowZero: true));
        }

        // A bare IPv6 literal has several colons and no port.
        if (text.Count(c => c == ':') > 1)
        {
            return IPAddress.TryParse(text, out _) ? new(text, 0) : throw NsockException.Usage(text, "bad source address syntax (write IPv6 with a port as [ADDR]:PORT)");
        }

        var colon = text.IndexOf(':');
        if (colon < 0)
        {
            return new(text, 0);
        }

        var host = text[..colon];
        return new(host.Length == 0 ? null : host, PortNumber.Parse(text[(colon + 1)..], allowZero: true));
    }
}
