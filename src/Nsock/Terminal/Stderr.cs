namespace Nsock.Terminal;

/// <summary>
/// The single writer of human-facing text. Lines are written whole under a lock so that
/// messages from concurrent connections (and hex dumps) never interleave mid-line.
/// </summary>
internal static class Stderr
{
    private static readonly Lock Gate = new();
    private static readonly TextWriter Writer = CreateWriter();

    public static void WriteLine(string line) => Write(line + "\n");

    /// <summary>Writes text without a newline (prompts); flushed at once.</summary>
    public static void Write(string text)
    {
        lock (Gate)
        {
            try
            {
                Writer.Write(text);
                Writer.Flush();
            }
            catch (IOException)
            {
                // stderr closed: messages have nowhere to go, and that must not end the session.
            }
        }
    }

    public static void Error(string what, string why) =>
        WriteLine(Colour.Red("nsock: ") + what + ": " + why);

    private static StreamWriter CreateWriter() =>
        new(Console.OpenStandardError(), new System.Text.UTF8Encoding(false)) { AutoFlush = false, NewLine = "\n" };
}
