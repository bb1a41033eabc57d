using System.Net.Sockets;
using Nsock.Endpoints;
using Nsock.Netlink;
using Nsock.Sessions;

namespace Nsock.Tests.Netlink;

/// <summary>
/// A request and its answer over a channel whose far end plays the kernel (a unix datagram
/// socket pair stands in for the netlink socket): what a faulty kernel sends is one line and
/// exit 1, and an answer the kernel marks interrupted is reported as such.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // netlink is Linux's
public sealed class NetlinkExchangeTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly Socket _kernel;
    private readonly NetlinkChannel _channel;

    public NetlinkExchangeTests()
    {
        var name = "\0nsock-exchange-" + Guid.NewGuid().ToString("N");
        _kernel = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _kernel.Bind(new UnixDomainSocketEndPoint(name + "-k"));
        var nsock = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        nsock.Bind(new UnixDomainSocketEndPoint(name + "-n"));
        nsock.Connect(new UnixDomainSocketEndPoint(name + "-k"));
        _kernel.Connect(new UnixDomainSocketEndPoint(name + "-n"));
        _channel = new NetlinkChannel(nsock, NetlinkProtocol.Route, "netlink route", 42);
    }

    public void Dispose()
    {
        _channel.Dispose();
        _kernel.Dispose();
    }

    private static byte[] DumpRequest => NetlinkRequest.DumpOf(18).Zeros(16).ToArray();

    private static byte[] Link(uint sequence, ushort flags = NetlinkHeader.Multi) => new NetlinkRequest(16, flags, sequence, 42).Zeros(16).ToArray();

    private static byte[] Done(uint sequence, ushort flags = NetlinkHeader.Multi) => new NetlinkRequest(NetlinkHeader.Done, flags, sequence, 42).Zeros(4).ToArray();

    /// <summary>Runs the exchange while the fake kernel answers the request with <paramref name="answer"/>'s datagrams.</summary>
    private async Task<(bool Interrupted, int Datagrams)> ExchangeAsync(params byte[][] answer)
    {
        using var timeout = new CancellationTokenSource(Wait);
        var kernel = Task.Run(async () =>
        {
            var request = new byte[4096];
            _ = await _kernel.ReceiveAsync(request, SocketFlags.None, timeout.Token);
            foreach (var datagram in answer)
            {
                _ = await _kernel.SendAsync(datagram, SocketFlags.None, timeout.Token);
            }
        });
        var datagrams = 0;
        var interrupted = await NetlinkExchange.RequestAsync(_channel, DumpRequest, (_, _) =>
        {
            datagrams++;
            return ValueTask.CompletedTask;
        }, timeout.Token);
        await kernel;
        return (interrupted, datagrams);
    }

    [Fact]
    public async Task A_whole_answer_ends_at_its_done_and_is_not_interrupted()
    {
        var (interrupted, datagrams) = await ExchangeAsync([.. Link(1), .. Link(1)], Done(1));

        Assert.False(interrupted);
        Assert.Equal(2, datagrams);
    }

    [Fact]
    public async Task An_answer_the_kernel_marks_interrupted_is_reported()
    {
        var (interrupted, _) = await ExchangeAsync(Link(1), Done(1, NetlinkHeader.Multi | NetlinkHeader.DumpInterrupted));

        Assert.True(interrupted);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("short error")]
    [InlineData("tiny")]
    public async Task A_malformed_answer_is_one_line_and_exit_1(string fault)
    {
        byte[] bad = fault switch
        {
            "truncated" => Link(1)[..20], // the header says 32 bytes
            "short error" => new NetlinkRequest(NetlinkHeader.Error, 0, 1, 42).ToArray(), // no room for the errno
            _ => [1, 2, 3],
        };

        var e = await Assert.ThrowsAsync<NsockException>(() => ExchangeAsync(Link(1), bad));

        Assert.Equal(1, e.ExitCode);
        Assert.Equal("netlink route", e.What);
        Assert.StartsWith("malformed message from the kernel: ", e.Why);
        Assert.DoesNotContain('\n', e.Why);
    }
}
