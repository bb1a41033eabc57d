using System.CommandLine;
using System.Reflection;

namespace Nsock.Commands;

/// <summary>The command tree, each command's help page, and what nsock says about itself.</summary>
internal static class Root
{
    private static readonly (string Name, Func<Command> Create)[] Commands =
    [
        ("connect", ConnectCommand.Create),
        ("listen", ListenCommand.Create),
        ("udp-send", UdpSendCommand.Create),
        ("udp-recv", UdpRecvCommand.Create),
        ("unix", UnixCommand.Create),
        ("netlink", NetlinkCommand.Create),
        ("completions", CompletionsCommand.Create),
    ];

    /// <summary>Every command's name, in the order help lists them.</summary>
    public static IEnumerable<string> CommandNames => Commands.Select(c => c.Name);

    /// <summary>
    /// The tree with every command, or with only <paramref name="only"/> where that names one: a
    /// command's options, parsers and help take a millisecond to build, and a port check in a
    /// loop pays for them at every start.
    /// </summary>
    public static RootCommand Create(string? only = null)
    {
        var root = new RootCommand("nsock: a netcat for every socket family; bytes between a socket and stdin/stdout")
        {
            Options.Verbose,
            Options.NoColor,
        };
        var wanted = Commands.Any(c => c.Name == only) ? Commands.Where(c => c.Name == only) : Commands;
        foreach (var (_, create) in wanted)
        {
            root.Subcommands.Add(create());
        }

        root.Directives.Clear(); // "[name]" is an operand, never a parser directive
        return root;
    }

    public static HelpPage HelpFor(string? command) => command switch
    {
        "connect" => ConnectCommand.Help,
        "listen" => ListenCommand.Help,
        "udp-send" => UdpSendCommand.Help,
        "udp-recv" => UdpRecvCommand.Help,
        "unix" => UnixCommand.Help,
        "netlink" => NetlinkCommand.Help,
        "completions" => CompletionsCommand.Help,
        _ => Help,
    };

    /// <summary><c>nsock 0.1.0 (abc1234)</c>: the name, the version, the commit it was built from.</summary>
    public static string Version
    {
        get
        {
            var informational = typeof(Root).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = informational.IndexOf('+');
            return plus < 0
                ? $"nsock {informational}"
                : $"nsock {informational[..plus]} ({informational[(plus + 1)..][..Math.Min(7, informational.Length - plus - 1)]})";
        }
    }

    private static readonly HelpPage Help = new(
        "nsock: a netcat for every socket family: bytes between a socket and stdin/stdout.",
        ["nsock [options] COMMAND [options] ARGUMENTS", "nsock COMMAND --help"],
        [
            new("Commands", [
                new("connect HOST PORT", "TCP client"),
                new("listen [HOST] PORT", "TCP server (-k: client after client)"),
                new("udp-send HOST PORT [TEXT...]", "send UDP datagrams (TEXT, or stdin)"),
                new("udp-recv [HOST] PORT", "receive UDP datagrams from every sender"),
                new("unix PATH", "unix domain sockets: client, or server with -l; datagrams with -u"),
                new("netlink PROTOCOL", "the Linux kernel: dump tables, watch events, raw netlink messages"),
                new("completions SHELL", "shell completion script (bash, zsh, fish, pwsh)"),
            ]),
            new("Options", [HelpRow.For(Options.Verbose), HelpRow.For(Options.NoColor), HelpPage.Help, new("    --version", "Show the version and the commit it was built from")]),
            HelpPage.ExitCodes(
                (0, "success"), (1, "network failure: refused, reset, unreachable"), (2, "usage"), (3, "a name does not resolve"),
                (4, "timed out (connect, idle)"), (5, "local resource: address in use, permission denied, path problems"),
                (130, "SIGINT (143 SIGTERM, 129 SIGHUP)")),
        ],
        [
            ("nsock listen -v 4444", "wait for one TCP client on port 4444; stdin to it, its data to stdout"),
            ("nsock connect 127.0.0.1 4444 < file", "send a file; the server's answer comes out on stdout"),
            ("nsock listen -k --echo 7000", "an echo server"),
            ("nsock unix -l /tmp/app.sock", "serve a unix socket file (removed at exit)"),
        ],
        "From netcat: nc -l PORT is 'nsock listen PORT', nc -u is udp-send/udp-recv, nc -U is 'nsock unix'.\n"
        + "Type the nc command line to nsock and it answers with the nsock one (nsock -lvnp 4444).");
}
