using System.Buffers.Binary;
using Nsock.Netlink;

namespace Nsock.Tests.Netlink;

/// <summary>
/// Malformed rtnetlink messages: a decoder throws <see cref="NetlinkFormatException"/> or decodes
/// what it can, never anything else, and always returns.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // netlink is Linux\'s
public sealed class RouteMalformedTests
{
    private static readonly ushort[] DecodedTypes = [16, 17, 20, 21, 24, 25, 28, 29, 32, 33];

    private static readonly string[] AllFixtures =
        [.. RouteFixtures.Links, .. RouteFixtures.Addrs, .. RouteFixtures.Routes, .. RouteFixtures.Neighbors, .. RouteFixtures.Rules];

    private static NetlinkMessage Raw(ushort type, byte[] payload) =>
        new(new NetlinkHeader((uint)(NetlinkHeader.Size + payload.Length), type, 0, 0, 0), payload);

    /// <summary>The decoder's result, or null when it threw a NetlinkFormatException (any other exception fails the test).</summary>
    private static NetlinkRecord? DecodeOrFormatError(NetlinkMessage message)
    {
        try
        {
            var record = RouteMessages.Decode(message, i => i == 1 ? "lo" : null);
            _ = record?.ToJson();
            return record;
        }
        catch (NetlinkFormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Problem));
            return null;
        }
    }

    [Theory]
    [InlineData(16, 15, "RTM_NEWLINK: 15 bytes after the header, less than its 16-byte ifinfomsg")]
    [InlineData(21, 7, "RTM_DELADDR: 7 bytes after the header, less than its 8-byte ifaddrmsg")]
    [InlineData(24, 0, "RTM_NEWROUTE: 0 bytes after the header, less than its 12-byte rtmsg")]
    [InlineData(28, 11, "RTM_NEWNEIGH: 11 bytes after the header, less than its 12-byte ndmsg")]
    [InlineData(33, 4, "RTM_DELRULE: 4 bytes after the header, less than its 12-byte fib_rule_hdr")]
    public void A_truncated_fixed_header_is_a_format_error(int type, int length, string problem)
    {
        var e = Assert.Throws<NetlinkFormatException>(() => RouteMessages.Decode(Raw((ushort)type, new byte[length]), _ => null));
        Assert.Equal(problem, e.Problem);
    }

    [Fact]
    public void An_attribute_longer_than_what_is_left_is_a_format_error()
    {
        var bytes = Convert.FromHexString(RouteFixtures.Addrs[0]);
        bytes[NetlinkHeader.Size + 8] = 0xf0; // the first attribute's length: 240 bytes, with 60 there
        var e = Assert.Throws<NetlinkFormatException>(() => RouteMessages.Decode(RouteMessagesTests.Message(bytes), _ => null));
        Assert.StartsWith("RTM_NEWADDR: attribute 1 at byte 0: length 240", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_length_attribute_is_a_format_error_not_a_loop()
    {
        var bytes = new NetlinkRequest(24, 0).Zeros(12).Attribute(1, []).Attribute(7, []).ToArray();
        bytes[NetlinkHeader.Size + 12 + 4] = 0; // the second attribute's length
        var e = Assert.Throws<NetlinkFormatException>(() => RouteMessages.Decode(RouteMessagesTests.Message(bytes), _ => null));
        Assert.Contains("less than its 4-byte header", e.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16, 4, 2)] // IFLA_MTU of 2 bytes
    [InlineData(24, 6, 3)] // RTA_PRIORITY of 3 bytes
    [InlineData(24, 1, 5)] // an IPv4 RTA_DST of 5 bytes (the header says AF_INET)
    [InlineData(20, 6, 4)] // IFA_CACHEINFO of 4 bytes
    [InlineData(28, 12, 0)] // NDA_PROTOCOL of nothing
    [InlineData(32, 20, 6)] // FRA_UID_RANGE of 6 bytes
    public void A_value_too_short_for_its_attribute_is_a_format_error(int type, int attribute, int size)
    {
        var fixedSize = type == 20 ? 8 : type == 16 ? 16 : 12;
        var header = new byte[fixedSize];
        header[0] = 2;
        var bytes = new NetlinkRequest((ushort)type, 0).Bytes(header).Attribute((ushort)attribute, new byte[size]).ToArray();
        var e = Assert.Throws<NetlinkFormatException>(() => RouteMessages.Decode(RouteMessagesTests.Message(bytes), _ => null));
        Assert.Contains($"attribute {attribute} has {size} bytes", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_next_hop_of_length_zero_is_a_format_error_not_a_loop()
    {
        byte[] rtmsg = [2, 0, 0, 0, 254, 3, 0, 1, 0, 0, 0, 0];
        var bytes = new NetlinkRequest(24, 0).Bytes(rtmsg).Attribute(9, new byte[16]).ToArray();
        var e = Assert.Throws<NetlinkFormatException>(() => RouteMessages.Decode(RouteMessagesTests.Message(bytes), _ => null));
        Assert.Contains("next hop of 0 bytes", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_attributes_are_skipped_or_read_one_level_deep()
    {
        // 16,000 levels (an attribute's length is 16 bits, so this is about as deep as one can go),
        // once as an attribute nsock does not know and once as IFLA_LINKINFO, RTA_METRICS and RTA_MULTIPATH.
        foreach (var (type, fixedSize, attribute) in new (ushort, int, ushort)[] { (16, 16, 999), (16, 16, 18), (24, 12, 8), (24, 12, 9) })
        {
            const int Depth = 16_000;
            var nested = new byte[Depth * NetlinkAttribute.HeaderSize];
            for (var level = 0; level < Depth; level++)
            {
                // Level n starts at byte 4n and holds every level below it.
                BinaryPrimitives.WriteUInt16LittleEndian(nested.AsSpan(level * 4), (ushort)(nested.Length - (level * 4)));
                BinaryPrimitives.WriteUInt16LittleEndian(nested.AsSpan((level * 4) + 2), (ushort)(0x8000 | attribute));
            }

            var header = new byte[fixedSize];
            header[0] = 2;
            var bytes = new NetlinkRequest(type, 0).Bytes(header).Attribute(attribute, nested).ToArray();
            _ = DecodeOrFormatError(RouteMessagesTests.Message(bytes));
        }
    }

    [Fact]
    public async Task Thousands_of_mutated_kernel_messages_give_records_or_format_errors_only()
    {
        var random = new Random(20240612);
        var (decoded, rejected) = (0, 0);
        // On a thread of its own, so a decoder that loops fails the test instead of hanging the run.
        await Task.Run(() =>
        {
            for (var i = 0; i < 6000; i++)
            {
                // A captured message, decoded as what it is or, now and then, as another table's.
                var fixture = RouteMessagesTests.Message(AllFixtures[random.Next(AllFixtures.Length)]);
                var bytes = fixture.Payload.ToArray();
                var type = random.Next(8) == 0 ? DecodedTypes[random.Next(DecodedTypes.Length)] : fixture.Type;
                switch (random.Next(4))
                {
                    case 0: // flip a few bytes
                        for (var n = random.Next(1, 5); n > 0; n--)
                        {
                            bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                        }

                        break;
                    case 1: // cut it short
                        bytes = bytes[..random.Next(bytes.Length)];
                        break;
                    case 2: // an attribute length anywhere
                        var at = random.Next(bytes.Length - 1) & ~3;
                        bytes[at] = (byte)random.Next(256);
                        bytes[at + 1] = (byte)random.Next(3);
                        break;
                    default: // garbage
                        bytes = new byte[random.Next(64)];
                        random.NextBytes(bytes);
                        break;
                }

                if (DecodeOrFormatError(Raw(type, bytes)) is null)
                {
                    rejected++;
                }
                else
                {
                    decoded++;
                }
            }
        }, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.True(decoded > 100 && rejected > 100, $"decoded {decoded}, rejected {rejected}: the mutations should give both");
    }
}
