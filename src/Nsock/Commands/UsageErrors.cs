using System.CommandLine;
using System.CommandLine.Parsing;

namespace Nsock.Commands;

/// <summary>
/// Picks the one parse error to show. The parser can report a symptom first (a missing PORT
/// when the real mistake was '--bogus' taking HOST's place); our own validators name the cause,
/// so their errors come first, then unrecognized tokens, then the rest.
/// </summary>
internal static class UsageErrors
{
    private static readonly HashSet<string> Ours = [];

    public static void Add(SymbolResult result, string message)
    {
        lock (Ours)
        {
            Ours.Add(message);
        }

        result.AddError(message);
    }

    public static string MostTelling(ParseResult parse)
    {
        var message = parse.Errors
            .Select(e => e.Message)
            .OrderBy(m => IsOurs(m) ? 0 : m.StartsWith("Unrecognized", StringComparison.Ordinal) ? 1 : 2)
            .First()
            .TrimEnd('.');
        return char.ToLowerInvariant(message[0]) + message[1..];
    }

    private static bool IsOurs(string message)
    {
        lock (Ours)
        {
            return Ours.Contains(message);
        }
    }
}
