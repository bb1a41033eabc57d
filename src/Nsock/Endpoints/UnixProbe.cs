using System.Diagnostics;
using System.Net.Sockets;
using Nsock.Platform;

namespace Nsock.Endpoints;

/// <summary>
/// Unix socket probes: a connect and a close, as little as any client does (a live single-client
/// server sees one connection). Before connecting, the path is looked at: missing, or not a socket
/// (never touched then); after, refused means a stale socket file nobody listens on.
/// </summary>
internal static class UnixProbe
{
    public static async Task<ProbeOutcome> RunAsync(UnixPath path, bool datagram, TimeSpan timeout, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var state = await ProbeAsync(path, datagram, timeout, ct).ConfigureAwait(false);
        return new ProbeOutcome(state, Stopwatch.GetElapsedTime(start));
    }

    private static async Task<ProbeState> ProbeAsync(UnixPath path, bool datagram, TimeSpan timeout, CancellationToken ct)
    {
        if (!path.IsAbstract)
        {
            switch (FileKind.Read(path.Text, followLinks: true).Kind)
            {
                case FileKindValue.Missing or FileKindValue.NoDirectory or FileKindValue.NotDirectory:
                    return ProbeState.Missing;
                case FileKindValue.NoAccess:
                    return ProbeState.Denied;
                case not FileKindValue.Socket:
                    return ProbeState.NotASocket;
            }
        }

        using var socket = Unix.NewSocket(path, datagram ? SocketType.Dgram : SocketType.Stream);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(path.EndPoint, limit.Token).ConfigureAwait(false);
            return ProbeState.Open;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ProbeState.TimedOut; // a listener whose backlog is full
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => path.IsAbstract ? ProbeState.Missing : ProbeState.Refused,
                SocketError.AccessDenied => ProbeState.Denied,
                SocketError.AddressNotAvailable => ProbeState.Missing,
                _ => ProbeState.Unreachable,
            };
        }
    }
}
