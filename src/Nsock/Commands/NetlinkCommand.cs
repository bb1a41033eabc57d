using System.CommandLine;
using Nsock.LocalEnds;
using Nsock.Netlink;
using Nsock.Sessions;

namespace Nsock.Commands;

/// <summary>
/// <c>nsock netlink PROTOCOL ...</c>: the kernel as the peer. Three modes: <c>--dump TABLE</c>
/// (one request, the whole answer), <c>--monitor [TABLES]</c> (events as they happen) and
/// <c>--raw</c> (stdin's bytes are the messages). Which protocols have which mode, and which
/// options each mode takes, is decided here; the sessions get a settings record.
/// </summary>
internal static class NetlinkCommand
{
    private static readonly Argument<string[]> Operands = new("PROTOCOL [TABLES]")
    {
        Description = "route, uevent, sock-diag, generic, or any protocol by name or number (with --raw); then, for route --monitor, the tables",
        Arity = new ArgumentArity(1, 2),
    };

    private static readonly Dictionary<string, RouteTable> RouteTables = new(StringComparer.OrdinalIgnoreCase)
    {
        ["links"] = RouteTable.Links,
        ["link"] = RouteTable.Links,
        ["addrs"] = RouteTable.Addrs,
        ["addr"] = RouteTable.Addrs,
        ["addresses"] = RouteTable.Addrs,
        ["address"] = RouteTable.Addrs,
        ["routes"] = RouteTable.Routes,
        ["route"] = RouteTable.Routes,
        ["neighbors"] = RouteTable.Neighbors,
        ["neighbours"] = RouteTable.Neighbors,
        ["neigh"] = RouteTable.Neighbors,
        ["rules"] = RouteTable.Rules,
        ["rule"] = RouteTable.Rules,
    };

