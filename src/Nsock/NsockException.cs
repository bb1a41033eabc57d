namespace Nsock;

/// <summary>
/// The one failure type: thrown where the cause is known, formatted once in Program as
/// <c>nsock: {What}: {Why}</c>, and turned into <see cref="ExitCode"/>.
/// </summary>
internal sealed class NsockException(int exitCode, string what, string why, Exception? inner = null)
    : Exception($"{what}: {why}", inner)
{
    public int ExitCode { get; } = exitCode;
    public string What { get; } = what;
    public string Why { get; } = why;

    /// <summary>Whether a usage error is followed by "see 'nsock CMD --help'"; not when the line already says what to type.</summary>
    public bool SeeHelp { get; init; } = true;

    public static NsockException Usage(string what, string why) => new(ExitCodes.Usage, what, why);
}
