using System.CommandLine;
using System.CommandLine.Parsing;

namespace Nsock.Commands;

/// <summary>
/// Options fit the mode: an option given where it means nothing is a usage error naming it and
/// what it needs (<c>nsock: unix: --max-conns needs -l -k</c>), never silently ignored.
/// </summary>
internal static class Modes
{
    /// <summary>
    /// Adds a check to <paramref name="command"/>: every option given on the command line must be
    /// in the groups <paramref name="allowed"/> returns for the mode it describes; for any other,
    /// <paramref name="needs"/> says what it would need.
    /// </summary>
    public static void Check(Command command, Func<CommandResult, Option[][]> allowed, Func<Option, string> needs)
    {
        command.Validators.Add(result =>
        {
            var fits = allowed(result).SelectMany(g => g).ToHashSet();
            foreach (var given in result.Children.OfType<OptionResult>())
            {
                if (!given.Implicit && !given.Option.Recursive && !fits.Contains(given.Option))
                {
                    UsageErrors.Add(result, $"{given.Option.Name} {needs(given.Option)}");
                }
            }
        });
    }

    /// <summary>Whether a yes/no option was given as yes.</summary>
    public static bool Has(CommandResult result, Option<bool> option) => result.GetValue(option);
}
