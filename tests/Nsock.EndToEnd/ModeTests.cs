namespace Nsock.EndToEnd;

/// <summary>
/// Options fit the mode: each mode of a command takes the option groups that apply to it, and an
/// option that means nothing there is a usage error naming it and what it needs. Every documented
/// combination still runs.
/// </summary>
public sealed class ModeTests
{
    // %D is a temp directory of the test's own (nothing there: a client finds no server).
    public static TheoryData<string[], string> Mismatches() => new()
    {
        // The two examples of the issue: each names one of the options that do not fit.
        { ["unix", "-l", "-u", "-k", "--max-conns", "2", "--backlog", "5", "--interactive", "--send-only", "%D/s"], "--keep-open" },
        { ["unix", "--count", "3", "--format", "json", "--wait", "1", "--mode", "600", "%D/s"], "--count" },
        { ["listen", "--max-conns", "2", "127.0.0.1", "0"], "--max-conns" },
        { ["unix", "-l", "--max-conns", "2", "%D/s"], "--max-conns" },
        { ["unix", "-l", "-u", "--max-conns", "2", "%D/s"], "--max-conns" },
        { ["unix", "-u", "--send-only", "%D/s"], "--send-only" },
        { ["unix", "-l", "-u", "--recv-only", "%D/s"], "--recv-only" },
        { ["unix", "-l", "-u", "--interactive", "%D/s"], "--interactive" },
        { ["unix", "-l", "--interactive", "%D/s"], "--interactive" },
        { ["unix", "--reply", "%D/s"], "--reply" },
        { ["unix", "-u", "--reply", "%D/s"], "--reply" },
        { ["unix", "-l", "-s", "%D/c", "%D/s"], "--source" },
        { ["unix", "-l", "-u", "--backlog", "5", "%D/s"], "--backlog" },
        { ["unix", "--mode", "600", "%D/s"], "--mode" },
        { ["unix", "-u", "--mode", "600", "%D/s"], "--mode" },
        { ["unix", "-u", "--echo", "%D/s"], "--echo" },
        { ["unix", "--lines", "%D/s"], "--lines" },
        { ["unix", "-l", "-u", "--lines", "%D/s"], "--lines" },
        { ["unix", "-l", "--wait", "1", "%D/s"], "--wait" },
        { ["unix", "--format", "json", "%D/s"], "--format" },
        { ["unix", "-k", "%D/s"], "--keep-open" },
        { ["unix", "--stamp", "%D/s"], "--stamp" },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public async Task An_option_that_does_not_fit_the_mode_is_a_usage_error_naming_it(string[] args, string option)
    {
        using var dir = new UnixTempDir();
        await using var nsock = RunningProcess.Nsock([.. args.Select(a => a.Replace("%D", dir.FullName, StringComparison.Ordinal))]);
        await nsock.CloseStdinAsync();

        Assert.Equal(2, await nsock.WaitForExitAsync());
        var line = ErrorLine.AssertSole(nsock, option, usage: true);
        Assert.StartsWith($"nsock: {args[0]}: {option} ", line);
        Assert.Contains(" needs ", line, StringComparison.Ordinal);
        Assert.Empty(dir.Entries()); // refused before anything was bound
    }

    // Servers of every mode with the options documented for them: each gets as far as listening.
    public static TheoryData<string[]> ServerCombinations() => new()
    {
        { ["listen", "-k", "--max-conns", "2", "--backlog", "5", "--echo", "--stamp", "--hex", "-i", "30", "127.0.0.1", "0"] },
        { ["listen", "--send-only", "--crlf", "--buffer-size", "100", "-4", "127.0.0.1", "0"] },
        { ["listen", "--recv-only", "-6", "::1", "0"] },
        { ["udp-recv", "-c", "2", "--format", "line", "--echo", "--stamp", "-i", "30", "--crlf", "127.0.0.1", "0"] },
        { ["udp-recv", "--reply", "--format", "json", "--buffer-size", "1000", "127.0.0.1", "0"] },
        { ["udp-recv", "--group", "239.255.0.7", "--interface", "127.0.0.1", "0"] },
        { ["unix", "-l", "-k", "--max-conns", "3", "--backlog", "4", "--echo", "--stamp", "--mode", "600", "--hex", "%D/s"] },
        { ["unix", "-l", "--send-only", "--crlf", "-i", "30", "%D/s"] },
        { ["unix", "-l", "-u", "--reply", "-c", "2", "--format", "hex", "--mode", "660", "%D/s"] },
        { ["unix", "-l", "-u", "--echo", "--stamp", "--buffer-size", "100000", "%D/s"] },
    };

    [Theory]
    [MemberData(nameof(ServerCombinations))]
    public async Task Documented_server_combinations_run(string[] args)
    {
        ToolPlatform.NeedsFor(args);
        using var dir = new UnixTempDir();
        // -v anywhere: before the command for some, after the arguments for the others.
        string[] line = args.Length % 2 == 0 ? ["-v", .. args] : [.. args, "-v"];
        await using var nsock = RunningProcess.Nsock([.. line.Select(a => a.Replace("%D", dir.FullName, StringComparison.Ordinal))]);

        await nsock.WaitForStderrAsync("^listening on ");
        ToolPlatform.Needs(Need.PosixSignals); // the end is by SIGTERM; all before it is checked everywhere
        nsock.Signal(Signals.SigTerm);
        Assert.Equal(143, await nsock.WaitForExitAsync(TimeSpan.FromSeconds(5)));
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }

    // Clients of every mode with their documented options, aimed at nobody: each fails for
    // want of a peer (exit 1) or a reply (exit 4), never for its options.
    public static TheoryData<string[], int> ClientCombinations() => new()
    {
        { ["connect", "-4", "-w", "2", "-i", "5", "--crlf", "--hex", "--buffer-size", "100", "--send-only", "127.0.0.1", "%P"], 1 },
        { ["connect", "--interactive", "-s", "127.0.0.1", "127.0.0.1", "%P"], 1 },
        { ["connect", "--recv-only", "--no-color", "127.0.0.1", "%P"], 1 },
        { ["udp-send", "--lines", "--wait", "0.3", "-c", "1", "--format", "json", "--ttl", "5", "--buffer-size", "100", "-s", "127.0.0.1", "127.0.0.1", "%P"], 1 },
        { ["udp-send", "--wait", "0.2", "--hex", "--crlf", "127.0.0.1", "%P", "x"], 1 },
        { ["unix", "--interactive", "--crlf", "%D/none"], 1 },
        { ["unix", "--recv-only", "-i", "5", "%D/none"], 1 },
        { ["unix", "-u", "-s", "%D/me", "--wait", "0.2", "-c", "1", "--format", "line", "--lines", "%D/none"], 1 },
    };

    [Theory]
    [MemberData(nameof(ClientCombinations))]
    public async Task Documented_client_combinations_run(string[] args, int expected)
    {
        ToolPlatform.NeedsFor(args);
        using var dir = new UnixTempDir();
        using var closed = Loopback.Listen();
        var port = Loopback.PortOf(closed).ToString();
        closed.Dispose(); // nobody there: refused
        await using var nsock = RunningProcess.Nsock([.. args.Select(a => a.Replace("%D", dir.FullName, StringComparison.Ordinal).Replace("%P", port, StringComparison.Ordinal))]);
        await nsock.WriteStdinAsync("hello\n");
        await nsock.CloseStdinAsync();

        Assert.Equal(expected, await nsock.WaitForExitAsync());
        Assert.DoesNotContain(nsock.StderrLines, l => l.StartsWith("see '", StringComparison.Ordinal));
        ErrorLine.AssertNoStackTrace(nsock.StderrLines);
    }
}
