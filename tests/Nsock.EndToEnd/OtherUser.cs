namespace Nsock.EndToEnd;

/// <summary>
/// Another local user, for real: python3 run as nobody (uid and gid 65534, no groups, no
/// capabilities) through setpriv. Only root can switch; tests that need it skip otherwise.
/// </summary>
internal static class OtherUser
{
    public const int Uid = 65534;

    public static RunningProcess Python(string script, params string[] args)
    {
        ToolPlatform.Needs(Need.OtherUser);
        return RunningProcess.Start("setpriv", ["--reuid", $"{Uid}", "--regid", $"{Uid}", "--clear-groups", SystemPython, "-c", script, .. args]);
    }

    // The python3 on PATH may live where nobody cannot go (pyenv under /root): use the system's.
    private static string SystemPython =>
        new[] { "/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("no system python3 (/usr/bin/python3) for the other user: ./build.sh test installs it as root");

    public static RunningProcess Nsock(params string[] args)
    {
        ToolPlatform.Needs(Need.OtherUser);
        return RunningProcess.Start("setpriv", ["--reuid", $"{Uid}", "--regid", $"{Uid}", "--clear-groups", NsockTool.Path, .. args]);
    }
}
