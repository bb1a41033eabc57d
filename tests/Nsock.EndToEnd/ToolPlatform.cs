namespace Nsock.EndToEnd;

/// <summary>What a test needs of the platform nsock runs on, beyond TCP and UDP.</summary>
public enum Need
{
    /// <summary>Unix stream sockets: Windows 10 1803 and later have them, Wine 8 has none.</summary>
    UnixSockets,

    /// <summary>Unix datagram sockets: Windows has unix stream sockets only.</summary>
    UnixDatagrams,

    /// <summary>Abstract unix names (<c>@name</c>): Linux's namespace.</summary>
    AbstractNames,

    /// <summary>Netlink: Linux's.</summary>
    Netlink,

    /// <summary>POSIX signals other than SIGINT (SIGTERM, SIGHUP, SIGPIPE, SIGSTOP): Windows has none.</summary>
    PosixSignals,

    /// <summary>/proc, to read nsock's descriptors or memory: Linux's.</summary>
    ProcFs,

    /// <summary>Another local user (setpriv), and file permissions by user: POSIX's.</summary>
    OtherUser,

    /// <summary>A descriptor limit (ulimit -n, RLIMIT_NOFILE): POSIX's.</summary>
    DescriptorLimit,

    /// <summary>Closed descriptors 0-2 at start, or /dev/full: POSIX's.</summary>
    PosixDescriptors,

    /// <summary>A network namespace of the test's own (unshare -n): Linux's.</summary>
    NetworkNamespace,

    /// <summary>A pseudo-terminal on stdin or stderr: POSIX's; Windows has consoles.</summary>
    PseudoTerminal,

    /// <summary>stdout's reader sees EOF while nsock goes on (half-close of stdout): not under Wine.</summary>
    StdoutEofWhileRunning,

    /// <summary>A command line longer than 32,767 characters: Windows' limit.</summary>
    LongCommandLine,

    /// <summary>A connected UDP socket told of ICMP port unreachable: not under Wine.</summary>
    UdpPortUnreachable,

    /// <summary>A UDP bind to an address this machine lacks fails: under Wine it binds 0.0.0.0.</summary>
    ForeignAddressRefused,

    /// <summary>A TCP reset that comes while no receive is pending is an error, not an end of stream: not under Wine.</summary>
    ResetSeenWhenNotReceiving,
}

/// <summary>
/// The platform of the nsock under test. <c>./build.sh test</c> runs the end-to-end suite a third
/// time against the Windows build under Wine (NSOCK_TOOL=artifacts/win/nsock, NSOCK_TOOL_OS=windows).
/// A test of what that platform lacks by nature declares its <see cref="Need"/> and is skipped
/// there, saying why; everything else must pass on it.
/// </summary>
internal static class ToolPlatform
{
    /// <summary>NSOCK_TOOL is a Windows build of nsock.</summary>
    public static bool IsWindowsBuild { get; } = Environment.GetEnvironmentVariable("NSOCK_TOOL_OS") is "windows";

    /// <summary>The Windows build, run here by Wine rather than by Windows.</summary>
    public static bool UnderWine { get; } = IsWindowsBuild && !OperatingSystem.IsWindows();

    /// <summary>Skips the test, with the reason, where nsock's platform lacks <paramref name="need"/>.</summary>
    public static void Needs(Need need)
    {
        if (WhyNot(need) is { } reason)
        {
            Assert.Skip($"the Windows build{(UnderWine ? " under Wine" : "")}: {reason}");
        }
    }

    /// <summary>Skips the test where nsock's platform lacks any of <paramref name="needs"/>.</summary>
    public static void Needs(params Need[] needs)
    {
        foreach (var need in needs)
        {
            Needs(need);
        }
    }

    /// <summary>What a unix socket test of these options needs: unix sockets, and datagrams or abstract names when used.</summary>
    public static void NeedsUnix(bool dgram = false, bool abstractName = false)
    {
        Needs(Need.UnixSockets);
        if (dgram)
        {
            Needs(Need.UnixDatagrams);
        }

        if (abstractName)
        {
            Needs(Need.AbstractNames);
        }
    }

    /// <summary>What sending nsock <paramref name="signal"/> needs: nothing for SIGINT (Wine turns it into Ctrl-C, which Windows has), POSIX signals for any other.</summary>
    public static void NeedsSignal(int signal)
    {
        if (signal != Signals.SigInt)
        {
            Needs(Need.PosixSignals);
        }
    }

