using System.Runtime.Versioning;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Nsock.Platform;

namespace Nsock.Endpoints;

/// <summary>
/// TCP probes: connect and close without sending a byte (the peer sees a connection and then an
/// orderly close, a FIN). On Linux many non-blocking connects are in flight at once under one
/// poll(2), so a loopback range costs three system calls a port; elsewhere each probe is a runtime
/// socket. Results come back in the order of the attempts, however they finish.
/// </summary>
internal static class TcpProbe
{
    public static async Task<ProbeOutcome[]> RunAsync(IReadOnlyList<IPEndPoint> attempts, TimeSpan timeout, int parallel, CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux())
        {
            return await WithSocketsAsync(attempts, timeout, parallel, ct).ConfigureAwait(false);
        }

        return await WithPollsAsync(attempts, timeout, parallel, ct).ConfigureAwait(false);
    }

    // One poll loop per CPU over its own share of the attempts: a loopback range is bound by
    // system calls, and they run in parallel.
    [SupportedOSPlatform("linux")]
    private static async Task<ProbeOutcome[]> WithPollsAsync(IReadOnlyList<IPEndPoint> attempts, TimeSpan timeout, int parallel, CancellationToken ct)
    {
        var results = new ProbeOutcome[attempts.Count];
        var workers = Math.Clamp(Math.Min(Environment.ProcessorCount, attempts.Count / 1024), 1, Math.Max(1, parallel));
        var share = (attempts.Count + workers - 1) / workers;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Factory.StartNew(
            () => WithPoll(attempts, w * share, Math.Min(attempts.Count, (w + 1) * share), results, timeout, Math.Max(1, parallel / workers), ct),
            ct,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default))).ConfigureAwait(false);
        return results;
    }

    [SupportedOSPlatform("linux")]
    private static void WithPoll(IReadOnlyList<IPEndPoint> attempts, int from, int to, ProbeOutcome[] results, TimeSpan timeout, int parallel, CancellationToken ct)
    {
        const int SockStream = 1, SockNonblock = 0x800, SockCloexec = 0x80000, EInProgress = 115;
        var pending = new List<(int Index, int Fd, long Start)>(parallel);
        var polls = new Libc.PollFd[parallel];
        var limit = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var next = from;
        try
        {
            while (next < to || pending.Count > 0)
            {
                ct.ThrowIfCancellationRequested();
                while (next < to && pending.Count < parallel)
                {
                    var target = attempts[next];
                    var start = Stopwatch.GetTimestamp();
                    var fd = Libc.Socket(target.AddressFamily == AddressFamily.InterNetworkV6 ? 10 : 2, SockStream | SockNonblock | SockCloexec, 0);
                    if (fd < 0)
                    {
                        var errno = Errno.Last;
                        if (errno is Errno.EMFILE or Errno.ENFILE && pending.Count > 0)
                        {
                            break; // out of descriptors: wait for some in flight to finish
                        }

                        throw errno is Errno.EMFILE or Errno.ENFILE
                            ? new NsockException(ExitCodes.LocalResource, "descriptors", "too many open files")
                            : new NsockException(ExitCodes.LocalResource, "socket", $"cannot make a socket (errno {errno})");
                    }

                    var address = Sockaddr(target);
                    var result = Libc.Connect(fd, address, address.Length) == 0 ? 0 : Errno.Last;
                    next++;
                    if (result == EInProgress)
                    {
                        pending.Add((next - 1, fd, start));
                        continue;
                    }

                    results[next - 1] = new ProbeOutcome(result == 0 ? Accepted(fd, address) : StateOf(result), Stopwatch.GetElapsedTime(start));
                    Libc.Close(fd);
                }

                if (pending.Count == 0)
                {
                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                var soonest = pending.Min(p => p.Start) + limit;
                var waitMs = (int)Math.Clamp((soonest - now) * 1000 / Stopwatch.Frequency + 1, 0, 50); // at most 50 ms: cancellation is noticed
                for (var i = 0; i < pending.Count; i++)
                {
                    polls[i] = new Libc.PollFd { Fd = pending[i].Fd, Events = Libc.PollOut };
                }

                Libc.Poll(polls.AsSpan(0, pending.Count), (nuint)pending.Count, waitMs);
                now = Stopwatch.GetTimestamp();
                for (var i = pending.Count - 1; i >= 0; i--)
                {
                    var (index, fd, start) = pending[i];
                    var events = polls[i].Revents;
                    ProbeState? state = (events & Libc.PollErr) != 0 ? StateOf(Libc.SocketError(fd))
                        : events != 0 ? Accepted(fd, Sockaddr(attempts[index]))
                        : now - start >= limit ? ProbeState.TimedOut
                        : null;
                    if (state is { } done)
                    {
                        Libc.Close(fd);
                        results[index] = new ProbeOutcome(done, Stopwatch.GetElapsedTime(start, now));
                        pending.RemoveAt(i);
                    }
                }
            }
        }
        finally
        {
            foreach (var (_, fd, _) in pending)
            {
                Libc.Close(fd);
            }
        }
    }

    private static Task<ProbeOutcome[]> WithSocketsAsync(IReadOnlyList<IPEndPoint> attempts, TimeSpan timeout, int parallel, CancellationToken ct) =>
        ProbeOutcomes.EachAsync(attempts, parallel, (target, token) => ConnectAsync(target, timeout, token), ct);

    private static async Task<ProbeState> ConnectAsync(IPEndPoint target, TimeSpan timeout, CancellationToken ct)
    {
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(target, limit.Token).ConfigureAwait(false);
            return target.Equals(socket.LocalEndPoint) ? ProbeState.Closed : ProbeState.Open; // met itself: see Accepted
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ProbeState.TimedOut;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => ProbeState.Closed,
                SocketError.TimedOut => ProbeState.TimedOut,
                _ => ProbeState.Unreachable,
            };
        }
    }

    private static ReadOnlySpan<byte> Sockaddr(IPEndPoint target) => target.Serialize().Buffer.Span;

    // A connect to a local port nobody listens on can meet itself: when the kernel picks the very
    // port as the source, TCP's simultaneous open connects the socket to itself. That is no server.
    [SupportedOSPlatform("linux")]
    private static ProbeState Accepted(int fd, ReadOnlySpan<byte> wanted)
    {
        Span<byte> local = stackalloc byte[128];
        var length = local.Length;
        return Libc.GetSockName(fd, local, ref length) == 0 && length == wanted.Length && SamePlace(local[..length], wanted)
            ? ProbeState.Closed
            : ProbeState.Open;
    }

    // Family, port and address; an IPv6 sockaddr's flow label (bytes 4-7) is not a place.
    private static bool SamePlace(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        a.Length >= 24 ? a[..4].SequenceEqual(b[..4]) && a[8..24].SequenceEqual(b[8..24]) : a[..8].SequenceEqual(b[..8]);

    // Linux errno of a finished connect.
    private static ProbeState StateOf(int errno) => errno switch
    {
        0 => ProbeState.Open,
        111 => ProbeState.Closed, // ECONNREFUSED
        110 => ProbeState.TimedOut, // ETIMEDOUT
        _ => ProbeState.Unreachable,
    };
}
