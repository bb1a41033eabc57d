using System.Diagnostics;

namespace Nsock.EndToEnd;

/// <summary>
/// nsock started inside a network namespace of its own (<c>unshare -n</c>, lo up), so a test
/// can make links, addresses and routes there (<see cref="RunAsync"/>, through <c>nsenter</c>)
/// without touching the machine's network. Skipped, with the reason, where namespaces cannot
/// be made (not root); CI runs as root and makes them.
/// </summary>
internal static class NetlinkNamespace
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    public static RunningProcess StartNsock(params string[] args)
    {
        ToolPlatform.Needs(Need.NetworkNamespace);
        if (!Posix.IsRoot)
        {
            Assert.Skip("a private network namespace (unshare -n) needs root; CI runs as root");
        }

        return RunningProcess.Start("unshare", ["-n", "sh", "-c", "ip link set lo up && exec \"$0\" \"$@\"", NsockTool.Path, .. args]);
    }

    /// <summary>Runs <c>ip ARGS</c> (or, with <paramref name="batch"/>, <c>ip -batch -</c> fed those lines) in <paramref name="nsock"/>'s namespace.</summary>
    /// <param name="ignoreFailure">For a change racing nsock's exit (the namespace goes with it).</param>
    public static async Task IpAsync(RunningProcess nsock, string args, string? batch = null, bool ignoreFailure = false)
    {
        using var process = Process.Start(new ProcessStartInfo("nsenter", [$"--net=/proc/{nsock.ProcessId}/ns/net", "sh", "-c", "exec ip " + args])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        if (batch is not null)
        {
            await process.StandardInput.WriteAsync(batch);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Wait);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0 || ignoreFailure, $"ip {args} exited {process.ExitCode}: {await stderr}");
    }
}