    /// <summary>What a test over <paramref name="family"/> needs: unix sockets for <see cref="Family.Unix"/>, nothing more for TCP.</summary>
    public static void NeedsFor(Family family)
    {
        if (family == Family.Unix)
        {
            NeedsUnix();
        }
    }

    /// <summary>
    /// What running nsock with <paramref name="args"/> needs: for the <c>unix</c> command, unix
    /// sockets, and datagrams when an option says -u or --dgram (alone or in a bundle such as
    /// -lu, before any <c>--</c>), and abstract names when a word is an @name. Other commands: nothing.
    /// </summary>
    public static void NeedsFor(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] != "unix")
        {
            return;
        }

        var options = args.Skip(1).TakeWhile(a => a != "--").ToList();
        var dgram = options.Any(a => a == "--dgram" || (a.Length > 1 && a[0] == '-' && a[1] != '-' && a.Skip(1).All(char.IsAsciiLetter) && a.Contains('u', StringComparison.Ordinal)));
        NeedsUnix(dgram, abstractName: args.Skip(1).Any(a => a.StartsWith('@')));
    }

    /// <summary>
    /// What a usage error of <paramref name="args"/> needs: nsock finds it before it makes any
    /// socket, so only an @name, which a platform without abstract names refuses first (exit 5).
    /// </summary>
    public static void NeedsForUsageError(IReadOnlyList<string> args)
    {
        if (args.Count > 0 && args[0] == "unix" && args.Skip(1).Any(a => a.StartsWith('@')))
        {
            Needs(Need.AbstractNames);
        }
    }

    private static string? WhyNot(Need need) => !IsWindowsBuild ? null : need switch
    {
        Need.UnixSockets when UnderWine => "Wine 8 has no unix sockets (WSAEAFNOSUPPORT); Windows 10 1803 and later have unix stream sockets",
        Need.UnixSockets => null,
        Need.UnixDatagrams => "Windows has unix stream sockets only, no datagram ones",
        Need.AbstractNames => "abstract unix names (@name) are Linux's",
        Need.Netlink => "netlink is Linux's",
        Need.PosixSignals => "Windows has no POSIX signals (SIGTERM, SIGHUP, SIGPIPE, SIGSTOP); Ctrl-C is tested on its own",
        Need.ProcFs => "/proc is Linux's",
        Need.OtherUser => "another user by setpriv and POSIX file permissions" + (UnderWine ? " (and Wine refuses a prefix another user owns)" : ""),
        Need.DescriptorLimit => "Windows has no descriptor limit (ulimit -n)",
        Need.PosixDescriptors => "closed descriptors 0-2 and /dev/full are POSIX's",
        Need.NetworkNamespace => "network namespaces are Linux's" + (UnderWine ? " (and the wineserver, which makes the sockets, runs outside the test's)" : ""),
        Need.PseudoTerminal => "a pseudo-terminal is POSIX's; Windows has consoles",
        Need.StdoutEofWhileRunning when UnderWine => "under Wine, stdout's reader sees EOF only when nsock exits: Wine keeps its own descriptor of the pipe (docs/platforms.md)",
        Need.StdoutEofWhileRunning => null,
        Need.LongCommandLine => "Windows limits a command line to 32,767 characters",
        Need.UdpPortUnreachable when UnderWine => "Wine does not pass ICMP port unreachable to a connected UDP socket (Windows reports it as WSAECONNRESET): a closed UDP port looks open|filtered",
        Need.UdpPortUnreachable => null,
        Need.ForeignAddressRefused when UnderWine => "Wine binds a UDP socket asked for an address this machine lacks to 0.0.0.0 instead of failing (Windows: WSAEADDRNOTAVAIL)",
        Need.ForeignAddressRefused => null,
        Need.ResetSeenWhenNotReceiving when UnderWine => "Wine's server reads a reset socket's SO_ERROR for itself, which clears the error, so a reset that comes while no receive is pending reads as an end of stream (Windows: WSAECONNRESET; docs/platforms.md)",
        Need.ResetSeenWhenNotReceiving => null,
        _ => throw new ArgumentOutOfRangeException(nameof(need), need, null),
    };
}
