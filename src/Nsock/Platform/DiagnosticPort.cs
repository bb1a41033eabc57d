using System.Runtime.CompilerServices;

namespace Nsock.Platform;

/// <summary>
/// The framework-dependent runtime opens a diagnostic port at start, a socket file named
/// <c>$TMPDIR/dotnet-diagnostic-PID-STARTTIME-socket</c> through which any process of the same
/// user can attach, dump memory or trace; nsock has no use for it, and a signal or a crash leaves
/// it behind. It can only be turned off before the runtime starts (DOTNET_EnableDiagnostics=0),
/// so nsock removes the file as it starts: nobody can reach the port by name, nothing is left.
/// Native AOT builds have no such port.
/// </summary>
internal static class DiagnosticPort
{
    public static void Close()
    {
        if (!OperatingSystem.IsLinux() || !RuntimeFeature.IsDynamicCodeSupported || StartTime() is not { } start)
        {
            return;
        }

        var path = Path.Combine(Path.GetTempPath(), $"dotnet-diagnostic-{Environment.ProcessId}-{start}-socket");
        if (FileKind.Of(path) == FileKindValue.Socket)
        {
            try
            {
                File.Delete(path);
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
