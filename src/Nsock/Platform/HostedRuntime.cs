namespace Nsock.Platform;

/// <summary>
/// Whether nsock runs on the runtime the .NET host started (the framework-dependent build), which
/// loads assemblies on demand and makes attach points in $TMPDIR, or is a Native AOT binary, which
/// does neither. The host names the assemblies it trusts; nothing else does. (The runtime's own
/// feature switches cannot tell: the project sets AOT's switches for both builds.)
/// </summary>
internal static class HostedRuntime
{
    public static bool IsHosted { get; } = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is not null;
}
