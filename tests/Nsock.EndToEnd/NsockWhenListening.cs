namespace Nsock.EndToEnd;

/// <summary>
/// Starts an nsock client again and again until it connects to a peer server that is starting
/// up, within a deadline. nsock itself is the probe: peers such as ncat, nc and socat serve a
/// single connection, which a separate test probe would use up. An attempt is retried only if
/// it was refused (nobody listening yet); anything else fails at once.
/// </summary>
internal static class NsockWhenListening
{
    public static async Task<RunningProcess> ConnectAsync(string[] args, string target, RunningProcess server, TimeSpan wait)
    {
        ToolPlatform.NeedsFor(args);
        var deadline = DateTime.UtcNow + wait;
        for (var attempt = 1; ; attempt++)
        {
            var nsock = RunningProcess.Nsock(args);
            try
            {
                await nsock.WaitForStderrAsync("^connected to ", TimeSpan.FromSeconds(10));
                return nsock;
            }
            catch (InvalidOperationException) when (nsock.HasExited)
            {
                var code = await nsock.WaitForExitAsync();
                var refused = code == 1 && nsock.Stderr.Contains("refused", StringComparison.Ordinal);
                await nsock.DisposeAsync();
                if (!refused)
                {
                    throw new InvalidOperationException($"nsock {string.Join(' ', args)} failed (exit {code}) on attempt {attempt}:\n{nsock.Stderr}");
                }

                if (server.HasExited)
                {
                    throw new InvalidOperationException($"{server.Program} exited ({await server.WaitForExitAsync()}) before listening on {target}; stderr:\n{server.Stderr}");
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{server.Program} was not listening on {target} after {wait.TotalSeconds} s ({attempt} attempts); stderr:\n{server.Stderr}");
                }

                await Task.Delay(10, TestContext.Current.CancellationToken); // a short poll, bounded by the deadline
            }
            catch
            {
                await nsock.DisposeAsync();
                throw;
            }
        }
    }
}
