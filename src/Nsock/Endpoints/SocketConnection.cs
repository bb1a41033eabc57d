using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Nsock.Relay;

namespace Nsock.Endpoints;

/// <summary>
/// A connected stream socket of any family (TCP, unix) as a connection: the fast path, with a
/// zero-byte receive to wait for data so an idle connection holds no buffer.
/// </summary>
internal sealed class SocketConnection(Socket socket, string peer) : IConnection
{
    public string Peer => peer;

    public bool CanWaitReadable => true;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public ValueTask<int> WaitReadableAsync(CancellationToken ct) => socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, ct);

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct) => socket.ReceiveAsync(buffer, SocketFlags.None, ct);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        // The common case, a send that completes at once and whole, costs no state machine.
        var sending = socket.SendAsync(data, SocketFlags.None, ct);
        if (!sending.IsCompletedSuccessfully)
        {
            return WriteRestAsync(sending, data, ct);
        }

        var sent = sending.Result; // read once: the operation behind it is reused afterwards
        return sent == data.Length ? ValueTask.CompletedTask : WriteRestAsync(new ValueTask<int>(0), data[sent..], ct);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteRestAsync(ValueTask<int> sending, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        data = data[await sending.ConfigureAwait(false)..];
        while (!data.IsEmpty)
        {
            data = data[await socket.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false)..];
        }
    }

    public void CloseWrite()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The peer has already gone; its reader needs no FIN.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public System.Runtime.InteropServices.SafeHandle Descriptor => socket.SafeHandle;

    public Exception Explain(Exception failure) => failure is SocketException e ? SocketFailure.From(e, peer) : failure;

    public void Dispose() => socket.Dispose();
}
