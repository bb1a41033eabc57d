using System.CommandLine;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Relay;
using Nsock.Sessions;

namespace Nsock.Commands;

/// <summary>
/// Turns a parse into the settings records the sessions take, checking what options mean
/// together (--stamp needs --echo, -4 and -6 exclude each other). No ParseResult goes further.
/// </summary>
internal static class SettingsFrom
{
    /// <summary>The default size of a datagram read from stdin: the largest UDP payload over IPv4.</summary>
    public const int DefaultDatagramSize = 65507;

    public static IpFamily Family(ParseResult parse)
    {
        var v4 = Given(parse, Options.Ipv4);
        var v6 = Given(parse, Options.Ipv6);
        if (v4 && v6)
        {
            throw NsockException.Usage("-4/-6", "give one of them, not both");
        }

        return v4 ? IpFamily.V4 : v6 ? IpFamily.V6 : IpFamily.Any;
    }

    /// <param name="defaultBufferSize">Streams read 64 KiB at a time; datagram sends stop at the largest UDP payload.</param>
    public static RelayOptions Relay(ParseResult parse, int defaultBufferSize = RelayOptions.DefaultBufferSize)
    {
        var bufferSize = parse.GetValue(Options.BufferSize) ?? defaultBufferSize;
        return new RelayOptions(bufferSize, Given(parse, Options.Crlf), Given(parse, Options.Hex), Given(parse, Options.IdleTimeout), WaitAfterStdin(parse));
    }

    // nc -q: at most so long after stdin ends; nc -w (connect only): at most so long without a byte.
    private static PeerWait? WaitAfterStdin(ParseResult parse)
    {
        var total = Given(parse, Options.QuitAfter);
        var silence = parse.CommandResult.Command.Name == "connect" ? Given(parse, Options.Timeout) : null;
        return total is null && silence is null ? null : new PeerWait(total, silence);
    }

    /// <summary>A host operand or option value: a literal or a name, and with -n, only a literal.</summary>
    public static string Host(ParseResult parse, string host)
    {
        if (HostName.ParseLiteral(host) is null && Given(parse, Options.Numeric))
        {
            throw NsockException.Usage(host, "a name, and -n takes numeric addresses only");
        }

        return host;
    }

    /// <summary>The local address to send from: -s ADDR[:PORT] and -p PORT (nc's spelling of -s :PORT).</summary>
    public static SourceAddress? Source(ParseResult parse)
    {
        var source = Given(parse, Options.Source) is { } text ? SourceAddress.Parse(text) : null;
        if (source?.Host is { } host)
        {
            Host(parse, host.Trim('[', ']'));
        }

        if (Given(parse, Options.LocalPort) is not { } portText)
        {
            return source;
        }

        var port = PortNumber.Parse(portText, allowZero: false);
        return source is { Port: not 0 }
            ? throw NsockException.Usage("-p", $"the local port is given twice (-s {source.Host}:{source.Port} and -p {port})")
            : new SourceAddress(source?.Host, port);
    }

    /// <summary>An option's value where the command has the option, else its default.</summary>
    public static T? Given<T>(ParseResult parse, Option<T> option) =>
        parse.CommandResult.Command.Options.Contains(option) ? parse.GetValue(option) : default;

    public static RelayOptions DatagramRelay(ParseResult parse) => Relay(parse, DefaultDatagramSize);

    public static StreamServerSettings StreamServer(ParseResult parse, RelayOptions relay) =>
        new(parse.GetValue(Options.KeepOpen), parse.GetValue(Options.MaxConns), relay);

    public static DatagramServerSettings DatagramServer(ParseResult parse, RelayOptions relay)
    {
        var echo = parse.GetValue(Options.Echo);
        if (parse.GetValue(Options.Stamp) && !echo)
        {
            throw NsockException.Usage("--stamp", "only makes sense with --echo");
        }

        if (echo && parse.GetValue(Options.Reply))
        {
            throw NsockException.Usage("--reply", "cannot be combined with --echo");
        }

        return new DatagramServerSettings(parse.GetValue(Options.Format), echo, parse.GetValue(Options.Stamp), parse.GetValue(Options.Reply), parse.GetValue(Options.Count), relay);
    }

