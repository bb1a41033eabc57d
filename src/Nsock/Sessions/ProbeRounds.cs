using System.Net;
using Nsock.Endpoints;
using Nsock.Platform;

namespace Nsock.Sessions;

/// <summary>
/// One round of probes per family, over targets resolved once beforehand (a name that does not
/// resolve fails at once, exit 3): every port of every target, the records in target and port
/// order. A name with several addresses is open on a port when any of them accepts.
/// </summary>
internal static class ProbeRounds
{
    /// <summary>The default number of probes in flight, kept within the descriptors nsock may still open.</summary>
    public static int Parallel(int? asked)
    {
        var wanted = asked ?? 256;
        return DescriptorBudget.Now() is var (limit, open) ? Math.Clamp(limit - open - DescriptorBudget.Headroom, 1, wanted) : wanted;
    }

    public static Task<Func<CancellationToken, Task<ProbeRecord[]>>> TcpAsync(
        IReadOnlyList<(string Host, int[] Ports)> targets, IpFamily family, TimeSpan timeout, int parallel, CancellationToken ct) =>
        NetworkAsync(targets, family, "tcp", (attempts, token) => TcpProbe.RunAsync(attempts, timeout, parallel, token), ct);

    public static Task<Func<CancellationToken, Task<ProbeRecord[]>>> UdpAsync(
        IReadOnlyList<(string Host, int[] Ports)> targets, IpFamily family, byte[] data, TimeSpan timeout, int parallel, CancellationToken ct) =>
        NetworkAsync(targets, family, "udp", (attempts, token) => UdpProbe.RunAsync(attempts, data, timeout, parallel, token), ct);

    /// <summary>Unix paths (or @names), stream or datagram: one probe each, all at once.</summary>
    public static Func<CancellationToken, Task<ProbeRecord[]>> Unix(IReadOnlyList<UnixPath> paths, bool datagram, TimeSpan timeout) => async token =>
    {
        var outcomes = await Task.WhenAll(paths.Select(p => UnixProbe.RunAsync(p, datagram, timeout, token))).ConfigureAwait(false);
        return [.. paths.Select((p, i) => new ProbeRecord(p.Text, p.Text, null, datagram ? "unix-dgram" : "unix", outcomes[i].State, outcomes[i].Elapsed))];
    };

    private static async Task<Func<CancellationToken, Task<ProbeRecord[]>>> NetworkAsync(
        IReadOnlyList<(string Host, int[] Ports)> targets, IpFamily family, string protocol, Func<IReadOnlyList<IPEndPoint>, CancellationToken, Task<ProbeOutcome[]>> run, CancellationToken ct)
    {
        var resolved = new List<(string Host, IPAddress[] Addresses, int[] Ports)>();
        foreach (var (host, ports) in targets)
        {
            resolved.Add((host, await AddressResolver.ResolveAsync(host, family, ct).ConfigureAwait(false), ports));
        }

        return async token =>
        {
            var attempts = resolved.SelectMany(t => t.Ports.SelectMany(p => t.Addresses.Select(a => new IPEndPoint(a, p)))).ToList();
            var outcomes = await run(attempts, token).ConfigureAwait(false);
            var records = new List<ProbeRecord>();
            var next = 0;
            foreach (var (host, addresses, ports) in resolved)
            {
                foreach (var port in ports)
                {
                    var tried = outcomes.AsSpan(next, addresses.Length).ToArray();
                    var best = Enumerable.Range(0, tried.Length).MinBy(i => Rank(tried[i].State));
                    records.Add(new ProbeRecord(host, addresses[best].ToString(), port, protocol, tried[best].State, tried[best].Elapsed));
                    next += addresses.Length;
                }
            }

            return [.. records];
        };
    }

    // Which of several addresses' outcomes speaks for the port: one that accepted, else a clear no, else silence.
    private static int Rank(ProbeState state) => state switch
    {
        ProbeState.Open => 0,
        ProbeState.OpenFiltered => 1,
        ProbeState.Closed => 2,
        ProbeState.Unreachable => 3,
        _ => 4,
    };
}
