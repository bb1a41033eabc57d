using System.Globalization;

namespace Nsock.Netlink;

/// <summary>
/// The netlink protocols (the third argument of socket(AF_NETLINK, ...)), by the names nsock
/// gives them on its command line, with the kernel's own (linux/netlink.h) as aliases.
/// </summary>
internal static class NetlinkProtocol
{
    public const int Route = 0, SockDiag = 4, Netfilter = 12, Uevent = 15, Generic = 16;

    /// <summary>Name, number, other names; the first name is how nsock prints it.</summary>
    public static readonly (string Name, int Number, string[] Aliases)[] All =
    [
        ("route", 0, ["rtnetlink"]),
        ("usersock", 2, []),
        ("firewall", 3, []),
        ("sock-diag", 4, ["inet-diag", "sock_diag", "inet_diag"]),
        ("nflog", 5, []),
        ("xfrm", 6, []),
        ("selinux", 7, []),
        ("iscsi", 8, []),
        ("audit", 9, []),
        ("fib-lookup", 10, ["fib_lookup"]),
        ("connector", 11, []),
        ("netfilter", 12, ["nfnetlink"]),
        ("ip6-fw", 13, ["ip6_fw"]),
        ("dnrtmsg", 14, []),
        ("uevent", 15, ["kobject-uevent", "kobject_uevent"]),
        ("generic", 16, ["genl", "genetlink"]),
        ("scsitransport", 18, []),
        ("ecryptfs", 19, []),
        ("rdma", 20, []),
        ("crypto", 21, []),
        ("smc", 22, []),
    ];

    /// <summary>The largest protocol number the kernel accepts (MAX_LINKS - 1).</summary>
    public const int Max = 31;

    /// <summary>The protocol <paramref name="text"/> names (a name or a number 0-31), or null.</summary>
    public static int? Parse(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number <= Max ? number : null;
        }

        foreach (var (name, value, aliases) in All)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase) || aliases.Contains(text, StringComparer.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>How nsock names protocol <paramref name="number"/>: its name, or the number.</summary>
    public static string NameOf(int number) =>
        All.FirstOrDefault(p => p.Number == number).Name ?? number.ToString(CultureInfo.InvariantCulture);
}
