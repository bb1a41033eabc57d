namespace Nsock.Netlink;

/// <summary>
/// A netlink message that is not what its type promises (too short for its fixed header, an
/// attribute that runs past the end, a value of the wrong size): the one exception a decoder
/// throws. The session words it, naming whether the kernel or stdin sent it.
/// </summary>
internal sealed class NetlinkFormatException(string problem) : Exception(problem)
{
    public string Problem { get; } = problem;
}
