using System.Net.NetworkInformation;
using System.Runtime.Versioning;

namespace Nsock.EndToEnd;

/// <summary>
/// Input a user typed that nsock must explain in its own words and with the SPEC exit code, where
/// it once let the runtime or the kernel answer: IPv6 zones by number, --interface addresses, and
/// unix paths whose directory is missing, is a file, or may not be searched (clients too).
/// </summary>
/// <remarks>
/// Safety: every IP row binds (listen, udp-recv) and never sends; unix rows stay in fresh temp
/// directories. A row nsock wrongly accepts ends on its own (<c>-i 1</c>) or is killed on dispose.
/// Long names, ports and paths are <see cref="BadInputTests"/>' rows.
/// </remarks>
public sealed class InputErrorTests
{
    // An interface index is 32 bits; the kernel hands them out from 1, so the last one is free, and
    // one more does not fit (the runtime read it as no zone at all).
    private const string NoSuchIndex = "4294967295";
    private const string PastIndexes = "4294967296";

    public static TheoryData<string[], string> ZonesThatNameNoInterface => new()
    {
        { ["listen", "fe80::1%" + NoSuchIndex, "0"], "fe80::1%" + NoSuchIndex },
        { ["listen", "fe80::1%" + PastIndexes, "0"], "fe80::1%" + PastIndexes },
        { ["listen", "[fe80::1%" + NoSuchIndex + "]", "0"], "[fe80::1%" + NoSuchIndex + "]" },
        { ["udp-recv", "fe80::1%" + NoSuchIndex, "0"], "fe80::1%" + NoSuchIndex },
        { ["udp-recv", "-6", "fe80::1%" + PastIndexes, "0"], "fe80::1%" + PastIndexes },
    };

    [Theory]
    [MemberData(nameof(ZonesThatNameNoInterface))]
    public async Task A_numeric_IPv6_zone_that_is_no_interface_index_is_a_usage_error(string[] args, string host)
    {
        Assert.DoesNotContain(NetworkInterface.GetAllNetworkInterfaces(), n => $"{IndexOf(n)}" == NoSuchIndex);
        var zone = host.Trim('[', ']').Split('%')[1];
        await AssertFailsAsync(args, 2, $"nsock: {host}: no interface '{zone}' for the address's zone");
    }

    [Theory]
    [InlineData("127.1", "IPv4 shorthand, octal or hex form: write four decimal numbers 0-255, such as 127.0.0.1")]
    [InlineData("2130706433", "IPv4 shorthand, octal or hex form: write four decimal numbers 0-255, such as 127.0.0.1")]
    [InlineData("0x7f.0.0.1", "IPv4 shorthand, octal or hex form: write four decimal numbers 0-255, such as 127.0.0.1")]
    [InlineData("::1%nosuch", "no interface 'nosuch' for the address's zone")]
    public async Task An_interface_address_follows_the_rules_of_HOST(string nic, string why)
    {
        // Accepted, these all meant 127.0.0.1 (or ::1) and joined there: -i ends such a run.
        await AssertFailsAsync(["udp-recv", "--group", "239.1.2.3", "--interface", nic, "-i", "1", "0"], 2, $"nsock: {nic}: {why}");
    }

    [Theory]
    [InlineData("")]
    [InlineData("-u")]
    public async Task A_client_in_a_missing_directory_is_told_the_directory_is_missing(string flags)
    {
        var mode = Flags(flags);
        ToolPlatform.NeedsFor(["unix", .. mode]);
        using var dir = new UnixTempDir();
        var path = Path.Combine(dir.File("missing-dir"), "s.sock");
        await AssertFailsAsync(["unix", .. mode, path], 1, $"nsock: {path}: no such directory");
        Assert.Empty(dir.Entries());
    }

    [Theory]
    [InlineData(1, "")]
    [InlineData(1, "-u")]
    [InlineData(5, "-l")]
    [InlineData(5, "-l -u")]
    public async Task A_path_through_a_regular_file_says_a_name_on_the_way_is_not_a_directory(int exit, string flags)
    {
        var mode = Flags(flags);
        ToolPlatform.NeedsFor(["unix", .. mode]);
        using var dir = new UnixTempDir();
        var file = dir.File("file");
        File.WriteAllText(file, "a regular file\n");
        var path = Path.Combine(file, "s.sock");
        await AssertFailsAsync(["unix", .. mode, path], exit, $"nsock: {path}: no such directory (a name on the way is not a directory)");
        Assert.Equal("a regular file\n", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-u")]
    [UnsupportedOSPlatform("windows")]
    public async Task A_client_under_a_directory_it_may_not_search_exits_5_permission_denied(string flags)
    {
        var mode = Flags(flags);
        ToolPlatform.Needs(Need.OtherUser); // permissions by user; as root, nobody through setpriv
        ToolPlatform.NeedsFor(["unix", .. mode]);
        using var dir = new UnixTempDir();
        var locked = Directory.CreateDirectory(dir.File("locked")).FullName;
        var path = Path.Combine(locked, "s.sock");
        await Unix.MakeStaleSocketAsync(path, dgram: mode.Length > 0); // something there, out of reach
        File.SetUnixFileMode(dir.FullName, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(locked, UnixFileMode.None);
        try
        {
            // Root passes every permission check, so as root nsock runs as nobody.
            string[] args = ["unix", .. mode, path];
            await using var nsock = Posix.IsRoot ? OtherUser.Nsock(args) : RunningProcess.Nsock(args);
            await AssertFailsAsync(nsock, args, 5, $"nsock: {path}: permission denied (a directory on the way may not be searched)");
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_through_a_symlink_to_a_stale_socket_is_refused_not_told_it_is_no_socket(bool dgram)
    {
        ToolPlatform.NeedsUnix(dgram);
        using var dir = new UnixTempDir();
        var stale = dir.File("stale.sock");
        await Unix.MakeStaleSocketAsync(stale, dgram);
        var link = dir.File("link.sock");
        File.CreateSymbolicLink(link, "stale.sock");

        await AssertFailsAsync(["unix", .. dgram ? new[] { "-u" } : [], link], 1, $"nsock: {link}: connection refused (nobody listening)");
        Assert.Equal("socket", Unix.FileType(stale));
    }

    private static string[] Flags(string flags) => flags.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static async Task AssertFailsAsync(string[] args, int exit, string line)
    {
        await using var nsock = RunningProcess.Nsock(args);
        await AssertFailsAsync(nsock, args, exit, line);
    }

    /// <summary>The run ends with <paramref name="exit"/> and exactly <paramref name="line"/> (a usage error adds its hint); stdout empty, nothing internal.</summary>
    private static async Task AssertFailsAsync(RunningProcess nsock, string[] args, int exit, string line)
    {
        await nsock.CloseStdinAsync();
        var shown = "nsock " + string.Join(' ', args);
        var code = await nsock.WaitForExitAsync(TimeSpan.FromSeconds(20));
        Assert.True(code == exit, $"{shown} exited {code}, not {exit}; stderr:\n{nsock.Stderr}");
        var said = ErrorLine.AssertSole(nsock, names: null, usage: exit == 2);
        Assert.DoesNotContain("internal error", nsock.Stderr, StringComparison.Ordinal);
        Assert.Equal(line, said);
    }

    private static long IndexOf(NetworkInterface nic) =>
        nic.Supports(NetworkInterfaceComponent.IPv6) ? nic.GetIPProperties().GetIPv6Properties().Index : nic.GetIPProperties().GetIPv4Properties().Index;
}
