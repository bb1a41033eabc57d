using System.CommandLine;
using Nsock.Endpoints;
using Nsock.Sessions;

namespace Nsock.Commands;

/// <summary><c>nsock udp-recv [HOST] PORT</c>: print every datagram from every sender.</summary>
internal static class UdpRecvCommand
{
    private static readonly Argument<string[]> Address = Arguments.BindAddress("UDP");

    public static HelpPage Help { get; } = new(
        "nsock udp-recv: receive UDP datagrams from every sender on PORT and print them, whole.",
        ["nsock udp-recv [options] [HOST] PORT", "nsock udp-recv [options] -p PORT [HOST]"],
        [
            new("Operands", [
                new("HOST", "Address to bind (default: every address, IPv4 and IPv6)"),
                new("PORT", "UDP port, 0-65535 (0: a free one, shown with -v)"),
            ]),
            new("Receiving", [
                HelpRow.For(Options.Ipv4), HelpRow.For(Options.Ipv6), HelpRow.For(Options.Numeric),
                HelpRow.For(Options.LocalPort, "The port to receive on (as nc -u -l -p)"),
                HelpRow.For(Options.Listen, "Accepted for nc -l; udp-recv always receives"),
                HelpRow.For(Options.Group), HelpRow.For(Options.Interface, "Multicast: join the group on this interface, by name (lo) or address"),
                HelpRow.For(Options.Count, "Exit 0 after N datagrams"),
                HelpRow.For(Options.Format, "How datagrams are printed: raw (payload only), line, hex, json"),
                HelpRow.For(Options.IdleTimeout, "End after that long without a datagram (exit 4)"),
                HelpRow.For(Options.BufferSize, "The largest datagram sent back with --reply (default and most: 65507)"),
                HelpRow.For(Options.Crlf, "With --reply: LF becomes CRLF in what is sent"), HelpRow.For(Options.Hex),
            ]),
            new("Answering", [
                HelpRow.For(Options.Echo, "Send each datagram back to its sender (and print it)"), HelpRow.For(Options.Stamp),
                HelpRow.For(Options.Reply),
            ]),
            HelpPage.General("Progress on stderr: 'listening on ADDR:PORT' once bound, each datagram's sender"),
            HelpPage.ExitCodes(
                (0, "-c N datagrams arrived"), (2, "usage"), (3, "HOST does not resolve"), (4, "idle timeout"),
                (5, "address in use, permission denied"), (130, "SIGINT (143 SIGTERM)")),
        ],
        [
            ("nsock udp-recv 5000", "print every datagram that reaches port 5000"),
            ("nsock udp-recv -c 1 --format json 127.0.0.1 5000", "wait for one datagram and print it as a JSON line"),
            ("nsock udp-recv --echo 7000", "a UDP echo server"),
            ("nsock udp-recv --group 239.1.2.3 --interface lo 5000", "receive a multicast group on loopback"),
        ]);

    public static Command Create()
    {
        var command = new Command("udp-recv", "Receive UDP datagrams from every sender and print them") { Address };
        OptionGroups.AddTo(command, OptionGroups.Family, OptionGroups.ServerHabits, OptionGroups.Relay, OptionGroups.DatagramServing, OptionGroups.Multicast);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var (host, port) = Arguments.ReadBindAddress(parse, Address);
        var relay = SettingsFrom.DatagramRelay(parse);
        var settings = SettingsFrom.DatagramServer(parse, relay);
        var bind = new UdpBindAddress(host, port, SettingsFrom.Family(parse), parse.GetValue(Options.Group), parse.GetValue(Options.Interface));
        using var channel = await Udp.BindReceiverAsync(bind, relay.BufferSize, ct).ConfigureAwait(false);
        return await DatagramServer.ServeAsync(channel, settings, ct).ConfigureAwait(false);
    }
}
