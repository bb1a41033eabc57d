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
    public static readonly Option<bool> Verbose = Flag("Progress on stderr: readiness, connections, byte counts", true, "--verbose", "-v");
    public static readonly Option<bool> Ipv4 = Flag("Use IPv4 only", false, "--ipv4", "-4");
    public static readonly Option<bool> Ipv6 = Flag("Use IPv6 only", false, "--ipv6", "-6");
    public static readonly Option<TimeSpan?> Timeout = Seconds("--timeout", "-w", "Connect timeout (each address tried gets it); after stdin ends, also how long a silent peer is waited for");
    public static readonly Option<TimeSpan?> IdleTimeout = Seconds("--idle-timeout", "-i", "End after that long with no data either way (exit 4)");
    public static readonly Option<bool> SendOnly = Flag("Only send stdin; discard what arrives; stdin EOF ends the session", false, "--send-only");
    public static readonly Option<bool> RecvOnly = Flag("Only receive; never read stdin nor half-close", false, "--recv-only", "-d");
    public static readonly Option<bool> Crlf = Flag("Turn LF into CRLF in what nsock sends (never in what it receives)", false, "--crlf", "-C");
    public static readonly Option<bool> Hex = Flag("Hex dump of the traffic, both ways, on stderr", false, "--hex");
    public static readonly Option<int?> BufferSize = Whole("--buffer-size", "BYTES", "Bytes per read and send (default 65536); datagrams: the largest sent, default 65507, UDP at most 65507", 1, 16 * 1024 * 1024);
    public static readonly Option<bool> NoColor = Flag("No colour on stderr (also: NO_COLOR set)", true, "--no-color");

    // Netcat habits that mean the same here.
    public static readonly Option<bool> Numeric = Flag("Numeric addresses only: never resolve a name (a name is a usage error)", false, "--numeric", "-n");
    public static readonly Option<TimeSpan?> QuitAfter = Seconds("--quit-after", "-q", "After stdin ends, wait at most that long for the peer, then exit 0");
    public static readonly Option<bool> HalfClose = Flag("Accepted for nc -N: nsock always half-closes the socket when stdin ends", false, "--half-close", "-N");
    public static readonly Option<string?> LocalPort = new("--local-port", "-p") { Description = "The local port (nc -p): for a client, the port to send from (as -s :PORT)", HelpName = "PORT" };

    // Probing: -z and what goes with it.
    public static readonly Option<bool> Zero = Flag("Probe only: is something there? Connect and close, sending nothing", false, "--zero-io", "-z");
    public static readonly Option<int?> Parallel = Whole("--parallel", "N", "With -z: at most N probes at once (default 256, within the descriptor limit)", 1, 65536);
    public static readonly Option<bool> OpenOnly = Flag("With -z --format: records of open ports only", false, "--open");
    public static readonly Option<bool> Any = Flag("With -z: success when any probed port is open (default: every one)", false, "--any");
    public static readonly Option<string?> ProbeData = new("--probe-data") { Description = "udp-send -z: send this TEXT in each probe (default: an empty datagram)", HelpName = "TEXT" };
    public static readonly Option<bool> UntilClosed = Flag("With -z --wait: wait until nothing is open any more", false, "--closed");

    // Servers: listen, unix -l.
    public static readonly Option<bool> KeepOpen = Flag("Serve client after client, concurrently, instead of exiting after the first", false, "--keep-open", "-k");
    public static readonly Option<int?> MaxConns = Whole("--max-conns", "N", "With -k: at most N clients at once; more are closed at once", 1, int.MaxValue);
    public static readonly Option<int?> Backlog = Whole("--backlog", "N", "Listen backlog (default 128)", 0, 65535);
    public static readonly Option<bool> Echo = Flag("Send back what each client sends (and copy it to stdout); stdin is not read", false, "--echo");
    public static readonly Option<bool> Stamp = Flag("With --echo: prefix every echoed chunk with [ctime] ", false, "--stamp");

    // Clients.
    public static readonly Option<string?> Source = new("--source", "-s") { Description = "Bind to ADDR[:PORT] before connecting", HelpName = "ADDR[:PORT]" };
    public static readonly Option<bool> Interactive = Flag("Line mode for a person: prompt on stderr, empty lines skipped, a line 'close' ends", false, "--interactive");

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
    public static readonly Option<bool> Lines = Flag("Each stdin line (with its LF) is one datagram", false, "--lines");
    public static readonly Option<TimeSpan?> Wait = Seconds("--wait", null, "After sending, print replies for that long (or until -c N)");
    public static readonly Option<bool> Broadcast = Flag("Allow sending to a broadcast address (SO_BROADCAST)", false, "--broadcast");
    public static readonly Option<int?> Ttl = Whole("--ttl", "N", "IP time to live (multicast: hop limit) of sent datagrams", 1, 255);
    public static readonly Option<bool> Reply = Flag("Send stdin, a datagram per read, to the latest sender", false, "--reply");

    // Unix sockets.
    public static readonly Option<bool> Listen = Flag("Be the server: bind PATH and serve", false, "--listen", "-l");
    public static readonly Option<bool> Dgram = Flag("SOCK_DGRAM instead of SOCK_STREAM", false, "--dgram", "-u");
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

    // Netlink.
    public static readonly Option<string?> Dump = new("--dump") { Description = "Ask the kernel for a whole table and print it, one object per line", HelpName = "TABLE" };
    public static readonly Option<bool> Monitor = Flag("Print the kernel's events as they happen", false, "--monitor");
    public static readonly Option<bool> Resync = Flag("With --monitor: after an overrun, dump the watched tables again", false, "--resync");
    public static readonly Option<int?> ReceiveBuffer = Whole("--rcvbuf", "BYTES", "Receive buffer of the netlink socket (SO_RCVBUFFORCE where permitted)", 1, int.MaxValue / 2);
    public static readonly Option<string?> Subsystem = new("--subsystem") { Description = "Only events of this subsystem (net, block, usb...)", HelpName = "NAME" };
    public static readonly Option<bool> Listening = Flag("Only listening sockets (TCP LISTEN; UDP and unix datagrams: unconnected)", false, "--listening");
    public static readonly Option<string?> GenericFamily = new("--family") { Description = "A generic netlink family, by name (nlctrl, nl80211, ...)", HelpName = "NAME" };
    public static readonly Option<bool> Raw = Flag("stdin bytes are netlink messages to the kernel; its replies go to stdout as they are", false, "--raw");
    public static readonly Option<string?> Groups = new("--groups") { Description = "Join these multicast groups, by number or name, comma-separated", HelpName = "LIST" };
    public static readonly Option<bool> Fill = Flag("Set each message's length (0: to the end of stdin), sequence number, port id and NLM_F_REQUEST", false, "--fill");

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

    private static Option<TimeSpan?> Seconds(string name, string? alias, string description) => new(name, alias is null ? [] : [alias])
    {
        Description = description,
        HelpName = "DURATION",
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            var duration = Duration.Parse(text, out var problem);
            if (problem is not null)
            {
                UsageErrors.Add(result, $"{name} {problem}");
            }

            return duration;
        },
    };

    // A yes/no option takes no value, ever: "-v true" is -v and an operand "true".
    private static Option<bool> Flag(string description, bool recursive, string name, params string[] aliases) => new(name, aliases)
    {
        Description = description,
        Recursive = recursive,
        Arity = ArgumentArity.Zero,
    };
}
