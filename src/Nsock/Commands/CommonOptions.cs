using System.CommandLine;
using System.Globalization;
using System.CommandLine.Parsing;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Relay;
using Nsock.Sessions;

namespace Nsock.Commands;

/// <summary>
/// The options SPEC.md shares between commands, declared once. Each command adds the ones
/// that make sense for it; <see cref="Read"/> turns a parse into settings.
/// </summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Progress on stderr: readiness, connections, byte counts" };
    public static readonly Option<bool> Ipv4 = new("--ipv4", "-4") { Description = "Use IPv4 only" };
    public static readonly Option<bool> Ipv6 = new("--ipv6", "-6") { Description = "Use IPv6 only" };
    public static readonly Option<double?> Timeout = Seconds("--timeout", "-w", "Connect timeout in SECONDS (each address tried gets it)");
    public static readonly Option<double?> IdleTimeout = Seconds("--idle-timeout", "-i", "End after SECONDS with no data either way (exit 4)");
    public static readonly Option<bool> SendOnly = new("--send-only") { Description = "Only send stdin; discard what arrives; stdin EOF ends the session" };
    public static readonly Option<bool> RecvOnly = new("--recv-only") { Description = "Only receive; never read stdin nor half-close" };
    public static readonly Option<bool> Crlf = new("--crlf") { Description = "Turn LF into CRLF in what nsock sends (never in what it receives)" };
    public static readonly Option<bool> Hex = new("--hex") { Description = "Hex dump of the traffic, both ways, on stderr" };
    public static readonly Option<int?> BufferSize = Whole("--buffer-size", "BYTES", "Bytes per read and send (default 65536; UDP: the largest datagram, default and at most 65507)", 1, 16 * 1024 * 1024);
    public static readonly Option<bool> NoColor = new("--no-color") { Description = "No colour on stderr (also: NO_COLOR set)" };

    // Server side: listen, and later unix -l.
    public static readonly Option<bool> KeepOpen = new("--keep-open", "-k") { Description = "Serve client after client, concurrently, instead of exiting after the first" };
    public static readonly Option<int?> MaxConns = Whole("--max-conns", "N", "With -k: at most N clients at once; more are closed at once", 1, int.MaxValue);
    public static readonly Option<int?> Backlog = Whole("--backlog", "N", "Listen backlog (default 128)", 0, 65535);
    public static readonly Option<bool> Echo = new("--echo") { Description = "Send back what each client sends (and copy it to stdout); stdin is not read" };
    public static readonly Option<bool> Stamp = new("--stamp") { Description = "With --echo: prefix every echoed chunk with [ctime] " };

    // Client side.
    public static readonly Option<string?> Source = new("--source", "-s") { Description = "Bind to ADDR[:PORT] before connecting", HelpName = "ADDR[:PORT]" };
    public static readonly Option<bool> Interactive = new("--interactive") { Description = "Line mode for a person: prompt on stderr, empty lines skipped, a line 'close' ends" };

    /// <summary>The <c>[HOST] PORT</c> argument of servers (listen, udp-recv).</summary>
    public static Argument<string[]> BindAddress(string protocol) => new Argument<string[]>("[HOST] PORT")
    {
        Description = $"Address to bind (default: every address, IPv4 and IPv6) and {protocol} port (0: any free port)",
        Arity = new ArgumentArity(1, 2),
    }.RejectingOptions();

    /// <summary>Reads <c>[HOST] PORT</c>: HOST null means every address.</summary>
    public static (string? Host, int Port) ReadBindAddress(ParseResult parse, Argument<string[]> argument)
    {
        var words = parse.GetValue(argument)!;
        var host = words.Length == 2 ? words[0] : null;
        if (host is not null)
        {
            HostName.ParseLiteral(host);
        }

        return (host, PortNumber.Parse(words[^1], allowZero: true));
    }

    /// <summary>
    /// A positional argument that looks like an option is a mistyped option, not a host name.
    /// </summary>
    public static T RejectingOptions<T>(this T argument)
        where T : Argument
    {
        argument.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (token.Value.StartsWith('-'))
                {
                    UsageErrors.Add(result, $"unknown option '{token.Value}'");
                }
            }
        });
        return argument;
    }

    // Datagram side: udp-send, udp-recv (and later unix --dgram).
    public static readonly Option<int?> Count = Whole("--count", "N", "Exit 0 after N datagrams (udp-send: N replies)", 1, int.MaxValue, "-c");
    public static readonly Option<DatagramFormat> Format = new("--format")
    {
        Description = "How received datagrams are printed: raw (payload only), line, hex, json",
        DefaultValueFactory = _ => DatagramFormat.Raw,
        HelpName = "raw|line|hex|json",
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            foreach (var format in Enum.GetValues<DatagramFormat>())
            {
                if (string.Equals(format.ToString(), text, StringComparison.OrdinalIgnoreCase))
                {
                    return format;
                }
            }

            UsageErrors.Add(result, $"--format takes raw, line, hex or json, not '{text}'");
            return DatagramFormat.Raw;
        },
    };

    public static readonly Option<string?> Group = new("--group") { Description = "Join this multicast group (IPv4 or IPv6)", HelpName = "ADDR" };
    public static readonly Option<string?> Interface = new("--interface") { Description = "Multicast interface, by name (lo) or address", HelpName = "NAME|ADDR" };
    public static readonly Option<bool> Lines = new("--lines") { Description = "Each stdin line (with its LF) is one datagram" };
    public static readonly Option<double?> Wait = Seconds("--wait", null, "After sending, print replies for SECONDS (or until -c N)");
    public static readonly Option<bool> Broadcast = new("--broadcast") { Description = "Allow sending to a broadcast address (SO_BROADCAST)" };
    public static readonly Option<int?> Ttl = Whole("--ttl", "N", "IP time to live (multicast: hop limit) of sent datagrams", 1, 255);
    public static readonly Option<bool> Reply = new("--reply") { Description = "Send stdin, a datagram per read, to the latest sender" };

    // Unix sockets.
    public static readonly Option<bool> Listen = new("--listen", "-l") { Description = "Be the server: bind PATH and serve" };
    public static readonly Option<bool> Dgram = new("--dgram", "-u") { Description = "SOCK_DGRAM instead of SOCK_STREAM" };
    public static readonly Option<string?> UnixSource = new("--source", "-s") { Description = "--dgram client: bind this PATH (or @name) as our own address; default: a fresh @name", HelpName = "PATH" };
    public static readonly Option<UnixFileMode?> Mode = new("--mode")
    {
        Description = "Permissions of the socket file created, in octal (e.g. 600); default: umask",
        HelpName = "OCTAL",
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (text.Length is 0 or > 12 || !text.All(c => c is >= '0' and <= '7'))
            {
                UsageErrors.Add(result, $"--mode takes octal permissions such as 600 or 0660, not '{text}'");
                return null;
            }

            var mode = Convert.ToInt32(text, 8);
            if (mode > 0x1FF)
            {
                UsageErrors.Add(result, $"--mode takes permission bits 000 to 777 (set-user-ID, set-group-ID and sticky mean nothing on a socket), not '{text}'");
                return null;
            }

            return (UnixFileMode)mode;
        },
    };

    public static IpFamily Family(ParseResult parse)
    {
        var v4 = parse.GetValue(Ipv4);
        var v6 = parse.GetValue(Ipv6);
        if (v4 && v6)
        {
            throw NsockException.Usage("-4/-6", "give one of them, not both");
        }

        return v4 ? IpFamily.V4 : v6 ? IpFamily.V6 : IpFamily.Any;
    }

    /// <param name="defaultBufferSize">Streams read 64 KiB at a time; datagram sends stop at the largest UDP payload.</param>
    public static RelayOptions Relay(ParseResult parse, int defaultBufferSize = RelayOptions.DefaultBufferSize)
    {
        var bufferSize = parse.GetValue(BufferSize) ?? defaultBufferSize;
        return new RelayOptions(bufferSize, parse.GetValue(Crlf), parse.GetValue(Hex), ToTimeSpan(parse.GetValue(IdleTimeout)));
    }

    public static StreamServerSettings Server(ParseResult parse, RelayOptions relay) =>
        new(parse.GetValue(KeepOpen), parse.GetValue(MaxConns), relay);

    public static LocalEndChoice LocalEnd(ParseResult parse)
    {
        var choice = new LocalEndChoice(
            SendOnly: parse.GetValue(SendOnly),
            RecvOnly: parse.GetValue(RecvOnly),
            Echo: parse.GetValue(Echo),
            Stamp: parse.GetValue(Stamp),
            Interactive: parse.GetValue(Interactive));
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

    public static TimeSpan? ToTimeSpan(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    private static Option<int?> Whole(string name, string helpName, string description, int min, int max, string? alias = null) => new(name, alias is null ? [] : [alias])
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            UsageErrors.Add(result, $"{name} takes a whole number from {min} to {max}, not '{text}'");
            return null;
        },
    };

    /// <summary>The shortest duration nsock's clocks can honour: one millisecond.</summary>
    private const double MinSeconds = 0.001;

    private static Option<double?> Seconds(string name, string? alias, string description) => new(name, alias is null ? [] : [alias])
    {
        Description = description,
        HelpName = "SECONDS",
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= MinSeconds && value <= int.MaxValue / 1000)
            {
                return value;
            }

            UsageErrors.Add(result, $"{name} takes a number of seconds from {MinSeconds} to {int.MaxValue / 1000}, not '{text}'");
            return null;
        },
    };
}
