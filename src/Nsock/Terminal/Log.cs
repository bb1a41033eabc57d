namespace Nsock.Terminal;

/// <summary>
/// Progress messages for -v: stderr only, silent unless verbose. Plain lines with no prefix, so
/// the readiness line is exactly <c>listening on ADDR:PORT</c> for scripts to match. Each message
/// is one line: names in it (a peer's chosen address, a path) cannot break it or steer a terminal.
/// </summary>
internal static class Log
{
    public static bool Verbose { get; set; }

    public static void Info(string message)
    {
        if (Verbose)
        {
            Stderr.WriteLine(SafeText.Escape(message));
        }
    }

    /// <summary>A problem that ends one client but not nsock (shown with -v).</summary>
    public static void Warn(string what, string why)
    {
        if (Verbose)
        {
            Stderr.WriteLine(Colour.Yellow("nsock: ") + SafeText.Escape(what) + ": " + SafeText.Escape(why));
        }
    }
}
