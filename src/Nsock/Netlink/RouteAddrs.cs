using System.Globalization;
using System.Runtime.InteropServices;
using Nsock.Terminal;

namespace Nsock.Netlink;

/// <summary>
/// RTM_NEWADDR/RTM_DELADDR (struct ifaddrmsg and IFA_* attributes) as <c>ip -o addr</c> prints
/// them. The line keeps ip's lifetimes (<c>valid_lft forever preferred_lft forever</c>) but not
/// its backslash line break: for a dynamic address they are what changes. The JSON is one object
/// per address (ip -j groups them per link): ifindex and ifname, then the fields of ip -j's
/// addr_info, flags as ip's separate booleans ("dynamic", "nodad", "tentative", ...).
/// </summary>
internal static class RouteAddrs
{
    public const int HeaderSize = 8; // struct ifaddrmsg

    private const ushort Address = 1, Local = 2, Label = 3, Broadcast = 4, Anycast = 5, CacheInfo = 6, FlagsAttribute = 8, Metric = 9;
    private const uint Secondary = 0x01, Deprecated = 0x20, Permanent = 0x80, Forever = uint.MaxValue;

    /// <summary>IFA_F_* in ip's order (print_ifa_flags); secondary and permanent are special-cased there and here.</summary>
    private static readonly (uint Bit, string Name)[] Flags =
    [
        (0x02, "nodad"), (0x04, "optimistic"), (0x08, "dadfailed"), (0x10, "home"), (0x20, "deprecated"),
        (0x40, "tentative"), (0x100, "mngtmpaddr"), (0x200, "noprefixroute"), (0x400, "autojoin"), (0x800, "stable-privacy"),
    ];

    /// <summary>
    /// Decodes one address. The device is named by <paramref name="linkName"/>; an index it does not
    /// know prints as <c>if7</c>, as ip does for an index it cannot name.
    /// </summary>
    public static NetlinkRecord Decode(NetlinkMessage message, Func<int, string?> linkName)
    {
        var (header, attributes) = RouteAttributes.Of(message, HeaderSize, "ifaddrmsg");
        var span = header.Span;
        var family = span[0];
        var prefixLength = span[1];
        var scope = span[3];
        var index = MemoryMarshal.Read<int>(span[4..]);
        var flags = attributes.U32(FlagsAttribute) ?? span[2];

        var dev = linkName(index) ?? $"if{index}";
        var json = new JsonFields().Add("ifindex", index).Add("ifname", dev);
        var words = new List<string> { $"{index}: {SafeText.Escape(dev)}   " };
        if (RouteNames.Family(family) is { } familyName)
        {
            words.Add(familyName);
            json.Add("family", familyName);
        }
        else
        {
            words.Add($"family {family}");
            json.Add("family_index", (long)family);
        }

        // IPv6 addresses carry only IFA_ADDRESS; a point-to-point one has both, and they differ.
        var local = attributes.Address(Local, family) ?? attributes.Address(Address, family);
        var peer = attributes.Address(Address, family) ?? local;
        if (local is not null)
        {
            json.Add("local", local);
            var shown = local;
            if (peer != local)
            {
                shown += " peer " + peer;
                json.Add("address", peer);
            }

            words.Add($"{shown}/{prefixLength}");
            json.Add("prefixlen", (long)prefixLength);
            if (attributes.U32(Metric) is { } metric)
            {
                words.Add($"metric {metric}");
                json.Add("metric", (long)metric);
            }
        }

        foreach (var (type, word, name) in new[] { (Broadcast, "brd", "broadcast"), (Anycast, "any", "anycast") })
        {
            if (attributes.Address(type, family) is { } other)
            {
                words.Add($"{word} {other}");
                json.Add(name, other);
            }
        }

        words.Add("scope " + RouteNames.Scope(scope));
        json.Add("scope", RouteNames.Scope(scope));
        AddFlags(words, json, flags, family);

        if (attributes.String(Label) is { } label)
        {
            words.Add(SafeText.Escape(label));
            json.Add("label", label);
        }

        if (attributes[CacheInfo] is { } info)
        {
            if (info.Value.Length < 8)
            {
                throw attributes.Short(info, 8);
            }

            // struct ifa_cacheinfo: ifa_prefered, ifa_valid, cstamp, tstamp.
            var preferred = MemoryMarshal.Read<uint>(info.Value.Span);
            var valid = MemoryMarshal.Read<uint>(info.Value.Span[4..]);
            var preferredText = preferred == Forever ? "forever"
                : (flags & Deprecated) != 0 ? $"{(int)preferred}sec" : $"{preferred}sec";
            words.Add($"valid_lft {(valid == Forever ? "forever" : $"{valid}sec")} preferred_lft {preferredText}");
            json.Add("valid_life_time", (long)valid)
                .Add("preferred_life_time", preferred != Forever && (flags & Deprecated) != 0 ? (int)preferred : (long)preferred);
        }

        return new NetlinkRecord("addr", string.Join(' ', words), json);
    }

    private static void AddFlags(List<string> words, JsonFields json, uint flags, int family)
    {
        if ((flags & Secondary) != 0)
        {
            var name = family == 10 ? "temporary" : "secondary";
            words.Add(name);
            json.Add(name, true);
        }

        foreach (var (bit, name) in Flags)
        {
            if ((flags & bit) != 0)
            {
                words.Add(name);
                json.Add(name, true);
            }

            if (bit == 0x40 && (flags & Permanent) == 0)
            {
                // ip says "dynamic" where the kernel did not say "permanent", just after tentative.
                words.Add("dynamic");
                json.Add("dynamic", true);
            }
        }

        var rest = flags & ~(Secondary | Permanent | Flags.Aggregate(0u, (all, f) => all | f.Bit));
        if (rest != 0)
        {
            var hex = rest.ToString("x2", CultureInfo.InvariantCulture);
            words.Add("flags " + hex);
            json.Add("ifa_flags", hex);
        }
    }
}
