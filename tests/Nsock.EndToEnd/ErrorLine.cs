using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Nsock.EndToEnd;

/// <summary>
/// SPEC.md's error contract, checked once: one stderr line <c>nsock: &lt;what&gt;: &lt;why&gt;</c>
/// naming the address or argument (usage errors may add a <c>see '...'</c> hint line), stdout
/// untouched, never a stack trace.
/// </summary>
internal static partial class ErrorLine
{
    /// <summary>Asserts the error contract and returns the error line.</summary>
    public static string AssertSole(RunningProcess process, string? names, bool usage = false)
    {
        var lines = process.StderrLines;
        AssertNoStackTrace(lines);
        Assert.True(lines.Count >= 1, "expected an error line on stderr, got none");
        if (usage && lines.Count == 2)
        {
            Assert.StartsWith("see '", lines[1]);
        }
        else
        {
            Assert.True(lines.Count == 1, $"expected exactly one stderr line{(usage ? " (plus at most a \"see '...'\" hint)" : "")}, got {lines.Count}:\n{string.Join("\n", lines)}");
        }

        var line = lines[0];
        Assert.Matches(Format(), line);
        if (names is not null)
        {
            Assert.True(Names(line, names), $"error line does not name '{names}': {line}");
        }

        Assert.Equal(0, process.Stdout.Length);
        return line;
    }

    /// <summary>Asserts that a process that ended well said nothing wrong: no error line, no stack trace (-v progress lines are fine).</summary>
    public static void AssertNone(RunningProcess process)
    {
        AssertNoStackTrace(process.StderrLines);
        Assert.DoesNotContain(process.StderrLines, line => line.StartsWith("nsock:", StringComparison.Ordinal));
    }

    /// <summary>
    /// Asserts the error contract where -v progress lines may surround the error: exactly one line
    /// <c>nsock: what: why</c> naming <paramref name="names"/>, stdout untouched, no stack trace.
    /// </summary>
    public static string AssertSoleAmidProgress(RunningProcess process, string names)
    {
        AssertNoStackTrace(process.StderrLines);
        var error = Assert.Single(process.StderrLines, line => line.StartsWith("nsock: ", StringComparison.Ordinal));
        Assert.Matches(Format(), error);
        Assert.True(Names(error, names), $"error line does not name '{names}': {error}");
        Assert.Equal(0, process.Stdout.Length);
        return error;
    }

    public static void AssertNoStackTrace(IReadOnlyList<string> lines)
    {
        foreach (var line in lines)
        {
            Assert.False(line.StartsWith("   at ", StringComparison.Ordinal), "stack trace on stderr:\n" + string.Join("\n", lines));
            Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
        }
    }

    /// <summary>True when <paramref name="token"/> appears in the line as a whole word, not inside another one.</summary>
    public static bool Names(string line, string token) =>
        Regex.IsMatch(line, $@"(^|[\s'""`(\[]){Regex.Escape(token)}($|[\s'""`):,.\]])");

    [GeneratedRegex(@"^nsock: \S.*: \S.*$")]
    private static partial Regex Format();
}

internal static partial class Posix
{
    public static bool IsRoot => GetEuid() == 0;

    /// <summary>The lowest port an unprivileged process may bind (Linux sysctl; 1024 where unknown).</summary>
    public static int UnprivilegedPortStart
    {
        get
        {
            try
            {
                return int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_unprivileged_port_start").Trim());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                return 1024;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
