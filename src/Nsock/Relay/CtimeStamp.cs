using System.Globalization;
using System.Text;

namespace Nsock.Relay;

/// <summary>
/// --stamp: the prefix <c>[Tue Nov 24 21:56:40 2026] </c>, C's ctime() format (day of month
/// space-padded to two), in local time, as the classic Python echo server writes it.
/// </summary>
internal static class CtimeStamp
{
    public static string Format(DateTime localTime) =>
        "[" + localTime.ToString("ddd MMM ", CultureInfo.InvariantCulture)
        + localTime.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2)
        + localTime.ToString(" HH:mm:ss yyyy", CultureInfo.InvariantCulture) + "] ";

    public static int Write(DateTime localTime, Span<byte> destination) =>
        Encoding.ASCII.GetBytes(Format(localTime), destination);

    /// <summary>Longest prefix: five-digit years aside, always 27 bytes.</summary>
    public const int MaxLength = 32;
}
