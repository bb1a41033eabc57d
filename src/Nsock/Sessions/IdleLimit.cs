namespace Nsock.Sessions;

/// <summary>-i: the one way every session words having been idle too long (exit 4).</summary>
internal static class IdleLimit
{
    public static NsockException Exceeded(string name, TimeSpan limit) =>
        new(ExitCodes.Timeout, name, $"idle for {limit.TotalSeconds:0.###} s");
}
