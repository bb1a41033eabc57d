[assembly: AssemblyFixture(typeof(Nsock.EndToEnd.LeftoverProcesses))]

namespace Nsock.EndToEnd;

/// <summary>
/// At the end of the run, kills every process a test started and did not dispose. A test that
/// starts processes ahead of its cases (BadInputTests starts every row at once) leaves those of
/// skipped cases running; under Wine one such nsock kept the wineserver and Wine's services alive
/// after the run.
/// </summary>
public sealed class LeftoverProcesses : IAsyncDisposable
{
    public async ValueTask DisposeAsync() => await RunningProcess.DisposeLeftoversAsync();
}
