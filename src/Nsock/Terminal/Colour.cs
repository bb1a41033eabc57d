namespace Nsock.Terminal;

/// <summary>
/// ANSI colour for stderr only: on when stderr is a terminal, off with NO_COLOR, --no-color,
/// or a redirected stderr.
/// </summary>
internal static class Colour
{
    private static bool? _enabled;

    public static bool Enabled
    {
        get => _enabled ??= !Console.IsErrorRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
            && Environment.GetEnvironmentVariable("TERM") != "dumb";
        set => _enabled = value && Enabled;
    }

    public static string Red(string text) => Paint("31", text);
    public static string Dim(string text) => Paint("2", text);
    public static string Green(string text) => Paint("32", text);
    public static string Yellow(string text) => Paint("33", text);

    private static string Paint(string code, string text) => Enabled ? $"\e[{code}m{text}\e[0m" : text;
}
