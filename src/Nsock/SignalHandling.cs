using System.Runtime.InteropServices;

namespace Nsock;

/// <summary>
/// SIGINT and SIGTERM cancel the running command so it can clean up (close sockets, remove
/// files), and nsock exits 130 or 143. Should cleanup hang, nsock exits anyway after a second.
/// </summary>
internal sealed class SignalHandling : IDisposable
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromMilliseconds(900);
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _exitCode;

    public SignalHandling()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, context => OnSignal(context, ExitCodes.Interrupted)),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => OnSignal(context, ExitCodes.Terminated)),
        ];
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>130 or 143 once a signal has arrived, else 0.</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext context, int exitCode)
    {
        context.Cancel = true; // we end ourselves, after cleanup
        if (Interlocked.CompareExchange(ref _exitCode, exitCode, 0) != 0)
        {
            return;
        }

        _cts.Cancel();
        _ = Task.Delay(GracePeriod).ContinueWith(_ => Environment.Exit(exitCode), TaskScheduler.Default);
    }
}
