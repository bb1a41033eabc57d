using System.CommandLine;

namespace Nsock.Commands;

/// <summary>
/// Options that belong together. A command declares the groups of all its modes (for parsing and
/// help); each mode takes the groups that apply to it, and <see cref="Modes"/> refuses the rest.
/// </summary>
internal static class OptionGroups
{
    /// <summary>Which addresses: -4, -6, -n.</summary>
    public static readonly Option[] Family = [Options.Ipv4, Options.Ipv6, Options.Numeric];

    /// <summary>Reaching a TCP server: -w, -s ADDR[:PORT], -p PORT.</summary>
    public static readonly Option[] Connecting = [Options.Timeout, Options.Source, Options.LocalPort];

    /// <summary>Probing: -z, --parallel, --format, --open, --any, --wait, --closed.</summary>
    public static readonly Option[] Probing = [Options.Zero, Options.Parallel, Options.Format, Options.OpenOnly, Options.Any, Options.Wait, Options.UntilClosed];

    /// <summary>After stdin ends, on a stream: -q (wait for the peer at most so long), -N (nc's half-close, always on).</summary>
    public static readonly Option[] StdinEnd = [Options.QuitAfter, Options.HalfClose];

    /// <summary>nc's way to name a server's port: -l (redundant here), -p PORT.</summary>
    public static readonly Option[] ServerHabits = [Options.Listen, Options.LocalPort];

    /// <summary>How bytes move, in every mode: -i, --crlf, --hex, --buffer-size.</summary>
    public static readonly Option[] Relay = [Options.IdleTimeout, Options.Crlf, Options.Hex, Options.BufferSize];

    /// <summary>Which ways a stream's bytes move: --send-only, --recv-only.</summary>
    public static readonly Option[] Direction = [Options.SendOnly, Options.RecvOnly];

    /// <summary>A person at a stream client: --interactive.</summary>
    public static readonly Option[] Person = [Options.Interactive];

    /// <summary>A stream server: --backlog, -k, --echo, --stamp.</summary>
    public static readonly Option[] StreamServing = [Options.Backlog, Options.KeepOpen, Options.Echo, Options.Stamp];

    /// <summary>A stream server with -k: --max-conns.</summary>
    public static readonly Option[] ManyClients = [Options.MaxConns];

    /// <summary>A datagram client: --lines, --wait, -c (replies), --format.</summary>
    public static readonly Option[] DatagramClient = [Options.Lines, Options.Wait, Options.Count, Options.Format];

    /// <summary>A datagram server: -c, --format, --echo, --stamp, --reply.</summary>
    public static readonly Option[] DatagramServing = [Options.Count, Options.Format, Options.Echo, Options.Stamp, Options.Reply];

    /// <summary>A UDP sender: -s ADDR[:PORT], -p PORT, --broadcast, --ttl, --interface.</summary>
    public static readonly Option[] UdpSending = [Options.Source, Options.LocalPort, Options.Broadcast, Options.Ttl, Options.Interface];

    /// <summary>A UDP receiver's multicast: --group, --interface.</summary>
    public static readonly Option[] Multicast = [Options.Group, Options.Interface];

    /// <summary>The unix command's mode switches: -l, -u.</summary>
    public static readonly Option[] UnixModes = [Options.Listen, Options.Dgram];

    /// <summary>A socket file nsock makes: --mode.</summary>
    public static readonly Option[] SocketFile = [Options.Mode];

    /// <summary>A unix datagram client's own address: -s PATH.</summary>
    public static readonly Option[] OwnAddress = [Options.UnixSource];

    /// <summary>Netlink output: --format line|json (raw and hex: the kernel's bytes, plain or annotated).</summary>
    public static readonly Option[] NetlinkOutput = [Options.Format];

    /// <summary>A netlink dump: --dump TABLE.</summary>
    public static readonly Option[] NetlinkDumping = [Options.Dump];

    /// <summary>A netlink monitor: --monitor, -c, -i, --rcvbuf.</summary>
    public static readonly Option[] NetlinkMonitoring = [Options.Monitor, Options.Count, Options.IdleTimeout, Options.ReceiveBuffer];

    /// <summary>Raw netlink: --raw, --groups, --fill, --hex, -c, -i, --rcvbuf.</summary>
    public static readonly Option[] NetlinkRaw = [Options.Raw, Options.Groups, Options.Fill, Options.Hex, Options.Count, Options.IdleTimeout, Options.ReceiveBuffer];

    /// <summary>Adds the groups' options to <paramref name="command"/>, each once.</summary>
    public static void AddTo(Command command, params Option[][] groups)
    {
        foreach (var option in groups.SelectMany(g => g).Distinct())
        {
            command.Options.Add(option);
        }
    }
}
