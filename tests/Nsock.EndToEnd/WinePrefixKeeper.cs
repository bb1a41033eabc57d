[assembly: AssemblyFixture(typeof(Nsock.EndToEnd.WinePrefixKeeper))]

namespace Nsock.EndToEnd;

/// <summary>
/// Keeps one idle Wine program (cmd.exe reading a stdin that never ends) alive in the Windows
/// build's prefix for the whole run, started with stdout and stderr on /dev/null.
/// Why: Wine's service processes (services.exe, explorer.exe /desktop, rpcss.exe, ...) are started
/// by whichever Wine program needs them first and inherit its unix stderr. Started by a test's
/// nsock, they hold that test's stderr pipe open after nsock exits, so the test waits for an EOF
/// that comes only when they end (explorer when the last program on its desktop ends, services
/// only with the wineserver): under load that was past the test's deadline (docs/platforms.md).
/// With the keeper they are started with /dev/null and never restarted while the tests run.
/// </summary>
public sealed class WinePrefixKeeper : IAsyncLifetime
{
    private RunningProcess? _keeper;

    public async ValueTask InitializeAsync()
    {
        if (WineLauncher() is not { } wine)
        {
            return;
        }

        _keeper = RunningProcess.Start("sh", ["-c", "exec \"$0\" cmd.exe >/dev/null 2>&1", wine]);
        _keeper.EndedWithTheRun = false; // it ends at EOF, below, after the tests' own processes

        // One program run to its end, also with /dev/null, so the services are up before any test starts.
        await using var warmUp = RunningProcess.Start("sh", ["-c", "exec \"$0\" cmd.exe /c exit </dev/null >/dev/null 2>&1", wine]);
        await warmUp.WaitForExitAsync(TimeSpan.FromSeconds(120));
    }

    public async ValueTask DisposeAsync()
    {
        if (_keeper is not null)
        {
            await _keeper.CloseStdinAsync(); // cmd.exe ends at EOF; the wineserver follows a few seconds later
            try
            {
                await _keeper.WaitForExitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
            }

            await _keeper.DisposeAsync();
        }
    }

    /// <summary>
    /// build.sh's <c>artifacts/win/wine</c> (wine in the prefix of the Windows build), beside the
    /// Windows build this run uses: as the tool under test, or crossed with the Linux build.
    /// </summary>
    private static string? WineLauncher()
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var windowsTool = ToolPlatform.IsWindowsBuild ? NsockTool.Path : WindowsBuildTests.ToolPath;
        var wine = Path.Combine(Path.GetDirectoryName(windowsTool)!, "wine");
        return File.Exists(windowsTool) && File.Exists(wine) ? wine : null;
    }
}
