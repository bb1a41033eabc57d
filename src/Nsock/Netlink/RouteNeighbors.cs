using System.Runtime.InteropServices;
using Nsock.Terminal;

namespace Nsock.Netlink;

/// <summary>
/// RTM_NEWNEIGH/RTM_DELNEIGH (struct ndmsg and NDA_* attributes) as <c>ip -o neigh</c> prints
/// them, and with <c>ip -j neigh</c>'s names. Unlike ip, entries in state NOARP are shown too (a
/// dump is every entry). ip -j writes the flags "router", "proxy"... as null-valued members;
/// here they are <c>true</c>. A link-layer address is hex bytes whatever the link's type.
/// </summary>
internal static class RouteNeighbors
{
    public const int HeaderSize = 12; // struct ndmsg

    private const ushort Dst = 1, LinkLayerAddress = 2, Protocol = 12, FlagsExt = 15;
    private const int Bridge = 7;

    /// <summary>NUD_* in ip's order.</summary>
    private static readonly (int Bit, string Name)[] States =
    [
        (0x01, "INCOMPLETE"), (0x02, "REACHABLE"), (0x04, "STALE"), (0x08, "DELAY"), (0x10, "PROBE"),
        (0x20, "FAILED"), (0x40, "NOARP"), (0x80, "PERMANENT"),
    ];

    /// <summary>NTF_* flags ip prints, in its order (NTF_EXT_MANAGED is in NDA_FLAGS_EXT, marked by a high bit here).</summary>
    private static readonly (uint Bit, string Name)[] Flags =
    [
        (0x80, "router"), (0x08, "proxy"), (0x100_0000, "managed"), (0x10, "extern_learn"), (0x20, "offload"),
    ];

    /// <summary>Decodes one neighbour; the device is named by <paramref name="linkName"/>, <c>if7</c> when it cannot.</summary>
    public static NetlinkRecord Decode(NetlinkMessage message, Func<int, string?> linkName)
    {
        var (header, attributes) = RouteAttributes.Of(message, HeaderSize, "ndmsg");
        var span = header.Span;
        var family = span[0];
        var index = MemoryMarshal.Read<int>(span[4..]);
        var state = MemoryMarshal.Read<ushort>(span[8..]);
        var flags = span[10] | ((attributes.U32(FlagsExt) ?? 0) & 1u) << 24;

        var words = new List<string>();
        var json = new JsonFields();
        if (attributes.Bytes(Dst) is { } dstBytes)
        {
            // A bridge's entries hold an IP address of either family.
            var dst = attributes.FormatAddress(family == Bridge ? 0 : family, dstBytes.Span, Dst);
            words.Add(dst);
            json.Add("dst", dst);
        }

        if (index != 0)
        {
            var dev = linkName(index) ?? $"if{index}";
            words.Add("dev " + SafeText.Escape(dev));
            json.Add("dev", dev);
        }

        if (attributes.Bytes(LinkLayerAddress) is { Length: > 0 } lladdrBytes)
        {
            var lladdr = RouteAttributes.LinkAddress(lladdrBytes.Span, 1);
            words.Add("lladdr " + lladdr);
            json.Add("lladdr", lladdr);
        }

        foreach (var (bit, name) in Flags)
        {
            if ((flags & bit) != 0)
            {
                words.Add(name);
                json.Add(name, true);
            }
        }

        if (state != 0)
        {
            var names = States.Where(s => (state & s.Bit) != 0).Select(s => s.Name).ToList();
            words.AddRange(names);
            json.Add("state", names);
        }

        if (attributes.U8(Protocol) is { } protocol and not 0)
        {
            words.Add("proto " + RouteNames.Protocol(protocol));
            json.Add("protocol", RouteNames.Protocol(protocol));
        }

        return new NetlinkRecord("neigh", string.Join(' ', words), json);
    }
}
