using System.Runtime.InteropServices;

namespace Nsock;

/// <summary>
/// Every signal whose default would kill nsock and that can be caught ends it cleanly instead:
/// the running command is cancelled so it can clean up (close sockets, remove socket files), and
/// nsock exits 128 + the signal's number: 129 SIGHUP (a closed terminal or ssh session), 130
/// SIGINT, 131 SIGQUIT, 143 SIGTERM, and SIGUSR1, SIGUSR2, SIGALRM. Should cleanup hang, nsock
/// exits anyway after a second.
/// </summary>
internal sealed class SignalHandling : IDisposable
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromMilliseconds(900);
    private readonly CancellationTokenSource _cts = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _exitCode;

    public SignalHandling()
    {
        foreach (var (signal, number) in Handled())
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context => OnSignal(context, 128 + number)));
        }
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>128 + the signal's number once one has arrived, else 0.</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    // The portable four, and on Linux and macOS the user and alarm signals by their raw numbers.
    private static IEnumerable<(PosixSignal Signal, int Number)> Handled()
    {
        yield return (PosixSignal.SIGINT, 2);
        yield return (PosixSignal.SIGTERM, 15);
        if (OperatingSystem.IsWindows())
        {
            yield break;
        }

        yield return (PosixSignal.SIGHUP, 1);
        yield return (PosixSignal.SIGQUIT, 3);
        int[] raw = OperatingSystem.IsLinux() ? [10, 12, 14] : OperatingSystem.IsMacOS() ? [30, 31, 14] : [];
        foreach (var number in raw)
        {
            yield return ((PosixSignal)number, number);
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
