using Nsock.LocalEnds;

namespace Nsock.Tests.LocalEnds;

/// <summary>
/// stdout is one stream and, with -k, one whole-chunk gate, however many clients start at once.
/// Two streams over fd 1 each wrap it in a runtime socket of their own; one dropped ended the
/// other's writes ("nsock: stdout: operation canceled" under a crowd of clients).
/// </summary>
public sealed class StdioSideTests
{
    private const int Threads = 32;

    [Fact]
    public async Task Stdout_is_one_stream_for_the_process_whichever_thread_asks_first()
    {
        var streams = await AllAtOnceAsync(StdioHandles.OpenStdout);

        Assert.Single(streams.Distinct(ReferenceEqualityComparer.Instance));
    }

    [Fact]
    public async Task Stdin_is_one_stream_for_the_process_whichever_thread_asks_first()
    {
        var streams = await AllAtOnceAsync(StdioHandles.OpenStdin);

        Assert.Single(streams.Distinct(ReferenceEqualityComparer.Instance));
    }

    [Fact]
    public async Task Clients_starting_together_share_one_stdout_gate()
    {
        for (var round = 0; round < 20; round++)
        {
            var stdio = new StdioSide(new LocalEndChoice(SendOnly: false, RecvOnly: false, Echo: false, Stamp: false, Interactive: false), 4096);
            await using var pair = await ConnectionPair.CreateAsync(ConnectionKind.Tcp);

            var sinks = await AllAtOnceAsync(() => stdio.ForSharedSession(pair.Connection, null).Sink);

            Assert.IsType<SharedStdout>(sinks[0]);
            Assert.Single(sinks.Distinct(ReferenceEqualityComparer.Instance));
        }
    }

    // Every thread calls at the same moment, as -k clients accepted together do.
    private static async Task<T[]> AllAtOnceAsync<T>(Func<T> open)
    {
        using var start = new Barrier(Threads);
        var calls = Enumerable.Range(0, Threads).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                return open();
            },
            TestContext.Current.CancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default));
        return await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }
}
