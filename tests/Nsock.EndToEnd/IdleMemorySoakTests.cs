using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Nsock.EndToEnd;

/// <summary>The soak test runs alone, after the parallel tests: it is a measurement, and it opens 5,000 sockets.</summary>
[CollectionDefinition(nameof(IdleMemorySoakTests), DisableParallelization = true)]
public sealed class IdleMemorySoakCollection;

/// <summary>
/// Soak: many idle -k clients while stdin stays open. An idle client must hold no relay buffer
/// in either direction, and the memory its connection took must come back after it leaves.
/// Three cycles of 5,000 clients connecting, idling and closing; nsock's resident memory
/// (VmRSS from /proc) is read after warm-up, with the clients connected and after they left.
/// </summary>
[Collection(nameof(IdleMemorySoakTests))]
public sealed partial class IdleMemorySoakTests
{
    private const int Clients = 5_000;
    private const int Cycles = 3;

    /// <summary>
    /// What one idle client may cost nsock: its anonymous resident memory (heap, stacks; not the
    /// file-backed code pages every process shares) with the clients, less that at the cycle's
    /// start, per client. Memory kept from earlier cycles is the return check's business.
    /// </summary>
    private const long PerClientLimit = 4 * 1024;

    /// <summary>
    /// How far above the baseline nsock's anonymous memory may stay once the clients of a cycle
    /// have gone (checked after the last cycle). Not zero: thread-pool threads the bursts started
    /// keep their stacks, glibc keeps some of its arenas, the GC some bookkeeping. Measured here
    /// (anon baseline about 4 MB): a server that gives memory back stays 2–4 MB above it; one
    /// that keeps what it once held (the build before the fix), 40–500 MB.
    /// </summary>
    private const long ReturnSlack = 12L * 1024 * 1024;

    /// <summary>nsock's listen backlog here, and how the test paces its clients to stay under it.</summary>
    private const int Backlog = 1024;
    private const int ConnectBatch = 256;
    private const int MaxUnaccepted = 512;

    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(50);
    private static readonly TimeSpan CycleStepWait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ReturnWait = TimeSpan.FromSeconds(3);

    // The test reads nsock's memory from /proc.
    public IdleMemorySoakTests() => ToolPlatform.Needs(Need.ProcFs);

