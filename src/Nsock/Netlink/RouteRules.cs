using System.Runtime.InteropServices;
using Nsock.Terminal;

namespace Nsock.Netlink;

/// <summary>
/// RTM_NEWRULE/RTM_DELRULE (struct fib_rule_hdr and FRA_* attributes) as <c>ip -o rule</c>
/// prints them (<c>0:&lt;TAB&gt;from all lookup local</c>), and with <c>ip -j rule</c>'s names;
/// ip -j's null-valued members ("not", "nop", "iif_detached"...) are <c>true</c> here. Not
/// decoded: realms, tunnel ids.
/// </summary>
internal static class RouteRules
{
    public const int HeaderSize = 12; // struct fib_rule_hdr

    private const ushort Dst = 1, Src = 2, InputName = 3, Goto = 4, Priority = 6, FwMark = 10, SuppressGroup = 13;
    private const ushort SuppressPrefix = 14, Table = 15, FwMask = 16, OutputName = 17, L3mdev = 19, UidRange = 20;
    private const ushort Protocol = 21, IpProtocol = 22, SourcePorts = 23, DestinationPorts = 24, Gateway = 5;
    private const uint Invert = 0x2, Unresolved = 0x4, InputDetached = 0x8, OutputDetached = 0x10;
    private const int ToTable = 1, ActionGoto = 2, Nop = 3, Nat = 10;

    public static NetlinkRecord Decode(NetlinkMessage message)
    {
        var (header, attributes) = RouteAttributes.Of(message, HeaderSize, "fib_rule_hdr");
        var span = header.Span;
        var (family, dstLength, srcLength, tos, action) = (span[0], span[1], span[2], span[3], span[7]);
        var flags = MemoryMarshal.Read<uint>(span[8..]);
        var table = attributes.U32(Table) ?? span[4];
        var priority = attributes.U32(Priority) ?? 0;

        var words = new List<string>();
        // A dump of every family holds IPv4, IPv6 and multicast-routing rules that read alike:
        // the family is named (ip shows one family at a time and never names it).
        var familyName = RouteNames.Family(family) ?? RouteNames.Number(family);
        var json = new JsonFields().Add("family", familyName).Add("priority", (long)priority);
        if ((flags & Invert) != 0)
        {
            words.Add("not");
            json.Add("not", true);
        }

        AddPrefix(words, json, attributes, Src, family, srcLength, "from", "src", "all");
        AddPrefix(words, json, attributes, Dst, family, dstLength, "to", "dst", null);
        if (tos != 0)
        {
            words.Add($"tos 0x{tos:x2}");
            json.Add("tos", $"0x{tos:x2}");
        }

        if (attributes.Has(FwMark) || attributes.Has(FwMask))
        {
            var mark = RouteNames.Hex(attributes.U32(FwMark) ?? 0);
            json.Add("fwmark", mark);
            if (attributes.U32(FwMask) is { } mask and not uint.MaxValue)
            {
                words.Add($"fwmark {mark}/{RouteNames.Hex(mask)}");
                json.Add("fwmask", RouteNames.Hex(mask));
            }
            else
            {
                words.Add("fwmark " + mark);
            }
        }

        AddInterface(words, json, attributes.String(InputName), "iif", (flags & InputDetached) != 0);
        AddInterface(words, json, attributes.String(OutputName), "oif", (flags & OutputDetached) != 0);
        if (attributes.U8(L3mdev) is > 0)
        {
            words.Add("lookup [l3mdev-table]");
            json.Add("l3mdev", true);
        }

        if (attributes[UidRange] is { } uids)
        {
            var (start, end) = Pair32(attributes, uids);
            words.Add($"uidrange {start}-{end}");
            json.Add("uid_start", (long)start).Add("uid_end", (long)end);
        }

        if (attributes.U8(IpProtocol) is { } ipProtocol)
        {
            var name = ipProtocol switch { 1 => "icmp", 6 => "tcp", 17 => "udp", 58 => "ipv6-icmp", 132 => "sctp", _ => $"ipproto-{ipProtocol}" };
            words.Add("ipproto " + name);
            json.Add("ipproto", name);
        }

        AddPorts(words, json, attributes, SourcePorts, "sport");
        AddPorts(words, json, attributes, DestinationPorts, "dport");
        if (table != 0)
        {
            words.Add("lookup " + RouteNames.Table(table));
            json.Add("table", RouteNames.Table(table));
            if (attributes.U32(SuppressPrefix) is { } prefix and not uint.MaxValue)
            {
                words.Add($"suppress_prefixlength {(int)prefix}");
                json.Add("suppress_prefixlen", (int)prefix);
            }

            if (attributes.U32(SuppressGroup) is { } group and not uint.MaxValue)
            {
                words.Add("suppress_ifgroup " + RouteNames.Group(group));
                json.Add("suppress_ifgroup", RouteNames.Group(group));
            }
        }

        AddAction(words, json, attributes, action, family, flags);
        if (attributes.U8(Protocol) is { } protocol and not 0 and not 2)
        {
            words.Add("proto " + RouteNames.Protocol(protocol));
            json.Add("protocol", RouteNames.Protocol(protocol));
        }

        return new NetlinkRecord("rule", $"{familyName} {priority}:\t{string.Join(' ', words)}", json);
    }

