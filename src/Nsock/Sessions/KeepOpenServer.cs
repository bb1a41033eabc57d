using System.Net.Sockets;
using Nsock.Endpoints;
using Nsock.Platform;
using Nsock.Relay;
using Nsock.Terminal;

namespace Nsock.Sessions;

/// <summary>
/// -k: accepts clients until cancelled and serves each concurrently with <c>serve</c>. Beyond
/// --max-conns a client is accepted and closed at once, so it learns it was turned away
/// instead of waiting in the backlog. Beyond what the descriptor limit allows (see
/// <see cref="DescriptorBudget"/>) clients are not accepted but wait in the backlog until one
/// leaves. One client's failure never ends the server. Each client holds a slot; <c>serve</c>
/// may give it back early (before it reports the client closed), so whoever saw that report can
/// connect again at once.
/// </summary>
internal sealed class KeepOpenServer(IStreamListener listener, int? maxConns, Func<IConnection, IDisposable, CancellationToken, Task> serve)
{
    private readonly TaskCompletionSource _allServed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MemoryTrim _trim = new();
    private int _active;
    private int _running = 1; // the loop itself, and each client being served

    public async Task RunAsync(CancellationToken ct)
    {
        RuntimeWarmup.BeforeServing();
        using var room = DescriptorRoom();
        try
        {
            while (true)
            {
                if (room is not null)
                {
                    await room.WaitAsync(ct).ConfigureAwait(false);
                }

                IConnection client;
                try
                {
                    client = await listener.AcceptAsync(ct).ConfigureAwait(false);
                }
                catch (SocketException e) when (IsTransient(e.SocketErrorCode))
                {
                    room?.Release();
                    Log.Warn("accept", SocketFailure.Describe(e));
                    if (e.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
                    {
                        // Out of descriptors: the client stays queued, so retrying at once would spin.
                        await Task.Delay(TimeSpan.FromMilliseconds(100), ct).ConfigureAwait(false);
                    }

                    continue;
                }

                if (maxConns is { } max && Volatile.Read(ref _active) >= max)
                {
                    Log.Warn(client.Peer, $"closed at once: --max-conns {max} reached");
                    client.Dispose();
                    room?.Release();
                    continue;
                }

                Interlocked.Increment(ref _running);
                _ = ServeOneAsync(client, room, ct);
            }
        }
        finally
        {
            // Every client's session ends with the loop's token; wait until all have.
            OneLessRunning();
            await _allServed.Task.ConfigureAwait(false);
            _trim.Dispose();
        }
    }

    private void OneLessRunning()
    {
        if (Interlocked.Decrement(ref _running) == 0)
        {
            _allServed.TrySetResult();
        }
    }

    // Never throws: whatever becomes of a client, the loop and the others go on.
    private async Task ServeOneAsync(IConnection client, SemaphoreSlim? room, CancellationToken ct)
    {
        var slot = new Slot(this);
        await Task.Yield(); // the accept loop goes on while this client is served
        try
        {
            using (slot)
            using (client)
            {
                await serve(client, slot, ct).ConfigureAwait(false);
            }
        }
        catch (NsockException e)
        {
            Log.Warn(e.What, e.Why);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (SocketException e)
        {
            Log.Warn(client.Peer, SocketFailure.Describe(e));
        }
        catch (Exception e)
        {
            // A fault of ours, or the runtime's out of resources: it ends this client, not the server.
            Stderr.Error(client.Peer, $"internal error: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            room?.Release();
            OneLessRunning();
        }
    }

    // Room for as many clients as the descriptor limit leaves; null where there is no such limit.
    private static SemaphoreSlim? DescriptorRoom()
    {
        if (DescriptorBudget.Now() is not var (limit, open))
        {
            return null;
        }

        var fit = limit - open - DescriptorBudget.Headroom;
        if (fit < 1)
        {
            throw new NsockException(ExitCodes.LocalResource, "descriptors", $"too few file descriptors to serve anyone: {open} of {limit} are in use already (ulimit -n {limit}" + (HostedRuntime.IsHosted ? "; the framework-dependent runtime alone holds about 60)" : ")"));
        }

        if (fit < 16)
        {
            Log.Warn("descriptors", $"room for {fit} client(s) at once (ulimit -n {limit}); more wait in the backlog");
        }

        return new SemaphoreSlim(fit);
    }

    // Errors that concern one would-be client or a passing shortage, not the listener.
    private static bool IsTransient(SocketError error) => error is SocketError.ConnectionAborted
        or SocketError.ConnectionReset or SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable
        or SocketError.Interrupted or SocketError.TryAgain;

    private sealed class Slot : IDisposable
    {
        private KeepOpenServer? _owner;

        public Slot(KeepOpenServer owner)
        {
            _owner = owner;
            if (Interlocked.Increment(ref owner._active) == 1)
            {
                owner._trim.SomeoneConnected();
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _owner, null) is { } owner && Interlocked.Decrement(ref owner._active) == 0)
            {
                owner._trim.NobodyConnected();
            }
        }
    }
}
