namespace Nsock.Commands;

/// <summary>
/// The shell completion scripts of <c>nsock completions SHELL</c>. Each is a thin shim: it hands
/// the words typed so far to <c>nsock __complete</c> and offers what comes back (files when
/// nothing does), so completions always match the installed nsock's own command tree.
/// </summary>
internal static class CompletionScripts
{
    public static readonly string[] Shells = ["bash", "zsh", "fish", "pwsh"];

    public static string For(string shell) => shell switch
    {
        "bash" => Bash,
        "zsh" => Zsh,
        "fish" => Fish,
        "pwsh" => Pwsh,
        _ => throw NsockException.Usage(shell, $"no completion script for that shell; nsock has them for {string.Join(", ", Shells)}"),
    };

    private const string Bash = """
        # nsock completion for bash. Enable: eval "$(nsock completions bash)"  (e.g. in ~/.bashrc)
        _nsock() {
            local IFS=$'\n' cur=${COMP_WORDS[COMP_CWORD]}
            local -a candidates
            candidates=($(nsock __complete -- "${COMP_WORDS[@]:0:COMP_CWORD}" "$cur" 2>/dev/null))
            COMPREPLY=($(compgen -W "${candidates[*]}" -- "$cur"))
        }
        complete -o default -o nosort -F _nsock nsock

        """;

    private const string Zsh = """
        #compdef nsock
        # nsock completion for zsh. Enable: eval "$(nsock completions zsh)"  (after compinit, e.g. in ~/.zshrc)
        _nsock() {
            local -a candidates
            candidates=("${(@f)$(nsock __complete -- "${(@)words[1,CURRENT]}" 2>/dev/null)}")
            if [[ -n ${candidates[1]} ]]; then
                compadd -Q -- "${candidates[@]}"
            else
                _files
            fi
        }
        compdef _nsock nsock

        """;

    private const string Fish = """
        # nsock completion for fish. Enable: nsock completions fish | source  (or save it as ~/.config/fish/completions/nsock.fish)
        function __nsock_complete
            nsock __complete -- (commandline -opc) (commandline -ct) 2>/dev/null
        end
        complete -c nsock -a '(__nsock_complete)'

        """;

    private const string Pwsh = """
        # nsock completion for PowerShell. Enable: nsock completions pwsh | Out-String | Invoke-Expression  (e.g. in $PROFILE)
        Register-ArgumentCompleter -Native -CommandName nsock -ScriptBlock {
            param($wordToComplete, $commandAst, $cursorPosition)
            $words = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -lt $cursorPosition } | ForEach-Object { $_.ToString() })
            $words += $wordToComplete
            & nsock __complete -- @words 2>$null | ForEach-Object {
                [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
            }
        }

        """;
}
