using System.Globalization;

namespace Nsock.Endpoints;

/// <summary>Parses a port argument; every failure is a usage error (exit 2).</summary>
internal static class PortNumber
{
    public static int Parse(string text, bool allowZero)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw NsockException.Usage(text, "bad port: expected a number from " + (allowZero ? "0" : "1") + " to 65535");
        }

        if (port == 0 && !allowZero)
        {
            throw NsockException.Usage(text, "bad port: port 0 cannot be connected to");
        }

        return port;
    }
}
