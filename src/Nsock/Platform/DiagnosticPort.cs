namespace Nsock.Platform;

/// <summary>
/// At start the framework-dependent runtime makes three files in $TMPDIR through which any
/// process of the same user can attach to it, dump its memory or trace it: the diagnostic port
/// (<c>dotnet-diagnostic-PID-STARTTIME-socket</c>) and the debugger's two pipes
/// (<c>clr-debug-pipe-PID-STARTTIME-in</c>, <c>-out</c>). nsock has no use for them, and a signal
/// or a crash leaves them behind. They can only be turned off before the runtime starts
/// (DOTNET_EnableDiagnostics=0), so nsock removes the names as it starts: nobody can reach them,
/// nothing is left. Native AOT builds make none of them.
/// </summary>
internal static class DiagnosticPort
{
    public static void Close()
    {
        if (!OperatingSystem.IsLinux() || !HostedRuntime.IsHosted || StartTime() is not { } start)
        {
            return;
        }

        var key = $"{Environment.ProcessId}-{start}";
        foreach (var name in (string[])[$"dotnet-diagnostic-{key}-socket", $"clr-debug-pipe-{key}-in", $"clr-debug-pipe-{key}-out"])
        {
            try
            {
                File.Delete(Path.Combine(Path.GetTempPath(), name));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    // Field 22 of /proc/self/stat, the process's start time in clock ticks: the runtime's key.
    private static string? StartTime()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields[19] : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
