using System.Net;
using System.Runtime.CompilerServices;

namespace Nsock.Platform;

/// <summary>
/// The framework-dependent runtime loads an assembly the first time code needs it, and a load
/// takes two file descriptors. A server out of descriptors would then fail (or abort) at its first
/// client; so before the first accept, a server loads what serving a client needs. The list was
/// found by watching which assemblies the first client of each server mode loads. Native AOT has
/// everything compiled in and skips this.
/// </summary>
internal static class RuntimeWarmup
{
    public static void BeforeServing()
    {
        if (!HostedRuntime.IsHosted)
        {
            return;
        }

        RuntimeHelpers.RunClassConstructor(typeof(IPAddress).TypeHandle); // System.Runtime.Intrinsics
        RuntimeHelpers.RunClassConstructor(typeof(System.IO.Pipes.PipeStream).TypeHandle); // System.IO.Pipes
        _ = Console.IsOutputRedirected; // System.Console
    }
}
