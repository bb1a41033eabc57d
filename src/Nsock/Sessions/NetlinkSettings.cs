using Nsock.LocalEnds;
using Nsock.Netlink;

namespace Nsock.Sessions;

/// <summary>What a netlink table is, as asked for on the command line: a route table, a socket kind, or the generic families.</summary>
internal abstract record NetlinkTarget(int Protocol)
{
    public sealed record Route(RouteTable Table) : NetlinkTarget(NetlinkProtocol.Route);

    public sealed record Sockets(SockDiagKind Kind, bool Listening) : NetlinkTarget(NetlinkProtocol.SockDiag);

    /// <summary>The generic netlink families; <paramref name="Name"/>: only that one.</summary>
    public sealed record Families(string? Name) : NetlinkTarget(NetlinkProtocol.Generic);
}

/// <summary><c>--dump</c>: one request (or one per family), the answer decoded; <paramref name="Family"/> is 0, AF_INET or AF_INET6.</summary>
internal sealed record NetlinkDumpSettings(NetlinkTarget Target, int Family, DatagramFormat Format);

/// <summary>
/// <c>--monitor</c>: route <paramref name="Tables"/> (none: uevents), of <paramref name="Family"/>;
/// ends after <paramref name="Count"/> events or <paramref name="Idle"/> without one.
/// </summary>
internal sealed record NetlinkMonitorSettings(
    int Protocol, IReadOnlyList<RouteTable> Tables, int Family, DatagramFormat Format, int? Count, TimeSpan? Idle,
    bool Resync, int? ReceiveBuffer, string? Subsystem);

/// <summary>
/// <c>--raw</c>: stdin's messages to the kernel (<paramref name="Fill"/>: nsock sets length,
/// sequence, port id), replies raw or annotated (<paramref name="Format"/> raw or hex).
/// <paramref name="GenericFamily"/>: with --fill, each message's type becomes that family's id.
/// </summary>
internal sealed record NetlinkRawSettings(
    int Protocol, IReadOnlyList<string> Groups, bool Fill, DatagramFormat Format, int? Count, TimeSpan? Idle,
    int? ReceiveBuffer, string? GenericFamily);
