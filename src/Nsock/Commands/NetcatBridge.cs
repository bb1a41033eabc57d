using System.Text;

namespace Nsock.Commands;

/// <summary>
/// A netcat command line typed to nsock (<c>nsock -lvnp 4444</c>, <c>nsock -u host 53</c>,
/// <c>nsock host 80</c>) read as nc and ncat read it, and turned into the nsock command that does
/// the same: <c>nsock listen -vn 4444</c>. Nothing is run: the user sees the command and learns it.
/// </summary>
internal static class NetcatBridge
{
    // nc/ncat letters without a value, and those that take one (the rest of the token or the next).
    private const string Flags = "46bCdDFhklNnrStuUvz";
    private const string Valued = "ceiIMmOpPqsTVwxX";

    private static readonly Dictionary<string, char> LongNames = new(StringComparer.Ordinal)
    {
        ["--listen"] = 'l',
        ["--keep-open"] = 'k',
        ["--udp"] = 'u',
        ["--unixsock"] = 'U',
        ["--verbose"] = 'v',
        ["--nodns"] = 'n',
        ["--crlf"] = 'C',
        ["--recv-only"] = 'd',
        ["--exec"] = 'e',
        ["--sh-exec"] = 'c',
        ["--wait"] = 'w',
        ["--idle-timeout"] = 'i',
        ["--source"] = 's',
        ["--source-port"] = 'p',
        ["--zero-io"] = 'z',
    };

    /// <summary>The nsock command for a netcat command line, or null when it cannot be read as one.</summary>
    public static string? Translate(IReadOnlyList<string> args)
    {
        var flags = new List<char>();
        var values = new Dictionary<char, string>();
        var operands = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (token == "--")
            {
                operands.AddRange(args.Skip(i + 1));
                break;
            }

            if (!token.StartsWith('-') || token == "-")
            {
                operands.Add(token);
                continue;
            }

            if (token.StartsWith("--", StringComparison.Ordinal))
            {
                var equals = token.IndexOf('=');
                var name = equals < 0 ? token : token[..equals];
                if (!LongNames.TryGetValue(name, out var letter))
                {
                    return null;
                }

                if (Valued.Contains(letter))
                {
                    if (equals < 0 && i + 1 >= args.Count)
                    {
                        return null;
                    }

                    values[letter] = equals < 0 ? args[++i] : token[(equals + 1)..];
                }
                else
                {
                    flags.Add(letter);
                }

                continue;
            }

            for (var j = 1; j < token.Length; j++)
            {
                var letter = token[j];
                if (Valued.Contains(letter))
                {
                    if (j + 1 < token.Length)
                    {
                        values[letter] = token[(j + 1)..];
                    }
                    else if (i + 1 < args.Count)
                    {
                        values[letter] = args[++i];
                    }
                    else
                    {
                        return null;
                    }

                    break;
                }

                if (!Flags.Contains(letter))
                {
                    return null;
                }

                flags.Add(letter);
            }
        }

        return Compose(flags, values, operands);
    }

    private static string? Compose(List<char> flags, Dictionary<char, string> values, List<string> operands)
    {
        var listen = flags.Contains('l');
        var udp = flags.Contains('u');
        var unix = flags.Contains('U');
        var probe = flags.Contains('z');
        if (flags.Contains('h') || (probe && listen))
        {
            return null;
        }

        var command = unix ? "unix" : udp ? (listen ? "udp-recv" : "udp-send") : listen ? "listen" : "connect";
        var carried = command switch
        {
            "unix" => "lkuvCdNz",
            "listen" => "46kvnCdN",
            "connect" => "46vnCdNz",
            "udp-recv" => "46vn",
            _ => "46vnz",
        };
        var line = new StringBuilder("nsock ").Append(command);
        var bundle = new string(flags.Where(carried.Contains).Distinct().ToArray());
        if (bundle.Length > 0)
        {
            line.Append(" -").Append(bundle);
        }

        var server = command is "listen" or "udp-recv";
        foreach (var (letter, value) in values)
        {
            switch (letter)
            {
                case 'e' or 'c' when command == "listen" && value.Trim() is "/bin/cat" or "cat":
                    line.Append(" --echo");
                    break;
                case 'e' or 'c':
                    return null; // no exec in nsock yet; the caller says so
                case 'p' when server:
                    operands.Add(value);
                    break;
                case 'p' or 's' when command is "connect" or "udp-send":
                case 'w' when command == "connect" || probe:
                case 'q' when command is "connect" or "listen" or "unix":
                case 'i':
                    line.Append(" -").Append(letter).Append(' ').Append(Quote(value));
                    break;
                default:
                    break; // a value nsock has no use for here (nc -w with -l, -I, -O, ...)
            }
        }

        var expected = command switch
        {
            "connect" or "udp-send" when probe => (2, int.MaxValue),
            "unix" when probe => (1, int.MaxValue),
            "connect" or "udp-send" => (2, 2),
            "listen" or "udp-recv" => (1, 2),
            _ => (1, 1),
        };
        if (operands.Count < expected.Item1 || operands.Count > expected.Item2)
        {
            return null;
        }

        if (operands.Any(o => o.StartsWith('-')))
        {
            line.Append(" --");
        }

        foreach (var operand in operands)
        {
            line.Append(' ').Append(Quote(operand));
        }

        return line.ToString();
    }

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:@,%+=".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
