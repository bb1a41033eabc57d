using System.CommandLine;

namespace Nsock.Commands;

/// <summary>
/// Reads argv before System.CommandLine does: answers help, --version and completion requests
/// itself, finds the command (or says which one a netcat command line means, or which command
/// a typo was meant to be), and rewrites the command's arguments getopt-style
/// (<see cref="Getopt"/>) into a form the parser reads unambiguously.
/// </summary>
internal static class CommandLine
{
    /// <summary>The arguments for the parser, or null when the request has been answered already.</summary>
    /// <exception cref="NsockException">A usage error, written for the person who typed it.</exception>
    public static async Task<string[]?> PrepareAsync(RootCommand root, string[] args, CancellationToken ct)
    {
        if (args is [Completer.Directive, .. var words])
        {
            var typed = words is ["--", .. var afterDashes] ? afterDashes : words;
            await StandardOutput.WriteAsync(string.Concat(Completer.Complete(root, typed).Select(c => c + "\n")), ct).ConfigureAwait(false);
            return null;
        }

        var prefix = new List<string>();
        var i = 0;
        for (; i < args.Length && args[i].StartsWith('-'); i++)
        {
            if (Getopt.IsHelp(args[i]))
            {
                await StandardOutput.WriteAsync(Root.HelpFor(null).Render(), ct).ConfigureAwait(false);
                return null;
            }

            if (args[i] == "--version")
            {
                await StandardOutput.WriteAsync(Root.Version + "\n", ct).ConfigureAwait(false);
                return null;
            }

            if (!root.Options.Any(o => o.Recursive && (o.Name == args[i] || o.Aliases.Contains(args[i]))))
            {
                throw NotACommand(args[i..]);
            }

            prefix.Add(args[i]);
        }

        if (i == args.Length)
        {
            throw NsockException.Usage("usage", $"a command is needed: {CommandList}");
        }

        var name = args[i];
        var command = root.Subcommands.FirstOrDefault(c => c.Name == name);
        if (command is null)
        {
            throw NotACommand(args[i..]);
        }

        var rest = args[(i + 1)..];
        if (rest.TakeWhile(a => a != "--").Any(Getopt.IsHelp))
        {
            await StandardOutput.WriteAsync(Root.HelpFor(name).Render(), ct).ConfigureAwait(false);
            return null;
        }

        var getopt = new Getopt(name, command.Options.Where(IsOurs).Concat(root.Options.Where(o => o.Recursive)), option => NetcatHabits.Hint(name, option));
        return [.. prefix, name, .. getopt.Normalize(rest, tailAfter: Options.Zero)];
    }

    // System.CommandLine's own help and version options are answered above, never parsed.
    private static bool IsOurs(Option option) => option is not (System.CommandLine.Help.HelpOption or VersionOption);

    // A word where a command belongs: a typo of one, a netcat command line, or something else.
    private static NsockException NotACommand(string[] words)
    {
        var first = words[0];
        if (!first.StartsWith('-') && DidYouMean.Suggest(first, Root.CommandNames) is { } near)
        {
            return NsockException.Usage("usage", $"unknown command '{first}'; did you mean '{near}'?");
        }

        var culprit = words.FirstOrDefault(w => w.StartsWith('-') && w != "-") ?? first;
        if (NetcatBridge.Translate(words) is { } nsock)
        {
            var why = culprit.StartsWith('-') ? "a netcat command line" : "not a command";
            return new NsockException(ExitCodes.Usage, culprit, $"{why}; try '{nsock}'") { SeeHelp = false };
        }

        if (culprit.StartsWith('-') && !culprit.StartsWith("--", StringComparison.Ordinal) && culprit.Skip(1).Select(c => NetcatHabits.Hint("connect", "-" + c)).FirstOrDefault(h => h is not null) is { } hint)
        {
            return new NsockException(ExitCodes.Usage, culprit, hint) { SeeHelp = false };
        }

        return culprit.StartsWith('-')
            ? NsockException.Usage("usage", $"unknown option '{culprit}'; the commands are {CommandList}")
            : NsockException.Usage("usage", $"unknown command '{first}'; the commands are {CommandList}");
    }

    private static string CommandList => string.Join(", ", Root.CommandNames);
}