    private static readonly Dictionary<string, SockDiagKind> SocketKinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["tcp"] = SockDiagKind.Tcp,
        ["udp"] = SockDiagKind.Udp,
        ["unix"] = SockDiagKind.Unix,
    };

    public static HelpPage Help { get; } = new(
        "nsock netlink: talk to the Linux kernel over AF_NETLINK: dump its tables, watch its events, send raw messages.",
        [
            "nsock netlink route --dump links|addrs|routes|neighbors|rules [-4|-6] [--format json]",
            "nsock netlink route --monitor [links,addrs,routes,neighbors,rules] [-c N] [-i SECONDS] [--resync]",
            "nsock netlink uevent --monitor [--subsystem NAME]",
            "nsock netlink sock-diag --dump tcp|udp|unix [--listening]",
            "nsock netlink generic --dump families [--family NAME]",
            "nsock netlink PROTOCOL --raw [--fill] [--hex] [--groups LIST] < messages",
        ],
        [
            new("Operands", [
                new("PROTOCOL", "route, uevent, sock-diag, generic; with --raw also netfilter, audit, xfrm... or a number 0-31"),
                new("TABLES", "route --monitor: what to watch, comma-separated (default: all)"),
            ]),
            new("Modes", [
                HelpRow.For(Options.Dump, "route: links, addrs, routes, neighbors, rules; sock-diag: tcp, udp, unix; generic: families"),
                HelpRow.For(Options.Monitor, "route: +link/-link, +addr/-addr, ... events; uevent: kernel object events"),
                HelpRow.For(Options.Raw),
            ]),
            new("Choosing", [
                HelpRow.For(Options.Ipv4, "route: IPv4 addresses, routes, neighbours and rules only"),
                HelpRow.For(Options.Ipv6, "route: IPv6 only; sock-diag tcp/udp: IPv6 sockets only"),
                HelpRow.For(Options.Listening),
                HelpRow.For(Options.Subsystem, "uevent: only events of this subsystem (net, block, usb...)"),
                HelpRow.For(Options.GenericFamily, "generic --dump: only this family; --raw --fill: messages go to this family"),
                HelpRow.For(Options.Groups, "--raw: multicast groups to join (route: link, ipv4-ifaddr...; uevent: kernel; generic: the family's group names)"),
            ]),
            new("Output", [
                HelpRow.For(Options.Format, "line (ip -o style, the default) or json (JSON Lines); raw or hex: the kernel's bytes, as they are or annotated"),
                HelpRow.For(Options.Hex, "--raw: an annotated dump of the replies (header fields named, attributes split) instead of their bytes"),
                HelpRow.For(Options.Fill),
            ]),
            new("Monitoring", [
                HelpRow.For(Options.Count, "Exit 0 after N events (--raw: N datagrams)"),
                HelpRow.For(Options.IdleTimeout, "End after that long without an event (exit 4); --raw: how long to wait for replies nobody asked an ACK for"),
                HelpRow.For(Options.Resync),
                HelpRow.For(Options.ReceiveBuffer),
            ]),
            HelpPage.General("Progress on stderr: 'listening on netlink route (links,addrs)' once subscribed"),
            HelpPage.ExitCodes(
                (0, "done: the dump printed, -c N events seen, every request answered"), (1, "the kernel refused a request or sent a malformed message"),
                (2, "usage; a malformed message on stdin"), (4, "idle timeout"), (5, "not Linux, no such protocol, permission denied"),
                (130, "SIGINT (143 SIGTERM)")),
        ],
        [
            ("nsock netlink route --dump addrs", "every address, one per line: 1: lo inet 127.0.0.1/8 scope host lo"),
            ("nsock netlink route --dump links --format json", "the interfaces as JSON Lines (fields as ip -j link)"),
            ("nsock netlink route --monitor links,addrs -c 1 -v", "wait for the next interface or address change"),
            ("nsock netlink sock-diag --dump tcp --listening", "the listening TCP sockets, as ss -ltn"),
            ("nsock netlink uevent --monitor --subsystem net", "network devices appearing and going"),
            ("nsock netlink generic --dump families", "the generic netlink families with their ids and multicast groups"),
        ],
        "Events are stamped with the time (UTC). When the kernel drops events (its receive buffer is full) an\n"
        + "'overrun' record says so and the monitor goes on; with --resync the watched tables are dumped again.");

    public static Command Create()
    {
        var command = new Command("netlink", "Talk to the Linux kernel: dump tables, watch events, send raw netlink messages") { Operands };
        OptionGroups.AddTo(command, OptionGroups.NetlinkDumping, OptionGroups.NetlinkMonitoring, OptionGroups.NetlinkRaw, OptionGroups.NetlinkOutput,
            [Options.Ipv4, Options.Ipv6, Options.Listening, Options.Subsystem, Options.GenericFamily, Options.Resync]);
        Modes.Check(command, Allowed, Needs);
        command.SetAction(RunAsync);
        return command;
    }

    // What each protocol and mode takes; the mode is the first of --raw, --monitor, --dump given.
    private static Option[][] Allowed(System.CommandLine.Parsing.CommandResult result)
    {
        var protocol = NetlinkProtocol.Parse(result.GetValue(Operands)?.FirstOrDefault() ?? "");
        Option[] family = [Options.Ipv4, Options.Ipv6];
        if (Modes.Has(result, Options.Raw))
        {
            return protocol == NetlinkProtocol.Generic ? [OptionGroups.NetlinkRaw, [Options.GenericFamily]] : [OptionGroups.NetlinkRaw];
        }

        if (Modes.Has(result, Options.Monitor))
        {
            return protocol switch
            {
                NetlinkProtocol.Route => [OptionGroups.NetlinkMonitoring, OptionGroups.NetlinkOutput, family, [Options.Resync]],
                NetlinkProtocol.Uevent => [OptionGroups.NetlinkMonitoring, OptionGroups.NetlinkOutput, [Options.Subsystem]],
                _ => [OptionGroups.NetlinkMonitoring, OptionGroups.NetlinkOutput],
            };
        }

        return protocol switch
        {
            NetlinkProtocol.Route => [OptionGroups.NetlinkDumping, OptionGroups.NetlinkOutput, family],
            NetlinkProtocol.SockDiag => [OptionGroups.NetlinkDumping, OptionGroups.NetlinkOutput, family, [Options.Listening]],
            NetlinkProtocol.Generic => [OptionGroups.NetlinkDumping, OptionGroups.NetlinkOutput, [Options.GenericFamily]],
            _ => [OptionGroups.NetlinkDumping, OptionGroups.NetlinkOutput],
        };
    }

    private static string Needs(Option option) => option.Name switch
    {
        "--resync" => "needs route --monitor",
        "--subsystem" => "needs uevent --monitor",
        "--listening" => "needs sock-diag --dump",
        "--family" => "needs generic --dump or generic --raw",
        "--ipv4" or "--ipv6" => "needs route --dump/--monitor or sock-diag --dump",
        "--groups" or "--fill" or "--hex" => "needs --raw",
        "--count" or "--idle-timeout" or "--rcvbuf" => "needs --monitor or --raw",
        "--format" => "needs --dump or --monitor (--raw prints the kernel's bytes; --hex annotates them)",
        "--dump" => "cannot be combined with --monitor or --raw",
        "--monitor" => "cannot be combined with --raw",
        _ => "does not apply to netlink",
    };

    private static Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new NsockException(ExitCodes.LocalResource, "netlink", "netlink sockets exist only on Linux");
        }

        var operands = parse.GetValue(Operands) ?? [];
        var protocol = NetlinkProtocol.Parse(operands[0])
            ?? throw NsockException.Usage(operands[0], "not a netlink protocol: route, uevent, sock-diag, generic, netfilter, audit, ... or a number 0-31");
        var tables = operands.Length > 1 ? operands[1] : null;
        if (parse.GetValue(Options.Raw))
        {
            Refuse(tables, "--raw takes no tables");
            return NetlinkRaw.RunAsync(RawSettings(parse, protocol), ct);
        }

        if (parse.GetValue(Options.Monitor))
        {
            return NetlinkMonitor.RunAsync(MonitorSettings(parse, protocol, tables), ct);
        }

        Refuse(tables, "tables after the protocol are for --monitor; --dump takes one");
        if (parse.GetValue(Options.Dump) is not { } dump)
        {
            throw NsockException.Usage("netlink", "give --dump TABLE, --monitor or --raw");
        }

        var (target, family) = (Target(protocol, dump, parse), FamilyOf(parse));
        if (family != 0 && target is NetlinkTarget.Route { Table: RouteTable.Links } or NetlinkTarget.Sockets { Kind: SockDiagKind.Unix })
        {
            throw NsockException.Usage(family == 2 ? "-4" : "-6", $"{dump} have no IP family: -4/-6 choose addresses, routes, neighbors, rules and TCP/UDP sockets");
        }

        return NetlinkDump.RunAsync(new NetlinkDumpSettings(target, family, Format(parse)), ct);
    }

    private static NetlinkTarget Target(int protocol, string dump, ParseResult parse) => protocol switch
    {
        NetlinkProtocol.Route => RouteTables.TryGetValue(dump, out var table)
            ? new NetlinkTarget.Route(table)
            : throw NsockException.Usage("--dump", $"route tables are links, addrs, routes, neighbors and rules, not '{dump}'"),
        NetlinkProtocol.SockDiag => SocketKinds.TryGetValue(dump, out var kind)
            ? new NetlinkTarget.Sockets(kind, parse.GetValue(Options.Listening))
            : throw NsockException.Usage("--dump", $"sock-diag dumps tcp, udp or unix, not '{dump}'"),
        NetlinkProtocol.Generic => string.Equals(dump, "families", StringComparison.OrdinalIgnoreCase)
            ? new NetlinkTarget.Families(parse.GetValue(Options.GenericFamily))
            : throw NsockException.Usage("--dump", $"generic dumps families, not '{dump}'"),
        NetlinkProtocol.Uevent => throw NsockException.Usage("--dump", "uevents are events, not a table: use --monitor"),
        _ => throw NsockException.Usage("--dump", $"nsock decodes route, sock-diag and generic; for {NetlinkProtocol.NameOf(protocol)} use --raw"),
    };

    private static NetlinkMonitorSettings MonitorSettings(ParseResult parse, int protocol, string? tables)
    {
        var format = Format(parse);
        var (count, idle, buffer) = (parse.GetValue(Options.Count), parse.GetValue(Options.IdleTimeout), parse.GetValue(Options.ReceiveBuffer));
        switch (protocol)
        {
            case NetlinkProtocol.Route:
                var chosen = tables is null
                    ? Enum.GetValues<RouteTable>()
                    : [.. tables.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(t => RouteTables.TryGetValue(t, out var table)
                        ? table : throw NsockException.Usage(t, "route --monitor watches links, addrs, routes, neighbors and rules"))];
                if (chosen.Length == 0)
                {
                    throw NsockException.Usage(tables ?? "", "name at least one table: links, addrs, routes, neighbors, rules");
                }

                var family = FamilyOf(parse);
                if (family != 0 && chosen.All(t => t == RouteTable.Links))
                {
                    throw NsockException.Usage(family == 2 ? "-4" : "-6", "links have no address family: -4/-6 apply to addrs, routes, neighbors and rules");
                }

                return new NetlinkMonitorSettings(protocol, [.. chosen.Distinct()], family, format, count, idle, parse.GetValue(Options.Resync), buffer, null);
            case NetlinkProtocol.Uevent:
                Refuse(tables, "uevent --monitor takes no tables (--subsystem NAME filters)");
                return new NetlinkMonitorSettings(protocol, [], 0, format, count, idle, false, buffer, parse.GetValue(Options.Subsystem));
            default:
                throw NsockException.Usage("--monitor", $"nsock decodes the events of route and uevent; for {NetlinkProtocol.NameOf(protocol)} use --raw --groups");
        }
    }

    private static NetlinkRawSettings RawSettings(ParseResult parse, int protocol)
    {
        var groups = (parse.GetValue(Options.Groups) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var family = parse.GetValue(Options.GenericFamily);
        if (family is not null && !parse.GetValue(Options.Fill) && groups.Length == 0)
        {
            throw NsockException.Usage("--family", "with --raw, names the family --fill addresses or whose --groups are joined");
        }

        return new NetlinkRawSettings(protocol, groups, parse.GetValue(Options.Fill), parse.GetValue(Options.Hex) ? DatagramFormat.Hex : DatagramFormat.Raw,
            parse.GetValue(Options.Count), parse.GetValue(Options.IdleTimeout), parse.GetValue(Options.ReceiveBuffer), family);
    }

    // line unless asked; raw and hex print the kernel's bytes as they come.
    private static DatagramFormat Format(ParseResult parse) =>
        parse.GetResult(Options.Format) is null or { Implicit: true } ? DatagramFormat.Line : parse.GetValue(Options.Format);

    private static int FamilyOf(ParseResult parse) => SettingsFrom.Family(parse) switch
    {
        Endpoints.IpFamily.V4 => 2,
        Endpoints.IpFamily.V6 => 10,
        _ => 0,
    };

    private static void Refuse(string? tables, string why)
    {
        if (tables is not null)
        {
            throw NsockException.Usage(tables, why);
        }
    }
}
