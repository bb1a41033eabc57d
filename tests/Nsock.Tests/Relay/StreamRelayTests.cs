using System.Text;
using Nsock.Relay;

namespace Nsock.Tests.Relay;

/// <summary>
/// The relay over every kind of connection it runs on (TCP, unix stream, TLS over TCP): each
/// behaviour is one test with the kind as its parameter.
/// </summary>
public sealed class StreamRelayTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public static TheoryData<ConnectionKind> Kinds => new(ConnectionKind.Tcp, ConnectionKind.Unix, ConnectionKind.Tls);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<RelayResult> Run(ConnectionPair pair, LocalEnd end, RelayOptions? options = null)
    {
        options ??= new RelayOptions();
        return new StreamRelay(new TappedConnection(pair.Connection, options), end, options).RunAsync(Ct);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Source_EOF_half_closes_and_the_reply_still_reaches_the_sink(ConnectionKind kind)
    {
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var source = new FedSource();
        var sink = new CollectingSink();
        var relay = Run(pair, new LocalEnd(source, sink));

        source.Feed("request");
        source.Complete();
        Assert.Equal("request", Encoding.ASCII.GetString(await pair.Peer.ReadToEndAsync()));
        Assert.False(relay.IsCompleted);

        await pair.Peer.SendAsync("reply"u8.ToArray());
        await pair.Peer.CloseWriteAsync();

        var result = await relay.WaitAsync(Bound, Ct);
        Assert.Equal("reply", sink.Text);
        Assert.True(sink.Completed.IsCompleted);
        Assert.Equal(new RelayResult(RelayOutcome.Completed, 7, 5), result);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Socket_EOF_completes_the_sink_and_sending_goes_on(ConnectionKind kind)
    {
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var source = new FedSource();
        var sink = new CollectingSink();
        var relay = Run(pair, new LocalEnd(source, sink));

        await pair.Peer.CloseWriteAsync();
        await sink.Completed.WaitAsync(Bound, Ct);
        Assert.False(relay.IsCompleted);

        source.Feed("after");
        source.Complete();
        Assert.Equal("after", Encoding.ASCII.GetString(await pair.Peer.ReadToEndAsync()));
        Assert.Equal(RelayOutcome.Completed, (await relay.WaitAsync(Bound, Ct)).Outcome);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Socket_EOF_ends_the_session_when_the_local_end_says_so(ConnectionKind kind)
    {
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var source = new FedSource(); // never ends, like a terminal nobody types into
        var relay = Run(pair, new LocalEnd(source, new CollectingSink(), PeerEndEndsSession: true));

        await pair.Peer.CloseWriteAsync();

        Assert.Equal(RelayOutcome.Completed, (await relay.WaitAsync(Bound, Ct)).Outcome);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Source_EOF_ends_the_session_when_the_local_end_says_so(ConnectionKind kind)
    {
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var source = new FedSource();
        var relay = Run(pair, new LocalEnd(source, null, SourceEndEndsSession: true));

        source.Feed("bye");
        source.Complete();

        Assert.Equal(RelayOutcome.Completed, (await relay.WaitAsync(Bound, Ct)).Outcome);
        Assert.Equal("bye", Encoding.ASCII.GetString(await pair.Peer.ReadToEndAsync()));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_closed_sink_ends_the_session_as_output_closed(ConnectionKind kind)
    {
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var relay = Run(pair, new LocalEnd(new FedSource(), new CollectingSink { Broken = true }));

        await pair.Peer.SendAsync("data"u8.ToArray());

        Assert.Equal(RelayOutcome.OutputClosed, (await relay.WaitAsync(Bound, Ct)).Outcome);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Idle_timeout_ends_a_quiet_session(ConnectionKind kind)
    {
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var relay = Run(pair, new LocalEnd(new FedSource(), new CollectingSink()), new RelayOptions(IdleTimeout: TimeSpan.FromMilliseconds(200)));

        Assert.Equal(RelayOutcome.IdleTimeout, (await relay.WaitAsync(Bound, Ct)).Outcome);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_reset_from_the_peer_ends_as_a_network_failure_naming_the_peer(ConnectionKind kind)
    {
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var relay = Run(pair, new LocalEnd(new FedSource(), new CollectingSink()));

        pair.Peer.Reset(); // an RST over TCP and under TLS; a close with unread data over unix (see ConnectionPair)

        var result = await relay.WaitAsync(Bound, Ct);
        Assert.Equal(RelayOutcome.Failed, result.Outcome);
        var failure = Assert.IsType<NsockException>(result.Error);
        Assert.Equal(ExitCodes.Network, failure.ExitCode);
        Assert.Equal("peer", failure.What);
        Assert.Equal("connection reset by peer", failure.Why);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Cancellation_ends_the_session_by_throwing(ConnectionKind kind)
    {
        await using var pair = await ConnectionPair.CreateAsync(kind);
        using var cts = new CancellationTokenSource();
        var options = new RelayOptions();
        var relay = new StreamRelay(new TappedConnection(pair.Connection, options), new LocalEnd(new FedSource(), new CollectingSink()), options).RunAsync(cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => relay.WaitAsync(Bound, Ct));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Crlf_applies_to_what_is_sent_only(ConnectionKind kind)
    {
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var source = new FedSource();
        var sink = new CollectingSink();
        var relay = Run(pair, new LocalEnd(source, sink), new RelayOptions(Crlf: true));

        source.Feed("a\nb\r");
        source.Feed("\nc\n");
        source.Complete();
        await pair.Peer.SendAsync("x\ny\n"u8.ToArray());
        await pair.Peer.CloseWriteAsync();

        var result = await relay.WaitAsync(Bound, Ct);
        Assert.True(result.Outcome == RelayOutcome.Completed, $"{result.Outcome}: {result.Error}");
        Assert.Equal("a\r\nb\r\nc\r\n", Encoding.ASCII.GetString(await pair.Peer.ReadToEndAsync()));
        Assert.Equal("x\ny\n", sink.Text);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Small_buffer_moves_large_data_intact(ConnectionKind kind)
    {
        await using var pair = await ConnectionPair.CreateAsync(kind);
        var source = new FedSource();
        var data = new byte[100_003];
        new Random(7).NextBytes(data);
        var relay = Run(pair, new LocalEnd(source, null), new RelayOptions(BufferSize: 17));

        source.Feed(data);
        source.Complete();

        Assert.Equal(data, await pair.Peer.ReadToEndAsync());
        await pair.Peer.CloseWriteAsync();
        Assert.Equal(data.Length, (await relay.WaitAsync(Bound, Ct)).BytesSent);
    }
}
