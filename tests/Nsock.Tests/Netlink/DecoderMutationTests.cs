using Nsock.Netlink;

namespace Nsock.Tests.Netlink;

/// <summary>
/// The sock-diag, uevent and nlctrl decoders over thousands of inputs made from the captured
/// fixtures by flipping, cutting, inserting and overwriting bytes (fixed seed, so a failure
/// repeats): each input gives a record, null, or a NetlinkFormatException, never another
/// exception, never a line that breaks the terminal, and the whole run ends in bounded time.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // netlink is Linux\'s
public sealed class DecoderMutationTests
{
    private const int Rounds = 4000;

    private static readonly string[] NetlinkFixtures =
    [
        SockDiagTests.TcpListener, SockDiagTests.UdpOnLoopback6, SockDiagTests.UnixPathListener,
        SockDiagTests.UnixAbstractListener, SockDiagTests.UnixUnnamedPair, SockDiagTests.UnixDatagram,
        GenericFamiliesTests.Nlctrl, GenericFamiliesTests.Thermal,
    ];

    private static readonly string[] UeventFixtures =
        [UeventTests.AddV1, UeventTests.AddQueue, UeventTests.RemoveV0, UeventTests.UdevAddV0];

    [Fact]
    public void Mutated_netlink_messages_decode_or_are_format_errors()
    {
        var decoded = 0;
        var rejected = 0;
        RunBounded(random =>
        {
            var bytes = Mutate(random, Convert.FromHexString(NetlinkFixtures[random.Next(NetlinkFixtures.Length)]), keepHeader: random.Next(4) != 0);
            foreach (var message in NetlinkMessage.Split(bytes, out _))
            {
                foreach (var kind in (SockDiagKind[])[SockDiagKind.Tcp, SockDiagKind.Unix])
                {
                    Count(() => SockDiag.Decode(message, kind), ref decoded, ref rejected);
                }

                Count(() => GenericFamilies.Parse(message) is { } family ? GenericFamilies.Record(family) : null, ref decoded, ref rejected);
            }
        });
        Assert.True(decoded > Rounds / 10, $"only {decoded} inputs decoded");
        Assert.True(rejected > Rounds / 10, $"only {rejected} inputs rejected");
    }

    [Fact]
    public void Mutated_uevents_decode_or_are_format_errors()
    {
        var decoded = 0;
        var rejected = 0;
        RunBounded(random =>
        {
            var bytes = Mutate(random, Convert.FromHexString(UeventFixtures[random.Next(UeventFixtures.Length)]), keepHeader: false);
            Count(() => Uevent.Decode(bytes), ref decoded, ref rejected);
        });
        Assert.True(decoded > Rounds / 10, $"only {decoded} inputs decoded");
        Assert.True(rejected > Rounds / 20, $"only {rejected} inputs rejected");
    }

    /// <summary>Runs <paramref name="round"/> <see cref="Rounds"/> times on a thread of its own, failing if that takes more than a minute.</summary>
    private static void RunBounded(Action<Random> round)
    {
        var random = new Random(20240612);
        var run = Task.Run(() =>
        {
            for (var i = 0; i < Rounds; i++)
            {
                round(random);
            }
        });
        Assert.True(run.Wait(TimeSpan.FromMinutes(1)), "the decoder did not finish");
    }

    private static void Count(Func<NetlinkRecord?> decode, ref int decoded, ref int rejected)
    {
        NetlinkRecord? record;
        try
        {
            record = decode();
        }
        catch (NetlinkFormatException)
        {
            rejected++;
            return;
        }

        if (record is not null)
        {
            decoded++;
            _ = record.ToJson();
            Assert.DoesNotContain(record.Line, c => char.IsControl(c) || c is '\u202e' or '\u2028');
        }
    }

    /// <summary>
    /// One to four changes to a copy of <paramref name="original"/>; with <paramref name="keepHeader"/>
    /// the nlmsghdr's length is then set to the new size, so the decoder (not the splitter) meets the damage.
    /// </summary>
    private static byte[] Mutate(Random random, byte[] original, bool keepHeader)
    {
        var bytes = new List<byte>(original);
        var start = keepHeader ? NetlinkHeader.Size : 0;
        for (var changes = random.Next(1, 5); changes > 0 && bytes.Count > start; changes--)
        {
            var at = random.Next(start, bytes.Count);
            switch (random.Next(6))
            {
                case 0: // flip bits
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // a random byte
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2: // cut the end off
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3: // remove a few bytes
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 9), bytes.Count - at));
                    break;
                case 4: // insert a few
                    bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256)));
                    break;
                default: // an interesting value: 0, 0xff, a NUL, '@', '=', ESC or a small length
                    bytes[at] = (byte)new[] { 0, 0xff, 0x40, 0x3d, 0x1b, 4, 8, 0x80 }[random.Next(8)];
                    break;
            }
        }

        var result = bytes.ToArray();
        if (keepHeader && result.Length >= NetlinkHeader.Size)
        {
            BitConverter.TryWriteBytes(result, (uint)result.Length);
        }

        return result;
    }
}
