using System.Net.Sockets;

namespace Nsock.Endpoints;

/// <summary>
/// Classifies socket errors once: which exit code they mean and how to say them in a few words.
/// </summary>
internal static class SocketFailure
{
    public static NsockException From(SocketException e, string what) => new(ExitCodeOf(e.SocketErrorCode), what, Describe(e), e);

    public static int ExitCodeOf(SocketError error) => error switch
    {
        SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData or SocketError.NoRecovery => ExitCodes.Resolve,
        SocketError.TimedOut => ExitCodes.Timeout,
        SocketError.AddressAlreadyInUse or SocketError.AccessDenied or SocketError.AddressNotAvailable
            or SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable => ExitCodes.LocalResource,
        SocketError.AddressFamilyNotSupported or SocketError.ProtocolFamilyNotSupported => ExitCodes.LocalResource,
        _ => ExitCodes.Network,
    };

    public static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset by peer",
        SocketError.ConnectionAborted => "connection aborted",
        // EPIPE, which the runtime calls Shutdown: nsock never writes after its own shutdown, so
        // the peer has gone (a reset whose error an earlier call already took).
        SocketError.Shutdown => "broken pipe (the peer has closed the connection)",
        SocketError.NotConnected => "connection closed",
        SocketError.TimedOut => "timed out",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.NetworkDown => "network down",
        SocketError.AddressAlreadyInUse => "address in use",
        SocketError.AccessDenied => "permission denied",
        SocketError.AddressNotAvailable => "address not available on this machine",
        SocketError.AddressFamilyNotSupported => "address family not supported",
        SocketError.TooManyOpenSockets => "too many open files",
        SocketError.NoBufferSpaceAvailable => "no buffer space available",
        SocketError.HostNotFound or SocketError.NoData => "name not known",
        SocketError.TryAgain => "name lookup failed temporarily",
        _ => e.Message.ToLowerInvariant().TrimEnd('.'),
    };
}
