using System.Globalization;

namespace Nsock.Endpoints;

/// <summary>
/// Port numbers of service names (<c>http</c>, <c>ssh</c>) as the system knows them, from
/// /etc/services (names and aliases, per protocol), with a small built-in table where the file is
/// missing (containers, Windows).
/// </summary>
internal static class ServiceNames
{
    private static readonly Dictionary<string, int> BuiltIn = new(StringComparer.OrdinalIgnoreCase)
    {
        ["echo"] = 7,
        ["ftp"] = 21,
        ["ssh"] = 22,
        ["telnet"] = 23,
        ["smtp"] = 25,
        ["domain"] = 53,
        ["http"] = 80,
        ["pop3"] = 110,
        ["imap"] = 143,
        ["https"] = 443,
        ["submission"] = 587,
        ["imaps"] = 993,
        ["pop3s"] = 995,
        ["mysql"] = 3306,
        ["postgresql"] = 5432,
        ["redis"] = 6379,
        ["http-alt"] = 8080,
    };

    private static readonly Lazy<Dictionary<(string, string), int>> System = new(ReadSystemTable);

    /// <summary>The port of <paramref name="name"/> for <paramref name="protocol"/> (tcp or udp), or null.</summary>
    public static int? Find(string name, string protocol) =>
        System.Value.TryGetValue((name.ToLowerInvariant(), protocol), out var port) ? port
        : System.Value.Count == 0 && BuiltIn.TryGetValue(name, out var known) ? known
        : null;

    private static Dictionary<(string, string), int> ReadSystemTable()
    {
        var table = new Dictionary<(string, string), int>();
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/etc/services");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return table;
        }

        foreach (var line in lines)
        {
            var words = line.Split('#', 2)[0].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2 || words[1].Split('/') is not [var number, var protocol]
                || !int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                continue;
            }

            foreach (var name in words.Where((_, i) => i != 1))
            {
                table.TryAdd((name.ToLowerInvariant(), protocol.ToLowerInvariant()), port);
            }
        }

        return table;
    }
}
