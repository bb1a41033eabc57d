using System.Globalization;

namespace Nsock.Netlink;

/// <summary>
/// Socket states as the kernel numbers them (TCP_ESTABLISHED... in include/net/tcp_states.h, used
/// by unix sockets too) and as <c>ss</c> names them, so a line reads like ss's State column.
/// </summary>
internal static class SocketStates
{
    public const int Established = 1, TimeWait = 6, Close = 7, Listen = 10;

    private static readonly string[] Names =
    [
        "UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT",
        "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING", "NEW-SYN-RECV", "BOUND-INACTIVE",
    ];

    /// <summary>ss's name for <paramref name="state"/>, or the number when ss has none.</summary>
    public static string NameOf(int state) =>
        state > 0 && state < Names.Length ? Names[state] : state.ToString(CultureInfo.InvariantCulture);
}