    [Fact]
    public async Task Idle_keep_open_clients_with_stdin_open_cost_at_most_4_KB_each_and_their_memory_comes_back()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "reads nsock's memory from /proc");
        EnsureDescriptors(Clients + 1_000); // nsock inherits this limit too

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        budget.CancelAfter(Budget);
        var ct = budget.Token;
        var report = new StringBuilder();
        void Report(string line)
        {
            report.AppendLine(line);
            TestContext.Current.TestOutputHelper?.WriteLine(line);
        }

        // stdin is left open for the whole test: that is the case that held a buffer per client.
        await using var nsock = RunningProcess.Nsock("listen", "-k", "-v", "--backlog", Backlog.ToString(CultureInfo.InvariantCulture), "127.0.0.1", "0");
        var port = await nsock.WaitForListeningPortAsync();
        var memory = new ProcessMemory(nsock.ProcessId);
        var lines = new StderrCounter(nsock);

        // Warm-up: one client in and out, so code loaded on first use is not counted per client.
        using (await Loopback.ConnectAsync(port))
        {
            await lines.WaitForAsync(ConnectionFrom, 1, CycleStepWait, ct);
        }

        await lines.WaitForAsync(Closed, 1, CycleStepWait, ct);
        var baseline = await memory.SettledAsync(ct);
        Report($"nsock listen -k, stdin open, {Clients} idle clients x {Cycles} cycles");
        Report($"baseline (after one warm-up client): {baseline}");

        var perClient = new long[Cycles];
        var before = baseline;
        var final = baseline;
        try
        {
            for (var cycle = 0; cycle < Cycles; cycle++)
            {
                var started = DateTime.UtcNow;
                var sockets = await ConnectAllAsync(port, lines, 1 + cycle * Clients, ct);
                try
                {
                    var connected = DateTime.UtcNow - started;
                    await lines.WaitForAsync(ConnectionFrom, 1 + (cycle + 1) * Clients, CycleStepWait, ct);
                    var accepted = DateTime.UtcNow - started;
                    var withClients = await memory.SettledAsync(ct);
                    perClient[cycle] = (withClients.RssAnon - before.RssAnon) / Clients;
                    Report($"cycle {cycle + 1}: {Clients} clients connected in {connected.TotalSeconds:0.0} s, all accepted in {accepted.TotalSeconds:0.0} s; " +
                        $"with them: {withClients}; per client {perClient[cycle]} B of anonymous memory over the cycle's start ({(withClients.Rss - before.Rss) / Clients} B of VmRSS)");
                }
                finally
                {
                    foreach (var socket in sockets)
                    {
                        socket.Dispose(); // an orderly close: nsock reads EOF and reports "closed"
                    }
                }

                await lines.WaitForAsync(Closed, 1 + (cycle + 1) * Clients, CycleStepWait, ct);

                // Memory given back may take nsock a moment (a GC once the last client left): give
                // it that, bounded, before the next cycle, and take whatever is resident then.
                before = final = await memory.WaitForAnonAtMostAsync(baseline.RssAnon + ReturnSlack, ReturnWait, ct);
                Report($"cycle {cycle + 1}: all closed; after: {final}; anon {Mb(final.RssAnon - baseline.RssAnon)} above baseline (VmRSS {Mb(final.Rss - baseline.Rss)})");
            }
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"the soak took longer than {Budget.TotalSeconds} s:\n{report}stderr tail:\n{lines.Tail()}");
        }

        Report($"final: anon {Mb(final.RssAnon - baseline.RssAnon)} above baseline (allowed {Mb(ReturnSlack)}), VmRSS {Mb(final.Rss - baseline.Rss)} above, VmHWM {Mb(final.Hwm)}; " +
            $"per-client figures {string.Join(" / ", perClient)} B (allowed {PerClientLimit} B)");

        Assert.False(nsock.HasExited, $"nsock exited during the soak; stderr tail:\n{lines.Tail()}");
        Assert.True(
            perClient.All(b => b <= PerClientLimit),
            $"an idle client costs nsock more than {PerClientLimit} B in some cycle:\n{report}");
        Assert.True(
            final.RssAnon <= baseline.RssAnon + ReturnSlack,
            $"nsock kept {Mb(final.RssAnon - baseline.RssAnon)} of anonymous memory above its baseline after every client left (allowed {Mb(ReturnSlack)}):\n{report}");
    }

    private const string ConnectionFrom = "connection from ";
    private const string Closed = "closed ";

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    /// <summary>
    /// Opens <see cref="Clients"/> connections in concurrent batches, paced by nsock's "connection
    /// from" count so that its accept queue never holds more than <see cref="Backlog"/>: a full
    /// queue drops SYNs, and each dropped one costs its client a 1 s retransmit.
    /// </summary>
    private static async Task<Socket[]> ConnectAllAsync(int port, StderrCounter lines, int acceptedBefore, CancellationToken ct)
    {
        var sockets = new Socket[Clients];
        var target = new IPEndPoint(IPAddress.Loopback, port);
        try
        {
            for (var first = 0; first < Clients; first += ConnectBatch)
            {
                await lines.WaitForAsync(ConnectionFrom, acceptedBefore + first - MaxUnaccepted, CycleStepWait, ct);
                var batch = Enumerable.Range(first, Math.Min(ConnectBatch, Clients - first)).Select(async i =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    sockets[i] = socket;
                    await socket.ConnectAsync(target, ct);
                });
                await Task.WhenAll(batch);
            }
        }
        catch
        {
            foreach (var socket in sockets)
            {
                socket?.Dispose();
            }

            throw;
        }

        return sockets;
    }

    /// <summary>Raises this process's soft RLIMIT_NOFILE (which nsock inherits) to at least <paramref name="needed"/>.</summary>
    private static void EnsureDescriptors(ulong needed)
    {
        Assert.Equal(0, GetRLimit(RLimitNoFile, out var limit));
        if (limit.Current >= needed)
        {
            return;
        }

        Assert.True(limit.Maximum >= needed, $"the soak needs {needed} file descriptors; the hard limit is {limit.Maximum} (ulimit -Hn)");
        limit.Current = needed;
        Assert.Equal(0, SetRLimit(RLimitNoFile, in limit));
    }

    private const int RLimitNoFile = 7; // Linux

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);

    /// <summary>One reading of /proc/PID/status.</summary>
    private readonly record struct MemorySample(long Rss, long Hwm, long RssAnon, int Threads)
    {
        public override string ToString() => $"VmRSS {Mb(Rss)} (anon {Mb(RssAnon)}), VmHWM {Mb(Hwm)}, {Threads} threads";
    }

    /// <summary>nsock's resident memory as the kernel counts it.</summary>
    private sealed class ProcessMemory(int pid)
    {
        private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
        private const int MaxSamples = 20;
        private const long Steady = 256 * 1024;

        public MemorySample Read()
        {
            long rss = 0, hwm = 0, anon = 0;
            var threads = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = Kilobytes(line);
                }
                else if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                {
                    anon = Kilobytes(line);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
                }
            }

            return new MemorySample(rss, hwm, anon, threads);
        }

        /// <summary>
        /// RSS once it has stopped moving: two successive readings 100 ms apart within 256 KB,
        /// or the last of 2 s of readings. A measurement settling, not a wait for an event.
        /// </summary>
        public async Task<MemorySample> SettledAsync(CancellationToken ct)
        {
            var previous = Read();
            for (var i = 0; i < MaxSamples; i++)
            {
                await Task.Delay(Interval, ct);
                var now = Read();
                if (Math.Abs(now.Rss - previous.Rss) <= Steady)
                {
                    return now;
                }

                previous = now;
            }

            return previous;
        }

        /// <summary>Reads until RSS is at most <paramref name="limit"/> or <paramref name="timeout"/> passes; returns the last reading.</summary>
        public async Task<MemorySample> WaitForAnonAtMostAsync(long limit, TimeSpan timeout, CancellationToken ct)
        {
            var until = DateTime.UtcNow + timeout;
            var now = await SettledAsync(ct);
            while (now.RssAnon > limit && DateTime.UtcNow < until)
            {
                await Task.Delay(Interval, ct);
                now = Read();
            }

            return now;
        }

        private static long Kilobytes(string line) =>
            1024 * long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Counts nsock's -v lines by prefix, reading only the lines it has not seen yet.</summary>
    private sealed class StderrCounter(RunningProcess nsock)
    {
        private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
        private readonly Dictionary<string, int> _counts = [];
        private int _seen;

        public async Task WaitForAsync(string prefix, int count, TimeSpan timeout, CancellationToken ct)
        {
            var until = DateTime.UtcNow + timeout;
            while (Count(prefix) < count)
            {
                if (nsock.HasExited)
                {
                    Assert.Fail($"nsock exited with {Count(prefix)} of {count} '{prefix.Trim()}' lines; stderr tail:\n{Tail()}");
                }

                if (DateTime.UtcNow > until)
                {
                    Assert.Fail($"nsock printed {Count(prefix)} of {count} '{prefix.Trim()}' lines within {timeout.TotalSeconds} s; stderr tail:\n{Tail()}");
                }

                await Task.Delay(Poll, ct);
            }
        }

        /// <summary>The last lines that are neither connection nor close reports (warnings), else the last lines.</summary>
        public string Tail()
        {
            var all = nsock.StderrLines;
            var unusual = all.Where(l => !l.StartsWith(ConnectionFrom, StringComparison.Ordinal) && !l.StartsWith(Closed, StringComparison.Ordinal)).TakeLast(10).ToList();
            return string.Join("\n", unusual.Count > 1 ? unusual : all.TakeLast(10));
        }

        private int Count(string prefix)
        {
            var lines = nsock.StderrLines;
            for (; _seen < lines.Count; _seen++)
            {
                foreach (var known in (string[])[ConnectionFrom, Closed])
                {
                    if (lines[_seen].StartsWith(known, StringComparison.Ordinal))
                    {
                        _counts[known] = _counts.GetValueOrDefault(known) + 1;
                    }
                }
            }

            return _counts.GetValueOrDefault(prefix);
        }
    }
}
