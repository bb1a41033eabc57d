using System.CommandLine;
using System.Text;

namespace Nsock.Commands;

/// <summary>One row of a help section: an option (in this command's words) or an operand.</summary>
internal sealed record HelpRow(string Left, string Text)
{
    /// <summary>An option's row: its short and long names, its value's name, and what it does here.</summary>
    public static HelpRow For(Option option, string? text = null)
    {
        var shortName = option.Aliases.FirstOrDefault(a => a.Length == 2);
        var left = (shortName is null ? "    " : shortName + ", ") + option.Name;
        if (option.Arity.MaximumNumberOfValues > 0)
        {
            left += " " + (option.HelpName ?? "VALUE");
        }

        return new HelpRow(left, text ?? option.Description ?? "");
    }
}

/// <summary>A titled group of rows: the options of one mode, the operands, the exit codes.</summary>
internal sealed record HelpSection(string Title, IReadOnlyList<HelpRow> Rows);

/// <summary>
/// A command's --help, written for a person learning it: what it does, how it is called, its
/// options grouped by the mode they belong to (each in this command's own words), examples and the
/// exit codes it can give. Written plainly, with no terminal queries (width, colour).
/// </summary>
internal sealed record HelpPage(string Summary, IReadOnlyList<string> Usage, IReadOnlyList<HelpSection> Sections, IReadOnlyList<(string Command, string Says)> Examples, string? Notes = null)
{
    public static readonly HelpRow Help = new("-h, --help", "Show this help");

    public string Render()
    {
        var text = new StringBuilder();
        text.Append(Summary).Append("\n\nUsage:\n");
        foreach (var usage in Usage)
        {
            text.Append("  ").Append(usage).Append('\n');
        }

        var width = Sections.SelectMany(s => s.Rows).Select(r => r.Left.Length).DefaultIfEmpty(0).Max() + 2;
        foreach (var section in Sections)
        {
            text.Append('\n').Append(section.Title).Append(":\n");
            foreach (var row in section.Rows)
            {
                text.Append("  ").Append(row.Left.PadRight(width)).Append(row.Text).Append('\n');
            }
        }

        if (Notes is not null)
        {
            text.Append('\n').Append(Notes).Append('\n');
        }

        if (Examples.Count > 0)
        {
            text.Append("\nExamples:\n");
            foreach (var (command, says) in Examples)
            {
                text.Append("  ").Append(command).Append('\n').Append("      ").Append(says).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>The exit codes section, from the codes this command can give.</summary>
    public static HelpSection ExitCodes(params (int Code, string Meaning)[] codes) =>
        new("Exit codes", [.. codes.Select(c => new HelpRow(c.Code.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Meaning))]);

    /// <summary>The common tail of every command's options: -v, --no-color, -h.</summary>
    public static HelpSection General(string verbose) => new("General", [HelpRow.For(Options.Verbose, verbose), HelpRow.For(Options.NoColor), Help]);
}
