using System.CommandLine;
using System.Globalization;
using Nsock.LocalEnds;

namespace Nsock.Commands;

/// <summary>
/// Every option of every command, declared once, with its own syntax check. Which options a
/// command (and each of its modes) takes is <see cref="OptionGroups"/>' business; turning a
/// parse into settings is <see cref="SettingsFrom"/>'s. -v and --no-color are recursive: they
/// work in any position.
/// </summary>
internal static class Options
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Progress on stderr: readiness, connections, byte counts", Recursive = true };
    public static readonly Option<bool> Ipv4 = new("--ipv4", "-4") { Description = "Use IPv4 only" };
    public static readonly Option<bool> Ipv6 = new("--ipv6", "-6") { Description = "Use IPv6 only" };
    public static readonly Option<double?> Timeout = Seconds("--timeout", "-w", "Connect timeout in SECONDS (each address tried gets it)");
    public static readonly Option<double?> IdleTimeout = Seconds("--idle-timeout", "-i", "End after SECONDS with no data either way (exit 4)");
    public static readonly Option<bool> SendOnly = new("--send-only") { Description = "Only send stdin; discard what arrives; stdin EOF ends the session" };
    public static readonly Option<bool> RecvOnly = new("--recv-only") { Description = "Only receive; never read stdin nor half-close" };
    public static readonly Option<bool> Crlf = new("--crlf") { Description = "Turn LF into CRLF in what nsock sends (never in what it receives)" };
    public static readonly Option<bool> Hex = new("--hex") { Description = "Hex dump of the traffic, both ways, on stderr" };
    public static readonly Option<int?> BufferSize = Whole("--buffer-size", "BYTES", "Bytes per read and send (default 65536); datagrams: the largest sent, default 65507, UDP at most 65507", 1, 16 * 1024 * 1024);
    public static readonly Option<bool> NoColor = new("--no-color") { Description = "No colour on stderr (also: NO_COLOR set)", Recursive = true };

    // Servers: listen, unix -l.
    public static readonly Option<bool> KeepOpen = new("--keep-open", "-k") { Description = "Serve client after client, concurrently, instead of exiting after the first" };
    public static readonly Option<int?> MaxConns = Whole("--max-conns", "N", "With -k: at most N clients at once; more are closed at once", 1, int.MaxValue);
    public static readonly Option<int?> Backlog = Whole("--backlog", "N", "Listen backlog (default 128)", 0, 65535);
    public static readonly Option<bool> Echo = new("--echo") { Description = "Send back what each client sends (and copy it to stdout); stdin is not read" };
    public static readonly Option<bool> Stamp = new("--stamp") { Description = "With --echo: prefix every echoed chunk with [ctime] " };

    // Clients.
    public static readonly Option<string?> Source = new("--source", "-s") { Description = "Bind to ADDR[:PORT] before connecting", HelpName = "ADDR[:PORT]" };
    public static readonly Option<bool> Interactive = new("--interactive") { Description = "Line mode for a person: prompt on stderr, empty lines skipped, a line 'close' ends" };

    // Datagrams: udp-send, udp-recv, unix -u.
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

    /// <summary>The shortest duration nsock's clocks can honour: one millisecond.</summary>
    private const double MinSeconds = 0.001;

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
