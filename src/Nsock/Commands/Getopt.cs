using System.CommandLine;
using System.Globalization;

namespace Nsock.Commands;

/// <summary>
/// Reads a command's arguments the way getopt does, before System.CommandLine sees them, and
/// hands it a form it cannot misread: every option by its long name, each value its own token,
/// then <c>--</c> and the operands. Flags never take a value; short flags bundle (<c>-lkv</c>)
/// and a value may be glued (<c>-w2</c>); <c>--</c> ends options; an unknown option is an error
/// wherever it stands (so a typo never becomes a host, a path or a datagram); the last of a
/// repeated single-value option wins.
/// </summary>
internal sealed class Getopt
{
    private readonly string _command;
    private readonly Dictionary<string, Option> _byName = new(StringComparer.Ordinal);
    private readonly Func<string, string?> _habit;

    /// <param name="options">The options the command takes (its own and the recursive ones).</param>
    /// <param name="habit">For an option the command lacks (<c>-e</c>, <c>--exec</c>), a hint from netcat habits, or null.</param>
    public Getopt(string command, IEnumerable<Option> options, Func<string, string?> habit)
    {
        _command = command;
        _habit = habit;
        foreach (var option in options)
        {
            _byName[option.Name] = option;
            foreach (var alias in option.Aliases)
            {
                _byName[alias] = option;
            }
        }
    }

    /// <summary>Whether a token asks for help: only <c>-h</c>, <c>--help</c> and <c>-?</c> do.</summary>
    public static bool IsHelp(string token) => token is "-h" or "--help" or "-?";

    /// <summary>The long option names, for suggestions.</summary>
    public IEnumerable<string> LongNames => _byName.Keys.Where(k => k.StartsWith("--", StringComparison.Ordinal));

    /// <summary>Rewrites <paramref name="args"/> (what follows the command name) into options, <c>--</c>, operands.</summary>
    /// <param name="tailAfter">
    /// Where this option is given, a <c>--</c> of the user's also stays among the operands, since
    /// what follows it is a command to run (<c>connect -z --wait 5 db 5432 -- ./migrate</c>).
    /// </param>
    /// <exception cref="NsockException">A usage error naming the token at fault.</exception>
    public List<string> Normalize(IReadOnlyList<string> args, Option? tailAfter = null)
    {
        var given = new List<(Option Option, string? Value)>();
        var operands = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (token == "--")
            {
                if (tailAfter is not null && given.Any(g => g.Option == tailAfter))
                {
                    operands.Add("--");
                }

                operands.AddRange(args.Skip(i + 1));
                break;
            }

            if (!token.StartsWith('-') || token == "-" || IsNegativeNumber(token))
            {
                operands.Add(token);
            }
            else if (token.StartsWith("--", StringComparison.Ordinal))
            {
                i = ReadLong(args, i, given);
            }
            else if (_byName.TryGetValue(token, out var option))
            {
                i = ReadValue(args, i, option, token, null, given);
            }
            else
            {
                i = ReadBundle(args, i, given);
            }
        }

        return Canonical(given, operands);
    }

    private int ReadLong(IReadOnlyList<string> args, int i, List<(Option, string?)> given)
    {
        var token = args[i];
        var equals = token.IndexOf('=');
        var name = equals < 0 ? token : token[..equals];
        if (!_byName.TryGetValue(name, out var option))
        {
            throw _habit(name) is { } hint
                ? NsockException.Usage(_command, $"unknown option '{name}': {hint}")
                : Unknown(name, DidYouMean.Suggest(name, LongNames));
        }

        return ReadValue(args, i, option, name, equals < 0 ? null : token[(equals + 1)..], given);
    }

    private int ReadValue(IReadOnlyList<string> args, int i, Option option, string spelled, string? glued, List<(Option, string?)> given)
    {
        if (IsFlag(option))
        {
            if (glued is not null)
            {
                throw NsockException.Usage(_command, $"{spelled} takes no value, not '{glued}'");
            }

            given.Add((option, null));
            return i;
        }

        if (glued is null)
        {
            if (i + 1 >= args.Count)
            {
                throw NsockException.Usage(_command, $"{spelled} needs a value ({option.HelpName ?? "VALUE"})");
            }

            glued = args[++i];
        }

        given.Add((option, glued));
        return i;
    }

    // "-lkv", "-w2", "-vnp 4444": letters are flags until one takes a value, which is the rest of
    // the token or else the next one.
    private int ReadBundle(IReadOnlyList<string> args, int i, List<(Option, string?)> given)
    {
        var token = args[i];
        if (_byName.ContainsKey("-" + token))
        {
            throw Unknown(token, "-" + token); // "-keep-open": a long option with one dash
        }

        for (var j = 1; j < token.Length; j++)
        {
            var letter = token[j];
            if (!_byName.TryGetValue("-" + letter, out var option) || IsHelp("-" + letter))
            {
                throw UnknownLetter(letter, token);
            }

            if (!IsFlag(option))
            {
                return ReadValue(args, i, option, "-" + letter, j + 1 < token.Length ? token[(j + 1)..] : null, given);
            }

            given.Add((option, null));
        }

        return i;
    }

    // Options first, each once (the last value of a single-value option wins), then "--" and
    // the operands, so that an operand such as "-weird.sock" stays an operand.
    private static List<string> Canonical(List<(Option Option, string? Value)> given, List<string> operands)
    {
        var tokens = new List<string>();
        foreach (var group in given.GroupBy(g => g.Option))
        {
            var option = group.Key;
            if (IsFlag(option))
            {
                tokens.Add(option.Name);
            }
            else if (option.Arity.MaximumNumberOfValues > 1)
            {
                foreach (var (_, value) in group)
                {
                    tokens.Add(option.Name);
                    tokens.Add(value!);
                }
            }
            else
            {
                tokens.Add(option.Name);
                tokens.Add(group.Last().Value!);
            }
        }

        tokens.Add("--");
        tokens.AddRange(operands);
        return tokens;
    }

    private static bool IsFlag(Option option) => option.Arity.MaximumNumberOfValues == 0;

    private bool IsNegativeNumber(string token) =>
        token.Length > 1 && char.IsAsciiDigit(token[1]) && !_byName.ContainsKey(token[..2])
        && double.TryParse(token, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _);

    private NsockException Unknown(string token, string? suggestion) =>
        NsockException.Usage(_command, $"unknown option '{token}'" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?"));

    private NsockException UnknownLetter(char letter, string token)
    {
        var where = token.Length > 2 ? $" in '{token}'" : "";
        var hint = IsHelp("-" + letter) ? "help is -h on its own, or --help" : _habit("-" + letter);
        return NsockException.Usage(_command, $"unknown option '-{letter}'{where}" + (hint is null ? "" : $": {hint}"));
    }
}
