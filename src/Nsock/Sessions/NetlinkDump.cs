using System.Runtime.Versioning;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Netlink;
using Nsock.Relay;

namespace Nsock.Sessions;

/// <summary>
/// <c>--dump</c>: one request (one per IP family for sockets), the kernel's multi-part answer
/// decoded into one record per object, or printed as it came (raw, hex).
/// </summary>
[SupportedOSPlatform("linux")]
internal static class NetlinkDump
{
    private const byte AfInet = 2, AfInet6 = 10;

    public static async Task<int> RunAsync(NetlinkDumpSettings settings, CancellationToken ct)
    {
        var target = settings.Target;
        var printer = new NetlinkPrinter(new StdoutSink(StdioHandles.OpenStdout()), settings.Format, target.Protocol);
        using var channel = Endpoints.Netlink.Open(target.Protocol, []);
        var names = target is NetlinkTarget.Route ? await LinkNames.LoadAsync(ct).ConfigureAwait(false) : null;
        var clock = new ActivityClock();
        var decode = Decoder(target, names);
        return await DatagramSession.RunAsync(async token =>
        {
            var interrupted = false;
            foreach (var request in Requests(settings))
            {
                interrupted |= await NetlinkExchange.RequestAsync(channel, request, (datagram, messages) => PrintAsync(printer, channel.Name, datagram, messages, decode, token), token, clock, Refusal(target)).ConfigureAwait(false);
            }

            await printer.CompleteAsync(token).ConfigureAwait(false);
            if (interrupted)
            {
                // What was printed is what the kernel sent; only its completeness is in doubt: a warning, not a failure.
                Terminal.Stderr.Warning(channel.Name, NetlinkExchange.Interrupted + "; run it again");
            }
        }, clock, null, channel.Name, ct).ConfigureAwait(false);
    }

    /// <summary>The dump requests for <paramref name="settings"/>, numbered from 1.</summary>
    internal static IEnumerable<byte[]> Requests(NetlinkDumpSettings settings) => settings.Target switch
    {
        NetlinkTarget.Route route => [RouteMessages.DumpRequest(route.Table, settings.Family, 1)],
        NetlinkTarget.Sockets sockets => SockDiag.DumpRequests(sockets.Kind, sockets.Listening, 1)
            .Where(r => settings.Family == 0 || sockets.Kind == SockDiagKind.Unix || r[NetlinkHeader.Size] == settings.Family),
        NetlinkTarget.Families { Name: { } name } => [GenericFamilies.GetRequest(name, 1)],
        NetlinkTarget.Families => [GenericFamilies.DumpRequest(1)],
        _ => [],
    };

    private static Func<NetlinkError, NsockException?> Refusal(NetlinkTarget target) => error =>
        target is NetlinkTarget.Families { Name: { } name } && error.Errno == Platform.Errno.ENOENT
            ? new NsockException(ExitCodes.Network, "netlink generic", $"no family named '{Terminal.SafeText.Escape(name)}'")
            : null;

    /// <summary>How a message of <paramref name="target"/> becomes a record (null: not an object, e.g. NLMSG_DONE).</summary>
    internal static Func<NetlinkMessage, NetlinkRecord?> Decoder(NetlinkTarget target, LinkNames? names) => target switch
    {
        NetlinkTarget.Route => message => RouteMessages.Decode(message, index => names?[index]),
        NetlinkTarget.Sockets sockets => message => SockDiag.Decode(message, sockets.Kind),
        _ => message => GenericFamilies.Parse(message) is { } family ? GenericFamilies.Record(family) : null,
    };

    private static async ValueTask PrintAsync(NetlinkPrinter printer, string name, byte[] datagram, IReadOnlyList<NetlinkMessage> messages, Func<NetlinkMessage, NetlinkRecord?> decode, CancellationToken ct)
    {
        if (printer.PrintsBytes)
        {
            await printer.WriteBytesAsync(datagram, ct).ConfigureAwait(false);
            return;
        }

        foreach (var message in messages)
        {
            if (message.Type >= NetlinkHeader.MinType && Decode(decode, message, name) is { } record)
            {
                printer.Add(record);
            }
        }

        await printer.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Decodes one message from the kernel; a malformed one ends the run (exit 1).</summary>
    internal static NetlinkRecord? Decode(Func<NetlinkMessage, NetlinkRecord?> decode, NetlinkMessage message, string name)
    {
        try
        {
            return decode(message);
        }
        catch (NetlinkFormatException e)
        {
            throw NetlinkExchange.KernelFault(name, e.Problem);
        }
    }
}
