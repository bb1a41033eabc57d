using System.Net.Sockets;
using System.Text;
using Nsock.Endpoints;
using Nsock.Relay;

namespace Nsock.Tests.Relay;

public sealed class StreamRelayTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<RelayResult> Run(SocketPair pair, LocalEnd end, RelayOptions? options = null)
    {
        options ??= new RelayOptions();
        return new StreamRelay(new TappedConnection(new SocketConnection(pair.RelaySide, "peer"), options), end, options).RunAsync(Ct);
    }

    [Fact]
    public async Task Source_EOF_half_closes_and_the_reply_still_reaches_the_sink()
    {
        using var pair = await SocketPair.CreateAsync();
        var source = new FedSource();
        var sink = new CollectingSink();
        var relay = Run(pair, new LocalEnd(source, sink));

        source.Feed("request");
        source.Complete();
        Assert.Equal("request", Encoding.ASCII.GetString(await pair.PeerReadToEndAsync()));
        Assert.False(relay.IsCompleted);

        await pair.Peer.SendAsync("reply"u8.ToArray(), Ct);
        pair.Peer.Shutdown(SocketShutdown.Send);

        var result = await relay.WaitAsync(Bound, Ct);
        Assert.Equal("reply", sink.Text);
        Assert.True(sink.Completed.IsCompleted);
        Assert.Equal(new RelayResult(RelayOutcome.Completed, 7, 5), result);
    }

    [Fact]
    public async Task Socket_EOF_completes_the_sink_and_sending_goes_on()
    {
        using var pair = await SocketPair.CreateAsync();
        var source = new FedSource();
        var sink = new CollectingSink();
        var relay = Run(pair, new LocalEnd(source, sink));

        pair.Peer.Shutdown(SocketShutdown.Send);
        await sink.Completed.WaitAsync(Bound, Ct);
        Assert.False(relay.IsCompleted);

        source.Feed("after");
        source.Complete();
        Assert.Equal("after", Encoding.ASCII.GetString(await pair.PeerReadToEndAsync()));
        Assert.Equal(RelayOutcome.Completed, (await relay.WaitAsync(Bound, Ct)).Outcome);
    }

    [Fact]
    public async Task Socket_EOF_ends_the_session_when_the_local_end_says_so()
    {
        using var pair = await SocketPair.CreateAsync();
        var source = new FedSource(); // never ends, like a terminal nobody types into
        var relay = Run(pair, new LocalEnd(source, new CollectingSink(), PeerEndEndsSession: true));

        pair.Peer.Shutdown(SocketShutdown.Send);

        Assert.Equal(RelayOutcome.Completed, (await relay.WaitAsync(Bound, Ct)).Outcome);
    }

    [Fact]
    public async Task Source_EOF_ends_the_session_when_the_local_end_says_so()
    {
        using var pair = await SocketPair.CreateAsync();
        var source = new FedSource();
        var relay = Run(pair, new LocalEnd(source, null, SourceEndEndsSession: true));

        source.Feed("bye");
        source.Complete();

        Assert.Equal(RelayOutcome.Completed, (await relay.WaitAsync(Bound, Ct)).Outcome);
        Assert.Equal("bye", Encoding.ASCII.GetString(await pair.PeerReadToEndAsync()));
    }

    [Fact]
    public async Task A_closed_sink_ends_the_session_as_output_closed()
    {
        using var pair = await SocketPair.CreateAsync();
        var relay = Run(pair, new LocalEnd(new FedSource(), new CollectingSink { Broken = true }));

        await pair.Peer.SendAsync("data"u8.ToArray(), Ct);

        Assert.Equal(RelayOutcome.OutputClosed, (await relay.WaitAsync(Bound, Ct)).Outcome);
    }

    [Fact]
    public async Task Idle_timeout_ends_a_quiet_session()
    {
        using var pair = await SocketPair.CreateAsync();
        var relay = Run(pair, new LocalEnd(new FedSource(), new CollectingSink()), new RelayOptions(IdleTimeout: TimeSpan.FromMilliseconds(200)));

        Assert.Equal(RelayOutcome.IdleTimeout, (await relay.WaitAsync(Bound, Ct)).Outcome);
    }

    [Fact]
    public async Task A_reset_from_the_peer_ends_as_a_network_failure_naming_the_peer()
    {
        using var pair = await SocketPair.CreateAsync();
        var relay = Run(pair, new LocalEnd(new FedSource(), new CollectingSink()));

        pair.Peer.LingerState = new LingerOption(true, 0); // close with RST
        pair.Peer.Close();

        var result = await relay.WaitAsync(Bound, Ct);
        Assert.Equal(RelayOutcome.Failed, result.Outcome);
        var failure = Assert.IsType<NsockException>(result.Error);
        Assert.Equal(ExitCodes.Network, failure.ExitCode);
        Assert.Equal("peer", failure.What);
        Assert.Equal("connection reset by peer", failure.Why);
    }

    [Fact]
    public async Task Cancellation_ends_the_session_by_throwing()
    {
        using var pair = await SocketPair.CreateAsync();
        using var cts = new CancellationTokenSource();
        var options = new RelayOptions();
        var relay = new StreamRelay(new TappedConnection(new SocketConnection(pair.RelaySide, "peer"), options), new LocalEnd(new FedSource(), new CollectingSink()), options).RunAsync(cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => relay.WaitAsync(Bound, Ct));
    }

    [Fact]
    public async Task Crlf_applies_to_what_is_sent_only()
    {
        using var pair = await SocketPair.CreateAsync();
        var source = new FedSource();
        var sink = new CollectingSink();
        var relay = Run(pair, new LocalEnd(source, sink), new RelayOptions(Crlf: true));

        source.Feed("a\nb\r");
        source.Feed("\nc\n");
        source.Complete();
        await pair.Peer.SendAsync("x\ny\n"u8.ToArray(), Ct);
        pair.Peer.Shutdown(SocketShutdown.Send);

        await relay.WaitAsync(Bound, Ct);
        Assert.Equal("a\r\nb\r\nc\r\n", Encoding.ASCII.GetString(await pair.PeerReadToEndAsync()));
        Assert.Equal("x\ny\n", sink.Text);
    }

    [Fact]
    public async Task Small_buffer_moves_large_data_intact()
    {
        using var pair = await SocketPair.CreateAsync();
        var source = new FedSource();
        var data = new byte[100_003];
        new Random(7).NextBytes(data);
        var relay = Run(pair, new LocalEnd(source, null), new RelayOptions(BufferSize: 17));

        source.Feed(data);
        source.Complete();

        Assert.Equal(data, await pair.PeerReadToEndAsync());
        pair.Peer.Shutdown(SocketShutdown.Send);
        Assert.Equal(data.Length, (await relay.WaitAsync(Bound, Ct)).BytesSent);
    }
}
