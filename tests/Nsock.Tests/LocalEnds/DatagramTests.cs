using System.Net;
using System.Net.Sockets;
using System.Text;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Relay;

namespace Nsock.Tests.LocalEnds;

public sealed class DatagramTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(new byte[] { 0x61, 0, 0x62 }, @"a\0b")]
    [InlineData(new byte[] { 0x5c, 0x09, 0x0d, 0x0a }, @"\\\t\r\n")]
    [InlineData(new byte[] { 0x7f, 0x80, 0xff, 0x20 }, @"\x7f\x80\xff ")]
    [InlineData(new byte[0], "")]
    public void Line_format_escapes_what_is_not_printable(byte[] data, string expected) =>
        Assert.Equal(expected, DatagramPrinter.Escape(data));

    [Fact]
    public void Json_format_carries_text_only_when_it_is_UTF8()
    {
        Assert.Equal("{\"from\":\"1.2.3.4:5\",\"length\":2,\"data\":\"aGk=\",\"text\":\"hi\"}\n", DatagramPrinter.Format(DatagramFormat.Json, "hi"u8, "1.2.3.4:5"));
        Assert.DoesNotContain("\"text\"", DatagramPrinter.Format(DatagramFormat.Json, new byte[] { 0xff }, "x"));
    }

    [Fact]
    public async Task Lines_come_one_at_a_time_with_their_LF()
    {
        var input = new FedSource();
        input.Feed("a\nbb");
        input.Feed("b\n\nlast");
        input.Complete();
        var lines = new LineSource(input, 64);
        var buffer = new byte[64];
        var got = new List<string>();
        int read;
        while ((read = await lines.ReadAsync(buffer, Ct)) > 0)
        {
            got.Add(Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.Equal(["a\n", "bbb\n", "\n", "last"], got);
    }

    [Fact]
    public async Task Relay_sends_a_datagram_per_source_read_and_receives_them_whole()
    {
        using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        b.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var sender = new DatagramRelay(SocketDatagramChannel.Open(a, "a", 4), new RelayOptions(BufferSize: 4));
        var receiver = new DatagramRelay(SocketDatagramChannel.Open(b, "b", 4), new RelayOptions());
        var source = new FedSource();
        source.Feed("abcdef"); // split at the 4-byte buffer
        source.Feed("g");
        source.Complete();

        var sink = new Collected();
        var receiving = receiver.ReceiveAllAsync(sink, count: 3, Ct);
        await sender.SendAllAsync(source, _ => ValueTask.FromResult<DatagramPeer?>(new DatagramPeer(b.LocalEndPoint!, "b", CanAnswer: true)), Ct);
        await receiving.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(["abcd", "ef", "g"], sink.Datagrams);
        Assert.All(sink.Senders, from => Assert.Equal(a.LocalEndPoint, from));
        Assert.Equal(3, sender.DatagramsSent);
    }

    [Fact]
    public async Task An_empty_datagram_is_data_not_the_end()
    {
        using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        b.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var receiver = new DatagramRelay(SocketDatagramChannel.Open(b, "b", 1), new RelayOptions());
        var sink = new Collected();
        var receiving = receiver.ReceiveAllAsync(sink, count: 2, Ct);

        await a.SendToAsync(Array.Empty<byte>(), SocketFlags.None, b.LocalEndPoint!, Ct);
        await a.SendToAsync("after"u8.ToArray(), SocketFlags.None, b.LocalEndPoint!, Ct);
        await receiving.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(["", "after"], sink.Datagrams);
    }

    private sealed class Collected : IDatagramSink
    {
        public List<string> Datagrams { get; } = [];

        public List<EndPoint> Senders { get; } = [];

        public ValueTask WriteAsync(ReadOnlyMemory<byte> datagram, DatagramPeer from, CancellationToken ct)
        {
            Datagrams.Add(Encoding.ASCII.GetString(datagram.Span));
            Senders.Add(from.Address);
            return ValueTask.CompletedTask;
        }
    }
}
