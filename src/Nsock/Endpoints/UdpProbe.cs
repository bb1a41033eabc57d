using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Nsock.Endpoints;

/// <summary>
/// UDP probes, honest about what UDP can tell: one datagram (empty, or the probe data given) to
/// each port; a reply means open, an ICMP port unreachable closed, and silence until the timeout
/// open|filtered — never plain open. No bytes are sent that the user did not ask for.
/// </summary>
internal static class UdpProbe
{
    private const int MaxReply = 65536;

    public static Task<ProbeOutcome[]> RunAsync(IReadOnlyList<IPEndPoint> attempts, byte[] data, TimeSpan timeout, int parallel, CancellationToken ct) =>
        ProbeOutcomes.EachAsync(attempts, parallel, (target, token) => ProbeAsync(target, data, timeout, token), ct);

    private static async Task<ProbeState> ProbeAsync(IPEndPoint target, byte[] data, TimeSpan timeout, CancellationToken ct)
    {
        using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            // Connected, so the kernel reports the port unreachable message to this socket.
            await socket.ConnectAsync(target, limit.Token).ConfigureAwait(false);
            await socket.SendAsync(data, SocketFlags.None, limit.Token).ConfigureAwait(false);
            // Room for any reply: a short read is an error on Windows (WSAEMSGSIZE), and under
            // Wine that error, completing an overlapped receive, crashed the runtime.
            var reply = ArrayPool<byte>.Shared.Rent(MaxReply);
            try
            {
                await socket.ReceiveAsync(reply.AsMemory(0, MaxReply), SocketFlags.None, limit.Token).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(reply);
            }

            return ProbeState.Open;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ProbeState.OpenFiltered;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused or SocketError.ConnectionReset => ProbeState.Closed,
                SocketError.MessageSize => ProbeState.Open, // a reply longer than the byte read of it
                _ => ProbeState.Unreachable,
            };
        }
    }
}
