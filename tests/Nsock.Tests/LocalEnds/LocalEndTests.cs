using System.Text;
using Nsock.LocalEnds;

namespace Nsock.Tests.LocalEnds;

public sealed class LocalEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> ReadAllAsync(Nsock.Relay.IRelaySource source, int bufferSize = 64)
    {
        var text = new StringBuilder();
        var buffer = new byte[bufferSize];
        int read;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromSeconds(10));
        while ((read = await source.ReadAsync(buffer, cts.Token)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    [Fact]
    public async Task Interactive_sends_lines_skips_empty_ones_and_stops_at_close()
    {
        var input = new FedSource();
        input.Feed("hel");
        input.Feed("lo\n\n\r\nwor");
        input.Feed("ld\nclose\nnever\n");
        input.Complete();

        Assert.Equal("hello\nworld\n", await ReadAllAsync(new InteractiveSource(input)));
    }

    [Fact]
    public async Task Interactive_sends_an_unterminated_last_line_at_EOF()
    {
        var input = new FedSource();
        input.Feed("one\ntwo");
        input.Complete();

        Assert.Equal("one\ntwo", await ReadAllAsync(new InteractiveSource(input), bufferSize: 2));
    }

    [Fact]
    public async Task Broadcast_gives_every_subscriber_every_chunk_in_order()
    {
        var stdin = new FedSource();
        var broadcast = new StdinBroadcast(stdin, 16);
        using var first = broadcast.Subscribe();
        using var second = broadcast.Subscribe();
        var run = broadcast.RunAsync(Ct);

        var readers = new[] { ReadAllAsync(first, 5), ReadAllAsync(second, 16) };
        stdin.Feed("chunk one;");
        stdin.Feed("chunk two, longer than sixteen bytes;");
        stdin.Complete();

        Assert.All(await Task.WhenAll(readers), text => Assert.Equal("chunk one;chunk two, longer than sixteen bytes;", text));
        await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task Broadcast_does_not_read_stdin_until_someone_listens()
    {
        var stdin = new FedSource();
        stdin.Feed("early");
        var broadcast = new StdinBroadcast(stdin, 64);
        var run = broadcast.RunAsync(Ct);

        await Task.Yield();
        Assert.Equal(0, stdin.Reads);

        using var late = broadcast.Subscribe();
        var buffer = new byte[64];
        var read = await late.ReadAsync(buffer, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("early", Encoding.ASCII.GetString(buffer, 0, read));
        stdin.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task Broadcast_is_not_held_up_by_a_subscriber_that_left()
    {
        var stdin = new FedSource();
        var broadcast = new StdinBroadcast(stdin, 64);
        using var stays = broadcast.Subscribe();
        var leaves = broadcast.Subscribe();
        var run = broadcast.RunAsync(Ct);

        stdin.Feed("x");
        var buffer = new byte[64];
        Assert.Equal(1, await stays.ReadAsync(buffer, Ct));
        leaves.Dispose(); // never read its copy of "x"
        stdin.Feed("y");
        Assert.Equal(1, await stays.ReadAsync(buffer, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal((byte)'y', buffer[0]);

        stdin.Complete();
        Assert.Equal(0, await stays.ReadAsync(buffer, Ct));
        await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        using var afterEnd = broadcast.Subscribe();
        Assert.Equal(0, await afterEnd.ReadAsync(buffer, Ct));
    }
}
