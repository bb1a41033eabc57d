using Nsock.LocalEnds;
using Nsock.Netlink;

namespace Nsock.Tests.Netlink;

[System.Runtime.Versioning.SupportedOSPlatform("linux")] // netlink is Linux\'s
public class NetlinkMessageSourceTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static (NetlinkMessageSource Source, List<NetlinkHeader> Sent) Over(IEnumerable<byte[]> chunks, bool fill = false, ushort? type = null, int largest = 4096, int protocol = NetlinkProtocol.Route)
    {
        var input = new FedSource();
        foreach (var chunk in chunks)
        {
            input.Feed(chunk);
        }

        input.Complete();
        var sent = new List<NetlinkHeader>();
        return (new NetlinkMessageSource(input, largest, fill, protocol, 777, type, sent.Add), sent);
    }

    private static async Task<List<byte[]>> ReadAllAsync(NetlinkMessageSource source)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var messages = new List<byte[]>();
        var buffer = new byte[4096];
        while (await source.ReadAsync(buffer, timeout.Token) is var read and > 0)
        {
            messages.Add(buffer[..read]);
        }

        return messages;
    }

    [Fact]
    public async Task Messages_split_across_reads_come_out_whole_one_per_read()
    {
        var one = new NetlinkRequest(18, 0x301, 1).Zeros(16).ToArray();
        var two = new NetlinkRequest(22, 0x301, 2).Zeros(8).StringAttribute(3, "x").ToArray();
        var all = one.Concat(two).ToArray();
        var (source, sent) = Over([all[..5], all[5..40], all[40..]]);

        var messages = await ReadAllAsync(source);

        Assert.Equal([one, two], messages);
        Assert.Equal([1u, 2u], sent.Select(h => h.Sequence));
    }

    [Fact]
    public async Task Fill_sets_length_sequence_port_request_and_ack_and_zero_means_to_the_end()
    {
        var request = new NetlinkRequest(18, 0, 0).Zeros(16).ToArray();
        Array.Clear(request, 0, 4); // length 0: the rest of stdin
        var (source, _) = Over([request], fill: true);

        var message = Assert.Single(await ReadAllAsync(source));
        var header = NetlinkHeader.Read(message);

        Assert.Equal(new NetlinkHeader(32, 18, NetlinkHeader.Request | NetlinkHeader.Ack, 1, 777), header);
    }

    [Fact]
    public async Task Fill_leaves_a_dump_without_ack_and_numbers_messages_and_sets_a_generic_familys_type()
    {
        var dump = new NetlinkRequest(16, NetlinkHeader.Dump, 99).Zeros(4).ToArray();
        var (source, sent) = Over([dump, dump], fill: true, type: 0x1c, protocol: NetlinkProtocol.Generic);

        var messages = await ReadAllAsync(source);

        Assert.Equal(2, messages.Count);
        Assert.All(sent, h => Assert.Equal(NetlinkHeader.Request | NetlinkHeader.Dump, h.Flags));
        Assert.All(sent, h => Assert.Equal(0x1c, h.Type));
        Assert.Equal([1u, 2u], sent.Select(h => h.Sequence));
        Assert.Equal(sent.Select(h => h.Sequence), messages.Select(m => NetlinkHeader.Read(m).Sequence));
    }

    [Theory]
    [InlineData(16, NetlinkHeader.Replace | NetlinkHeader.Exclusive, NetlinkHeader.Ack)] // RTM_NEWLINK: the dump bits mean REPLACE|EXCL
    [InlineData(18, NetlinkHeader.Root, 0)] // RTM_GETLINK: rtnetlink dumps a GET with either bit
    [InlineData(19, NetlinkHeader.Dump, NetlinkHeader.Ack)] // RTM_SETLINK is no GET
    public async Task Fill_asks_for_an_ack_unless_rtnetlink_takes_the_request_as_a_dump(ushort type, ushort flags, ushort added)
    {
        var (source, sent) = Over([new NetlinkRequest(type, flags, 0).Zeros(16).ToArray()], fill: true);

        await ReadAllAsync(source);

        Assert.Equal(NetlinkHeader.Request | flags | added, Assert.Single(sent).Flags);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "message 1 at byte 0: 3 bytes at the end of stdin, less than a 16-byte header")]
    [InlineData(new byte[] { 8, 0, 0, 0, 18, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0 }, "header says 8 bytes, less than its own 16-byte header")]
    [InlineData(new byte[] { 52, 0, 0, 0, 18, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "truncated: header says 52 bytes, stdin ended after 18")]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0x7f, 18, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0 }, "more than a message can hold here")]
    public async Task Malformed_input_is_a_usage_error_naming_the_message_and_where(byte[] input, string why)
    {
        var (source, _) = Over([input]);

        var failure = await Assert.ThrowsAsync<NsockException>(() => ReadAllAsync(source));

        Assert.Equal(ExitCodes.Usage, failure.ExitCode);
        Assert.Equal("stdin", failure.What);
        Assert.Contains(why, failure.Why);
    }

    [Fact]
    public async Task The_second_message_is_named_when_it_is_the_bad_one()
    {
        var good = new NetlinkRequest(18, 0x301, 1).Zeros(16).ToArray();
        var (source, _) = Over([good, new byte[] { 9, 9 }]);

        var failure = await Assert.ThrowsAsync<NsockException>(() => ReadAllAsync(source));

        Assert.StartsWith("message 2 at byte 32:", failure.Why);
    }

    [Fact]
    public async Task Garbage_of_every_shape_ends_in_messages_or_a_usage_error_never_anything_else()
    {
        var random = new Random(12);
        // On a thread of its own, so framing that loops fails the test instead of hanging the run.
        await Task.Run(async () =>
        {
            for (var i = 0; i < 3000; i++)
            {
                var bytes = new byte[random.Next(0, 200)];
                random.NextBytes(bytes);
                if (bytes.Length >= 4 && random.Next(2) == 0)
                {
                    BitConverter.GetBytes((uint)random.Next(0, bytes.Length + 8)).CopyTo(bytes, 0);
                }

                var (source, _) = Over([bytes], fill: random.Next(2) == 0, largest: 128);
                try
                {
                    foreach (var message in await ReadAllAsync(source))
                    {
                        Assert.InRange(message.Length, NetlinkHeader.Size, 128);
                    }
                }
                catch (NsockException e) when (e.ExitCode == ExitCodes.Usage)
                {
                }
            }
        }, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
    }
}
