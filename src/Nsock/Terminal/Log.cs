namespace Nsock.Terminal;

/// <summary>
/// Progress messages for -v: stderr only, silent unless verbose. Plain lines with no prefix, so
/// the readiness line is exactly <c>listening on ADDR:PORT</c> for scripts to match.
/// </summary>
internal static class Log
{
    public static bool Verbose { get; set; }

    public static void Info(string message)
    {
        if (Verbose)
        {
            Stderr.WriteLine(message);
        }
    }

    /// <summary>A problem that ends one client but not nsock (shown with -v).</summary>
    public static void Warn(string what, string why)
    {
        if (Verbose)
        {
            Stderr.WriteLine(Colour.Yellow("nsock: ") + what + ": " + why);
        }
    }
}
