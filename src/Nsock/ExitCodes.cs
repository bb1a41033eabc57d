namespace Nsock;

/// <summary>The exit codes of SPEC.md, in one place.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Network = 1;
    public const int Usage = 2;
    public const int Resolve = 3;
    public const int Timeout = 4;
    public const int LocalResource = 5;
    public const int Interrupted = 130;
    public const int Terminated = 143;
}
