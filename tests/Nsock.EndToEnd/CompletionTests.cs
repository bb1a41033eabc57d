namespace Nsock.EndToEnd;

/// <summary>
/// <c>nsock completions bash</c>, sourced in a real bash: its completion function offers the
/// commands, options and option values a partly typed command line can go on with.
/// </summary>
public sealed class CompletionTests
{
    // Runs bash: puts nsock on PATH, sources the script, fills COMP_WORDS as bash would for
    // LINE (a trailing space: completing a new, empty word) and prints COMPREPLY, one per line.
    private static async Task<string[]> CompleteAsync(string line)
    {
        using var dir = new UnixTempDir();
        File.CreateSymbolicLink(dir.File("nsock"), NsockTool.Path);
        const string Script = """
            export PATH="$1:$PATH"
            eval "$(nsock completions bash)"
            read -ra COMP_WORDS <<< "$2"
            [ "${2: -1}" = " " ] && COMP_WORDS+=("")
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMP_LINE=$2
            COMP_POINT=${#2}
            _nsock
            printf '%s\n' "${COMPREPLY[@]}"
            """;
        await using var bash = RunningProcess.Start("bash", ["--norc", "--noprofile", "-c", Script, "bash", dir.FullName, line]);
        await bash.AssertExitCodeAsync(0);
        Assert.Empty(bash.StderrLines);
        return [.. System.Text.Encoding.UTF8.GetString(bash.Stdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    [Fact]
    public async Task Commands_complete()
    {
        Assert.Equal(["completions", "connect", "listen", "netlink", "udp-recv", "udp-send", "unix"], await CompleteAsync("nsock "));
        Assert.Equal(["udp-recv", "udp-send"], await CompleteAsync("nsock udp"));
        Assert.Equal(["listen"], await CompleteAsync("nsock -v li"));
        Assert.Equal(["--monitor"], await CompleteAsync("nsock netlink route --mon"));
    }

    [Fact]
    public async Task Options_of_the_command_complete()
    {
        Assert.Equal(["--keep-open"], await CompleteAsync("nsock listen --ke"));
        var options = await CompleteAsync("nsock udp-recv --");
        Assert.Contains("--format", options);
        Assert.Contains("--group", options);
        Assert.DoesNotContain("--keep-open", options); // listen's, not udp-recv's
        Assert.Equal(["--interface"], await CompleteAsync("nsock udp-send --inte")); // --interactive is connect's
    }

    [Fact]
    public async Task Option_values_complete_in_lower_case()
    {
        Assert.Equal(["hex", "json", "line", "raw"], await CompleteAsync("nsock udp-recv --format "));
        Assert.Equal(["json"], await CompleteAsync("nsock unix -u --format j"));
        Assert.Equal(["bash", "fish", "pwsh", "zsh"], await CompleteAsync("nsock completions "));
    }

    [Fact]
    public async Task An_operand_without_a_fixed_list_is_left_to_the_shell()
    {
        // Nothing from nsock: bash's -o default then offers file names for a unix PATH.
        Assert.Empty(await CompleteAsync("nsock unix -l /tmp/no-such-prefix-"));
    }

    [Theory]
    [InlineData("zsh", "compdef _nsock nsock")]
    [InlineData("fish", "complete -c nsock")]
    [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName nsock")]
    [InlineData("bash", "complete -o default -o nosort -F _nsock nsock")]
    public async Task Every_shell_gets_a_script_that_asks_nsock(string shell, string registration)
    {
        await using var nsock = RunningProcess.Nsock("completions", shell);
        await nsock.AssertExitCodeAsync(0);
        var script = System.Text.Encoding.UTF8.GetString(nsock.Stdout.ToArray());
        Assert.Contains(registration, script, StringComparison.Ordinal);
        Assert.Contains("nsock __complete -- ", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_shell_is_a_usage_error()
    {
        await using var nsock = RunningProcess.Nsock("completions", "tcsh");
        await nsock.AssertExitCodeAsync(2);
        Assert.Contains("bash, zsh, fish, pwsh", ErrorLine.AssertSole(nsock, "tcsh", usage: true), StringComparison.Ordinal);
    }
}
