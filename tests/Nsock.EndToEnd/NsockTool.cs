using System.Reflection;

namespace Nsock.EndToEnd;

/// <summary>Where the built tool is: the apphost next to nsock.dll of this configuration.</summary>
internal static class NsockTool
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Path { get; } = FindTool();

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "nsock.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("nsock.sln not found above " + AppContext.BaseDirectory);
    }

    // NSOCK_TOOL runs the suite against another build of nsock (an older one, to see a test fail).
    private static string FindTool()
    {
        if (Environment.GetEnvironmentVariable("NSOCK_TOOL") is { Length: > 0 } other)
        {
            return File.Exists(other) ? other : throw new InvalidOperationException($"NSOCK_TOOL={other}: no such file");
        }

        var configuration = typeof(NsockTool).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var tool = System.IO.Path.Combine(RepoRoot, "src", "Nsock", "bin", configuration, "net10.0", OperatingSystem.IsWindows() ? "nsock.exe" : "nsock");
        return File.Exists(tool) ? tool : throw new InvalidOperationException($"built tool not found at {tool}: build the solution first");
    }
}
