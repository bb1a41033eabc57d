using System.Reflection;
using System.Runtime.InteropServices;

namespace Nsock.EndToEnd;

/// <summary>Which build of nsock a test runs.</summary>
public enum NsockBuild
{
    /// <summary>The apphost and nsock.dll of this configuration, on the shared runtime (<see cref="NsockTool.Path"/>).</summary>
    FrameworkDependent,

    /// <summary>The Native AOT build that <c>./build.sh test</c> publishes (<see cref="NsockTool.AotPath"/>).</summary>
    Aot,
}

/// <summary>
/// Where the built tool is: the apphost next to nsock.dll of this configuration, and the Native
/// AOT build in artifacts/aot.
/// </summary>
internal static class NsockTool
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Path { get; } = FindTool();

    /// <summary>The Native AOT build; <c>./build.sh test</c> publishes it there before the tests run (NSOCK_AOT_TOOL names another).</summary>
    public static string AotPath { get; } = Environment.GetEnvironmentVariable("NSOCK_AOT_TOOL") is { Length: > 0 } other
        ? other
        : System.IO.Path.Combine(RepoRoot, "artifacts", "aot", OperatingSystem.IsWindows() ? "nsock.exe" : "nsock");

    /// <summary>Where build.sh publishes the AOT build, so its absence is a failure, not a skip.</summary>
    public static bool AotExpected =>
        OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>
    /// Whether <see cref="Path"/> is the framework-dependent build (an apphost beside nsock.dll);
    /// not when NSOCK_TOOL runs the suite against the Native AOT binary (build.sh's second run).
    /// </summary>
    public static bool PathIsFrameworkDependent { get; } = File.Exists(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, "nsock.dll"));

    /// <summary>
    /// The tool of <paramref name="build"/>. A missing AOT build fails the test where build.sh makes
    /// one, and skips it elsewhere; the framework-dependent build is skipped, with the reason, in a
    /// run against another build (its own facts, such as the runtime's 60 descriptors, would not hold).
    /// </summary>
    public static string PathOf(NsockBuild build)
    {
        if (build == NsockBuild.FrameworkDependent)
        {
            if (!PathIsFrameworkDependent)
            {
                Assert.Skip($"this run tests {Path} (NSOCK_TOOL), not the framework-dependent build");
            }

            return Path;
        }

        if (ToolPlatform.IsWindowsBuild)
        {
            Assert.Skip($"this run tests the Windows build {Path} (NSOCK_TOOL), not the Native AOT build");
        }

        if (File.Exists(AotPath))
        {
            return AotPath;
        }

        if (!AotExpected)
        {
            Assert.Skip($"no Native AOT build of nsock on {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}");
        }

        throw new InvalidOperationException($"Native AOT build not found at {AotPath}: run ./build.sh test, which publishes it (publish_aot in build.sh)");
    }

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
