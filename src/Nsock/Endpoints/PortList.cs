using System.Globalization;

namespace Nsock.Endpoints;

/// <summary>
/// The PORTS of a probe: <c>80</c>, <c>80,443</c>, <c>8000-8100</c>, service names
/// (<c>http</c>) and mixes (<c>22,http,8000-8010</c>). A reversed range is read the right way
/// round; the result is in port order, each port once. Every mistake is a usage error naming
/// the token at fault.
/// </summary>
internal static class PortList
{
    public static int[] Parse(string text, string protocol)
    {
        var ports = new SortedSet<int>();
        foreach (var item in text.Split(','))
        {
            if (item.Length == 0)
            {
                throw NsockException.Usage(text, "bad port list: an empty item (two commas, or one at an end)");
            }

            var dash = item.IndexOf('-', 1);
            if (dash < 0)
            {
                ports.Add(One(item, protocol));
                continue;
            }

            var (first, last) = (One(item[..dash], protocol, item), One(item[(dash + 1)..], protocol, item));
            for (var port = Math.Min(first, last); port <= Math.Max(first, last); port++)
            {
                ports.Add(port);
            }
        }

        return [.. ports];
    }

    private static int One(string token, string protocol, string? range = null)
    {
        var culprit = range ?? token;
        if (token.Length == 0)
        {
            throw NsockException.Usage(culprit, "bad port range: give both ends, as 8000-8100");
        }

        if (token.All(char.IsAsciiDigit))
        {
            return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
                ? port
                : throw NsockException.Usage(culprit, $"bad port '{token}': expected 1 to 65535");
        }

        return ServiceNames.Find(token, protocol)
            ?? throw NsockException.Usage(culprit, $"'{token}' is neither a port number nor a {protocol} service name this system knows");
    }
}