    private static void AddPrefix(List<string> words, JsonFields json, RouteAttributes attributes, ushort type, int family, int length, string word, string name, string? none)
    {
        if (attributes.Bytes(type) is { } bytes)
        {
            var address = attributes.FormatAddress(family, bytes.Span, type);
            json.Add(name, address);
            if (length != bytes.Length * 8)
            {
                json.Add(name + "len", (long)length);
                address += $"/{length}";
            }

            words.Add($"{word} {address}");
        }
        else if (length != 0)
        {
            words.Add($"{word} 0/{length}");
            json.Add(name, "0").Add(name + "len", (long)length);
        }
        else if (none is not null)
        {
            words.Add($"{word} {none}");
            json.Add(name, none);
        }
    }

    private static void AddInterface(List<string> words, JsonFields json, string? name, string word, bool detached)
    {
        if (name is null)
        {
            return;
        }

        words.Add($"{word} {SafeText.Escape(name)}");
        json.Add(word, name);
        if (detached)
        {
            words.Add("[detached]");
            json.Add(word + "_detached", true);
        }
    }

    private static (uint Start, uint End) Pair32(RouteAttributes attributes, NetlinkAttribute attribute) =>
        attribute.Value.Length >= 8
            ? (MemoryMarshal.Read<uint>(attribute.Value.Span), MemoryMarshal.Read<uint>(attribute.Value.Span[4..]))
            : throw attributes.Short(attribute, 8);

    /// <summary>struct fib_rule_port_range: two 16-bit ports, one number when they are the same.</summary>
    private static void AddPorts(List<string> words, JsonFields json, RouteAttributes attributes, ushort type, string name)
    {
        if (attributes[type] is not { } range)
        {
            return;
        }

        if (range.Value.Length < 4)
        {
            throw attributes.Short(range, 4);
        }

        var start = MemoryMarshal.Read<ushort>(range.Value.Span);
        var end = MemoryMarshal.Read<ushort>(range.Value.Span[2..]);
        if (start == end)
        {
            words.Add($"{name} {start}");
            json.Add(name, (long)start);
        }
        else
        {
            words.Add($"{name} {start}-{end}");
            json.Add(name + "_start", (long)start).Add(name + "_end", (long)end);
        }
    }

    private static void AddAction(List<string> words, JsonFields json, RouteAttributes attributes, int action, int family, uint flags)
    {
        switch (action)
        {
            case Nat when attributes.Address(Gateway, family) is { } gateway:
                words.Add("map-to " + gateway);
                json.Add("nat_gateway", gateway);
                break;
            case Nat:
                words.Add("masquerade");
                json.Add("masquerade", true);
                break;
            case ActionGoto:
                if (attributes.U32(Goto) is { } target)
                {
                    words.Add($"goto {target}");
                    json.Add("goto", (long)target);
                }
                else
                {
                    words.Add("goto none");
                    json.Add("goto", "none");
                }

                if ((flags & Unresolved) != 0)
                {
                    words.Add("[unresolved]");
                    json.Add("unresolved", true);
                }

                break;
            case Nop:
                words.Add("nop");
                json.Add("nop", true);
                break;
            case not ToTable:
                words.Add(RouteNames.RouteType(action));
                json.Add("action", RouteNames.RouteType(action));
                break;
        }
    }
}
