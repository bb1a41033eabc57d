using System.CommandLine;
using System.Text;
using Nsock.Endpoints;
using Nsock.Sessions;

namespace Nsock.Commands;

/// <summary><c>nsock udp-send HOST PORT [TEXT...]</c>: datagrams from arguments or stdin.</summary>
internal static class UdpSendCommand
{
    private static readonly Argument<string> Host = new("HOST") { Description = "Name or IP address (unicast, broadcast or multicast)" };
    private static readonly Argument<string> Port = new("PORT") { Description = "UDP port, 1-65535" };
    private static readonly Argument<string[]> Texts = new("TEXT") { Description = "Each TEXT is sent as one datagram (then stdin is not read)", Arity = ArgumentArity.ZeroOrMore };

    public static HelpPage Help { get; } = new(
        "nsock udp-send: send UDP datagrams to HOST PORT: each TEXT is one datagram, else each read of stdin is one.",
        ["nsock udp-send [options] HOST PORT [TEXT...]", "nsock udp-send -z [options] HOST PORTS [HOST PORTS...] [-- COMMAND...]", "nsock udp-send [options] HOST PORT -- TEXT...   (a TEXT that starts with '-')"],
        [
            new("Operands", [
                new("HOST", "Name or IP address: unicast, broadcast (with --broadcast) or multicast"),
                new("PORT", "UDP port, 1-65535"),
                new("TEXT", "Each is sent as one datagram, and stdin is not read; after --, TEXT may start with '-'"),
            ]),
            new("Sending", [
                HelpRow.For(Options.Ipv4), HelpRow.For(Options.Ipv6), HelpRow.For(Options.Numeric),
                HelpRow.For(Options.Source, "Send from this local address (and port)"),
                HelpRow.For(Options.LocalPort, "Send from this local port (the same as -s :PORT)"),
                HelpRow.For(Options.Broadcast), HelpRow.For(Options.Ttl), HelpRow.For(Options.Interface, "Multicast: send out of this interface, by name (lo) or address"),
                HelpRow.For(Options.Lines),
                HelpRow.For(Options.BufferSize, "The largest datagram read from stdin (default and most: 65507)"),
                HelpRow.For(Options.Crlf), HelpRow.For(Options.Hex),
            ]),
            new("Replies", [
                HelpRow.For(Options.Wait, "After sending, print replies for that long"),
                HelpRow.For(Options.Count, "Exit 0 after N replies"),
                HelpRow.For(Options.Format, "How replies are printed: raw (payload only), line, hex, json"),
                HelpRow.For(Options.IdleTimeout, "With --wait: end after that long without a reply (exit 4)"),
            ]),
            new("Probing (-z)", [
                HelpRow.For(Options.Zero, "Is something there? One datagram per port: a reply is open, ICMP port unreachable closed, silence open|filtered"),
                HelpRow.For(Options.Timeout, "How long to wait for an answer per port (default 5s)"), HelpRow.For(Options.ProbeData),
                HelpRow.For(Options.Parallel), HelpRow.For(Options.Format, "One record per probed port on stdout: line or json (JSON Lines)"),
                HelpRow.For(Options.OpenOnly), HelpRow.For(Options.Any),
                HelpRow.For(Options.Wait, "Probe again until every port is open (or --any, --closed), at most that long"), HelpRow.For(Options.UntilClosed),
            ]),
            HelpPage.General("Progress on stderr: the target, each datagram sent and received; with -z, what answered and a summary"),
            HelpPage.ExitCodes(
                (0, "sent (and the replies asked for arrived)"), (1, "the target refused (ICMP port unreachable) or is unreachable"), (2, "usage"),
                (3, "the name does not resolve"), (4, "idle timeout"), (5, "a local resource (permission for broadcast, source in use)"), (130, "SIGINT (143 SIGTERM)")),
        ],
        [
            ("nsock udp-send 127.0.0.1 5000 hello", "one datagram, 'hello'"),
            ("printf 'a\nb\n' | nsock udp-send --lines 127.0.0.1 5000", "two datagrams, one per line"),
            ("nsock udp-send --wait 1 -c 1 127.0.0.1 53 -- -ping-", "send '-ping-', print the first reply within a second"),
        ]);

    public static Command Create()
    {
        var command = new Command("udp-send", "Send UDP datagrams: each TEXT, or each stdin read, is one datagram") { Host, Port, Texts };
        Option[][] sending = [OptionGroups.Family, OptionGroups.Relay, OptionGroups.UdpSending, OptionGroups.DatagramClient];
        Option[][] probing = [OptionGroups.Family, [Options.Timeout, Options.ProbeData], OptionGroups.Probing];
        OptionGroups.AddTo(command, [.. sending, .. probing]);
        Modes.Check(
            command,
            result => Modes.Has(result, Options.Zero) ? probing : sending,
            option => option == Options.Timeout || option == Options.ProbeData || OptionGroups.Probing.Contains(option) ? "needs -z" : "does not apply to -z");
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        if (parse.GetValue(Options.Zero))
        {
            var (targets, then) = SettingsFrom.ProbeOperands([parse.GetValue(Host)!, parse.GetValue(Port)!, .. parse.GetValue(Texts) ?? []]);
            var settings = SettingsFrom.Probe(parse, "udp", then);
            var pairs = SettingsFrom.ProbePairs(parse, targets, "udp");
            var data = Encoding.UTF8.GetBytes(parse.GetValue(Options.ProbeData) ?? "");
            var round = await ProbeRounds.UdpAsync(pairs, SettingsFrom.Family(parse), data, settings.Timeout, ProbeRounds.Parallel(parse.GetValue(Options.Parallel)), ct).ConfigureAwait(false);
            return await PortProbe.RunAsync(round, settings, ct).ConfigureAwait(false);
        }

        var host = SettingsFrom.Host(parse, parse.GetValue(Host)!);
        var port = PortNumber.Parse(parse.GetValue(Port)!, allowZero: false);
        var relay = SettingsFrom.DatagramRelay(parse);
        var texts = (parse.GetValue(Texts) ?? []).Select(Encoding.UTF8.GetBytes).ToArray();
        if (texts.FirstOrDefault(d => d.Length > relay.BufferSize) is { } tooLong)
        {
            throw NsockException.Usage($"TEXT of {tooLong.Length} bytes", $"a datagram holds at most {relay.BufferSize} bytes");
        }

        var target = new UdpSendTarget(
            host, port, SettingsFrom.Family(parse),
            SettingsFrom.Source(parse),
            parse.GetValue(Options.Broadcast), parse.GetValue(Options.Ttl), parse.GetValue(Options.Interface));

        var sender = await Udp.OpenSenderAsync(target, relay.BufferSize, ct).ConfigureAwait(false);
        using var channel = sender.Channel;
        return await DatagramClient.RunAsync(channel, SettingsFrom.DatagramClient(parse, texts, sender.To, relay), ct).ConfigureAwait(false);
    }
}
