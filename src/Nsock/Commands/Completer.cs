using System.CommandLine;

namespace Nsock.Commands;

/// <summary>
/// What can come next on a partly typed command line, from the same command tree the parser
/// uses: commands, the command's options, and the values an option takes. The shell scripts of
/// <see cref="CompletionScripts"/> call it as <c>nsock __complete -- WORD...</c>, the last word
/// being the one under the cursor (possibly empty). Nothing printed means: let the shell offer files.
/// </summary>
internal static class Completer
{
    public const string Directive = "__complete";

    /// <summary>Values an option or operand takes, where there is a fixed list.</summary>
    private static readonly Dictionary<string, string[]> Values = new(StringComparer.Ordinal)
    {
        ["--format"] = ["raw", "line", "hex", "json"],
        ["completions"] = [.. CompletionScripts.Shells],
    };

    public static IEnumerable<string> Complete(RootCommand root, IReadOnlyList<string> words)
    {
        // words[0] is the program's name; the last word is being typed.
        var typing = words.Count > 1 ? words[^1] : "";
        var before = words.Skip(1).Take(Math.Max(0, words.Count - 2)).ToList();
        var command = root.Subcommands.FirstOrDefault(c => !c.Hidden && before.Contains(c.Name));
        var options = (command?.Options ?? root.Options).Where(o => !o.Hidden).ToList();
        var previous = before.LastOrDefault();

        // A value for the option just typed.
        if (previous is not null && options.FirstOrDefault(o => Names(o).Contains(previous)) is { } valued && valued.Arity.MaximumNumberOfValues > 0)
        {
            return Matching(Values.GetValueOrDefault(valued.Name, []), typing);
        }

        if (typing.StartsWith('-'))
        {
            var names = options.SelectMany(o => typing.StartsWith("--", StringComparison.Ordinal) ? [o.Name] : Names(o));
            return Matching(names.Append("--help"), typing);
        }

        if (command is null)
        {
            return Matching(root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name), typing);
        }

        return Matching(Values.GetValueOrDefault(command.Name, []), typing);
    }

    private static IEnumerable<string> Names(Option option) => option.Aliases.Prepend(option.Name);

    private static IEnumerable<string> Matching(IEnumerable<string> candidates, string typing) =>
        candidates.Where(c => c.StartsWith(typing, StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal);
}