    public static DatagramClientSettings DatagramClient(ParseResult parse, byte[][] texts, DatagramPeer? to, RelayOptions relay) => new(
        texts,
        parse.GetValue(Options.Lines),
        to,
        parse.GetValue(Options.Wait),
        parse.GetValue(Options.Count),
        parse.GetValue(Options.Format),
        relay);

    public static LocalEndChoice LocalEnd(ParseResult parse)
    {
        var choice = new LocalEndChoice(
            SendOnly: parse.GetValue(Options.SendOnly),
            RecvOnly: parse.GetValue(Options.RecvOnly),
            Echo: parse.GetValue(Options.Echo),
            Stamp: parse.GetValue(Options.Stamp),
            Interactive: parse.GetValue(Options.Interactive));
        if (choice.SendOnly && choice.RecvOnly)
        {
            throw NsockException.Usage("--send-only/--recv-only", "give one of them, not both");
        }

        if (choice.Stamp && !choice.Echo)
        {
            throw NsockException.Usage("--stamp", "only makes sense with --echo");
        }

        if (choice.Echo && (choice.SendOnly || choice.RecvOnly))
        {
            throw NsockException.Usage("--echo", "cannot be combined with --send-only or --recv-only");
        }

        if (choice.Interactive && (choice.SendOnly || choice.RecvOnly))
        {
            throw NsockException.Usage("--interactive", "cannot be combined with --send-only or --recv-only");
        }

        return choice;
    }


    /// <summary>With -z: the operands before a "--" (what to probe), and the command after it.</summary>
    public static (string[] Targets, string[] Then) ProbeOperands(string[] operands)
    {
        var dashes = Array.IndexOf(operands, "--");
        if (dashes < 0)
        {
            return (operands, []);
        }

        return dashes == operands.Length - 1
            ? throw NsockException.Usage("--", "a command to run goes after --")
            : (operands[..dashes], operands[(dashes + 1)..]);
    }

    /// <summary>With -z: HOST PORTS pairs, each host checked and each PORTS read.</summary>
    public static List<(string Host, int[] Ports)> ProbePairs(ParseResult parse, string[] targets, string protocol) =>
        targets.Length == 0 || targets.Length % 2 != 0
            ? throw NsockException.Usage(targets.LastOrDefault() ?? "-z", "-z takes HOST PORTS pairs (PORTS: 80, 80,443, 8000-8100, http)")
            : [.. targets.Chunk(2).Select(pair => (Host(parse, pair[0]), PortList.Parse(pair[1], protocol)))];

    /// <summary>With -z: what counts as done, how long, what to print.</summary>
    public static ProbeSettings Probe(ParseResult parse, string protocol, string[] then)
    {
        var format = Given(parse, Options.Format) switch
        {
            DatagramFormat.Line => "line",
            DatagramFormat.Json => "json",
            DatagramFormat.Raw when parse.GetResult(Options.Format) is null or { Implicit: true } => null,
            var other => throw NsockException.Usage("--format", $"-z prints line or json records, not {other.ToString().ToLowerInvariant()}"),
        };
        if (Given(parse, Options.UntilClosed) && Given(parse, Options.Wait) is null)
        {
            throw NsockException.Usage("--closed", "only makes sense with --wait");
        }

        if (then.Length > 0 && Given(parse, Options.Wait) is null)
        {
            throw NsockException.Usage(then[0], "a command after -- runs once a --wait succeeds: give --wait");
        }

        if (Given(parse, Options.OpenOnly) && format is null)
        {
            throw NsockException.Usage("--open", "keeps only the open ports' records: give --format line or json");
        }

        return new ProbeSettings(protocol, Given(parse, Options.Timeout) ?? TimeSpan.FromSeconds(5), format, Given(parse, Options.OpenOnly), Given(parse, Options.Any), Given(parse, Options.UntilClosed), Given(parse, Options.Wait), then);
    }
}
