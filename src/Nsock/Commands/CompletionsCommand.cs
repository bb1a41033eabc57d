using System.CommandLine;

namespace Nsock.Commands;

/// <summary><c>nsock completions SHELL</c>: prints the shell's completion script on stdout.</summary>
internal static class CompletionsCommand
{
    private static readonly Argument<string> Shell = new("SHELL") { Description = "bash, zsh, fish or pwsh" };

    public static HelpPage Help { get; } = new(
        "nsock completions: print a script that makes your shell complete nsock's commands, options and option values.",
        ["nsock completions bash|zsh|fish|pwsh"],
        [
            new("Operands", [new("SHELL", "bash, zsh, fish or pwsh")]),
            new("General", [HelpPage.Help]),
            HelpPage.ExitCodes((0, "the script was printed"), (2, "usage (an unknown shell)")),
        ],
        [
            ("eval \"$(nsock completions bash)\"", "bash: add this line to ~/.bashrc"),
            ("eval \"$(nsock completions zsh)\"", "zsh: add this line to ~/.zshrc, after compinit"),
            ("nsock completions fish > ~/.config/fish/completions/nsock.fish", "fish: install it once"),
            ("nsock completions pwsh | Out-String | Invoke-Expression", "PowerShell: add this line to $PROFILE"),
        ]);

    public static Command Create()
    {
        var command = new Command("completions", "Print a shell completion script (bash, zsh, fish, pwsh)") { Shell };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var script = CompletionScripts.For(parse.GetValue(Shell)!);
        await StandardOutput.WriteAsync(script, ct).ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
