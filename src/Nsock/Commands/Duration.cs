using System.Globalization;

namespace Nsock.Commands;

/// <summary>
/// A duration as people write it: seconds (<c>1.5</c>, <c>2s</c>), milliseconds (<c>500ms</c>),
/// minutes (<c>1m</c>) or hours (<c>1h</c>). From one millisecond (what nsock's clocks honour)
/// to about 24 days (the longest timer the runtime arms).
/// </summary>
internal static class Duration
{
    public static readonly TimeSpan Shortest = TimeSpan.FromMilliseconds(1);
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(int.MaxValue);

    private static readonly (string Suffix, double Seconds)[] Units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];

    /// <summary>Parses <paramref name="text"/>, or says in words what is wrong with it.</summary>
    public static TimeSpan? Parse(string text, out string? problem)
    {
        problem = null;
        var (number, scale) = Split(text.Trim());
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            problem = $"takes a duration such as 1.5, 500ms, 2s or 1m, not '{text}'";
            return null;
        }

        var seconds = value * scale;
        if (seconds < Shortest.TotalSeconds)
        {
            problem = $"takes at least 1ms, not '{text}'";
            return null;
        }

        if (seconds > Longest.TotalSeconds)
        {
            problem = $"takes at most {Math.Floor(Longest.TotalSeconds)}s (24 days), not '{text}'";
            return null;
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private static (string Number, double Scale) Split(string text)
    {
        foreach (var (suffix, seconds) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return (text[..^suffix.Length], seconds);
            }
        }

        return (text, 1);
    }
}
