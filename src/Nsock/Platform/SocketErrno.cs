using System.Net.Sockets;

namespace Nsock.Platform;

/// <summary>
/// Linux errno values that are about a connection, in the runtime's words, so that a failure seen
/// by a system call of nsock's own reads like one the runtime reported.
/// </summary>
internal static class SocketErrno
{
    /// <summary>The runtime's name for a connection failure, or null when the errno is not about the connection.</summary>
    public static SocketError? ConnectionError(int errno) => errno switch
    {
        32 => SocketError.Shutdown, // EPIPE: written after the peer had gone
        100 => SocketError.NetworkDown,
        101 => SocketError.NetworkUnreachable,
        103 => SocketError.ConnectionAborted,
        104 => SocketError.ConnectionReset,
        107 => SocketError.NotConnected,
        110 => SocketError.TimedOut,
        111 => SocketError.ConnectionRefused,
        112 => SocketError.HostDown,
        113 => SocketError.HostUnreachable,
        _ => null,
    };
}
