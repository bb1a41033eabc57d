using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Nsock.Commands;
using Nsock.Endpoints;
using Nsock.Terminal;

namespace Nsock.Sessions;

/// <summary>One thing to probe as the user gave it: a host and its ports, or a unix path.</summary>
/// <param name="Given">The host or path as typed (records name it so).</param>
internal sealed record ProbeTarget(string Given, int[] Ports);

/// <summary>How a probe run goes: what counts as done, how long to try, what to print.</summary>
/// <param name="Format">null (nothing on stdout), "line" or "json".</param>
/// <param name="Wait">Probe again until the condition holds or this long has passed.</param>
/// <param name="Then">A command to run with nsock's stdio once the condition holds (wait-for-it).</param>
internal sealed record ProbeSettings(
    string Protocol, TimeSpan Timeout, string? Format, bool OpenOnly, bool Any, bool UntilClosed, TimeSpan? Wait, string[] Then);

/// <summary>One probed port (or path) and what was found, in the order of the targets and ports.</summary>
internal sealed record ProbeRecord(string Target, string Address, int? Port, string Protocol, ProbeState State, TimeSpan Elapsed);

/// <summary>
/// <c>-z</c>: probes targets (resolved once, at the start), prints what it found, and turns it into
/// an exit code: 0 every port open (open|filtered counts), 1 any closed, refused or missing, 4 when
/// only timeouts failed; with --any, 0 when one is open; with --wait, again and again until the
/// condition holds (never more than 50 ms between rounds) or the deadline passes (4).
/// </summary>
internal static class PortProbe
{
    // Between rounds of --wait: 5 ms at first, doubling, never more than 50 ms.
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(50);

    /// <param name="probe">Runs one round over every target; the records in target and port order.</param>
    public static async Task<int> RunAsync(Func<CancellationToken, Task<ProbeRecord[]>> probe, ProbeSettings settings, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var deadline = settings.Wait;
        var pause = FirstPause;
        ProbeRecord[] records;
        while (true)
        {
            records = await probe(ct).ConfigureAwait(false);
            if (deadline is null || Holds(records, settings) || clock.Elapsed >= deadline)
            {
                break;
            }

            var left = deadline.Value - clock.Elapsed;
            await Task.Delay(left < pause ? left : pause, ct).ConfigureAwait(false);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }

        await ReportAsync(records, settings, clock.Elapsed, ct).ConfigureAwait(false);
        var code = ExitCode(records, settings);
        if (deadline is not null && code != ExitCodes.Success)
        {
            var still = records.Where(r => settings.UntilClosed ? r.State.CountsAsOpen() : !r.State.CountsAsOpen()).Select(Name).ToArray();
            throw new NsockException(ExitCodes.Timeout, "wait", $"after {deadline.Value.TotalSeconds:0.###} s still {(settings.UntilClosed ? "open" : "not open")}: {string.Join(", ", still.Take(10))}{(still.Length > 10 ? $" and {still.Length - 10} more" : "")}");
        }

        return code == ExitCodes.Success && settings.Then.Length > 0 ? await RunThenAsync(settings.Then, ct).ConfigureAwait(false) : code;
    }

    private static bool Holds(ProbeRecord[] records, ProbeSettings settings) => ExitCode(records, settings) == ExitCodes.Success;

    private static int ExitCode(ProbeRecord[] records, ProbeSettings settings)
    {
        if (settings.UntilClosed)
        {
            return records.Any(r => r.State.CountsAsOpen()) ? ExitCodes.Network : ExitCodes.Success;
        }

        if (settings.Any ? records.Any(r => r.State.CountsAsOpen()) : records.All(r => r.State.CountsAsOpen()))
        {
            return ExitCodes.Success;
        }

        return records.All(r => r.State is ProbeState.TimedOut || r.State.CountsAsOpen()) ? ExitCodes.Timeout : ExitCodes.Network;
    }

    private static async Task ReportAsync(ProbeRecord[] records, ProbeSettings settings, TimeSpan took, CancellationToken ct)
    {
        if (settings.Format is { } format)
        {
            var text = new StringBuilder();
            foreach (var record in records.Where(r => !settings.OpenOnly || r.State.CountsAsOpen()))
            {
                text.Append(format == "json" ? Json(record) : Line(record)).Append('\n');
            }

            await StandardOutput.WriteAsync(text.ToString(), ct).ConfigureAwait(false);
        }

        if (!Log.Verbose)
        {
            return;
        }

        foreach (var record in records.Where(r => records.Length == 1 || r.State.CountsAsOpen()))
        {
            var word = record.State.CountsAsOpen() ? Colour.Green(record.State.Word()) : Colour.Red(record.State.Word());
            Stderr.WriteLine($"{SafeText.Escape(Name(record))} {word} ({record.Elapsed.TotalMilliseconds:0.##} ms)");
        }

        // "3 open, 1021 closed, 0 timed out", then any other state found.
        var counts = string.Join(", ", new[] { ProbeState.Open, ProbeState.Closed, ProbeState.TimedOut }
            .Concat(records.Select(r => r.State).Distinct().Order().Where(s => s is not (ProbeState.Open or ProbeState.Closed or ProbeState.TimedOut)))
            .Select(state => $"{records.Count(r => r.State == state)} {state.Word()}"));
        Stderr.WriteLine($"{counts} in {took.TotalSeconds:0.00} s");
    }

    private static string Name(ProbeRecord r) => r.Port is { } port ? $"{r.Target} {port}/{r.Protocol}" : r.Target;

    // Fields separated by spaces, the state last (it may hold spaces): target address port protocol ms state.
    private static string Line(ProbeRecord r) => string.Join(' ', SafeText.Escape(r.Target), SafeText.Escape(r.Address), r.Port?.ToString(CultureInfo.InvariantCulture) ?? "-", r.Protocol, Ms(r), r.State.Word());

    private static string Json(ProbeRecord r) =>
        $"{{\"target\":{JsonString(r.Target)},\"address\":{JsonString(r.Address)},\"port\":{r.Port?.ToString(CultureInfo.InvariantCulture) ?? "null"},\"protocol\":\"{r.Protocol}\",\"state\":\"{r.State.Word()}\",\"ms\":{Ms(r)}}}";

    private static string Ms(ProbeRecord r) => r.Elapsed.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static string JsonString(string text)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStringValue(text);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // After a successful wait: the command runs with nsock's stdin, stdout and stderr; its exit code is nsock's.
    private static async Task<int> RunThenAsync(string[] command, CancellationToken ct)
    {
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new NsockException(127, command[0], e.Message.TrimEnd('.').ToLowerInvariant());
        }

        using (process)
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            return process.ExitCode;
        }
    }
}
