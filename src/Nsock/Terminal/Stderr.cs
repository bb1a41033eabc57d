using System.Text;
using Nsock.LocalEnds;

namespace Nsock.Terminal;

/// <summary>
/// The single writer of human-facing text. Lines are written whole under a lock so that
/// messages from concurrent connections (and hex dumps) never interleave mid-line. Writing to
/// stderr never fails nsock: without a stderr, or once it breaks, messages are dropped.
/// </summary>
internal static class Stderr
{
    private static readonly Lock Gate = new();
    private static Stream? _output = StdioHandles.OpenStderr();

    public static void WriteLine(string line) => Write(line + "\n");

    /// <summary>Writes text as it is, without a newline (prompts, hex dumps); at once.</summary>
    public static void Write(string text)
    {
        lock (Gate)
        {
            try
            {
                _output?.Write(Encoding.UTF8.GetBytes(text));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                _output = null; // stderr is gone: messages have nowhere to go, and that must not end the session
            }
        }
    }

    /// <summary>The one error line: <c>nsock: what: why</c>, each part made safe to print.</summary>
    public static void Error(string what, string why) =>
        WriteLine(Colour.Red("nsock: ") + SafeText.Escape(Quoted(what)) + ": " + SafeText.Escape(why));

    /// <summary>A warning nsock goes on after, always shown: <c>nsock: what: why</c>, the prefix in yellow.</summary>
    public static void Warning(string what, string why) =>
        WriteLine(Colour.Yellow("nsock: ") + SafeText.Escape(what) + ": " + SafeText.Escape(why));

    // An empty or space-edged culprit (a port given as '' or ' 80') is shown in quotes.
    private static string Quoted(string what) => what.Length == 0 || char.IsWhiteSpace(what[0]) || char.IsWhiteSpace(what[^1]) ? $"'{what}'" : what;
}
