using System.Runtime.Versioning;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Netlink;
using Nsock.Relay;
using Nsock.Terminal;

namespace Nsock.Sessions;

/// <summary>
/// <c>--monitor</c>: joins the multicast groups of the watched tables (route) or the kernel's
/// uevents, and prints each event as it happens, stamped with the time. When the kernel drops
/// events (ENOBUFS: the receive buffer was full) an <c>overrun</c> record says so and the
/// monitor goes on; with <c>--resync</c> the watched tables are then dumped again (<c>=link</c>
/// ...) and a <c>synced</c> record closes the new picture, so a consumer can rebuild its state.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class NetlinkMonitor
{
    private const int LinkGroup = 1, UeventKernelGroup = 1;

    public static async Task<int> RunAsync(NetlinkMonitorSettings settings, CancellationToken ct)
    {
        var route = settings.Protocol == NetlinkProtocol.Route;
        // Route monitors also hear link events, unprinted unless asked for, so the names they print stay current.
        IReadOnlyCollection<int> groups = route
            ? [.. settings.Tables.SelectMany(t => RouteMessages.MulticastGroups(t, settings.Family)).Append(LinkGroup).Distinct()]
            : [UeventKernelGroup];
        var printer = new NetlinkPrinter(new StdoutSink(StdioHandles.OpenStdout()), settings.Format, settings.Protocol);
        using var channel = Endpoints.Netlink.Open(settings.Protocol, groups, settings.ReceiveBuffer);
        var names = route ? await LinkNames.LoadAsync(ct).ConfigureAwait(false) : null;
        Log.Info(route ? $"listening on {channel.Name} ({string.Join(',', settings.Tables.Select(Name))})" : $"listening on {channel.Name}");
        var watch = new Watch(settings, printer, channel, names);
        return await DatagramSession.RunAsync(watch.RunAsync, watch.Clock, settings.Idle, channel.Name, ct).ConfigureAwait(false);
    }

    /// <summary>How a table is named on the command line and in the readiness line.</summary>
    internal static string Name(RouteTable table) => table.ToString().ToLowerInvariant();

    private sealed class Watch(NetlinkMonitorSettings settings, NetlinkPrinter printer, NetlinkChannel channel, LinkNames? names)
    {
        private LinkNames? _names = names;
        private int _events;

        public ActivityClock Clock { get; } = new();

        private bool Enough => settings.Count is { } count && _events >= count;

        public async Task RunAsync(CancellationToken ct)
        {
            while (!Enough)
            {
                byte[] datagram;
                try
                {
                    datagram = await channel.ReceiveAsync(ct).ConfigureAwait(false);
                }
                catch (Exception e) when (NetlinkChannel.IsOverrun(e))
                {
                    await OverrunAsync(ct).ConfigureAwait(false);
                    continue;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw channel.Explain(e, null);
                }

                var now = DateTimeOffset.UtcNow;
                if (settings.Protocol == NetlinkProtocol.Route)
                {
                    await RouteEventsAsync(datagram, now, ct).ConfigureAwait(false);
                }
                else
                {
                    await UeventAsync(datagram, now, ct).ConfigureAwait(false);
                }
            }

            await printer.CompleteAsync(ct).ConfigureAwait(false);
        }

        private async ValueTask RouteEventsAsync(byte[] datagram, DateTimeOffset now, CancellationToken ct)
        {
            var shown = false;
            foreach (var message in NetlinkExchange.Split(channel.Name, datagram))
            {
                var table = message.Type >= NetlinkHeader.MinType ? RouteMessages.TableOf(message.Type) : null;
                if (table is null || !settings.Tables.Contains(table.Value) || !OfFamily(message, table.Value))
                {
                    _names?.Update(message);
                    continue;
                }

                shown = true;
                if (!printer.PrintsBytes && Decode(message, channel.Name) is { } record)
                {
                    printer.Add(record, now, (RouteMessages.IsDeletion(message.Type) ? "-" : "+") + record.Kind);
                }

                _names?.Update(message);
                if (++_events == settings.Count)
                {
                    break;
                }
            }

            if (shown)
            {
                Clock.Touch(); // -i counts the events this monitor shows, not what it hears
            }

            if (printer.PrintsBytes && shown)
            {
                await printer.WriteBytesAsync(datagram, ct).ConfigureAwait(false);
            }

            await printer.FlushAsync(ct).ConfigureAwait(false);
        }

        private async ValueTask UeventAsync(byte[] datagram, DateTimeOffset now, CancellationToken ct)
        {
            NetlinkRecord? record;
            try
            {
                record = Uevent.Decode(datagram);
            }
            catch (NetlinkFormatException e)
            {
                throw NetlinkExchange.KernelFault(channel.Name, e.Problem);
            }

            if (record is null || (settings.Subsystem is { } wanted && !string.Equals(record.Fields["SUBSYSTEM"] as string, wanted, StringComparison.Ordinal)))
            {
                return;
            }

            _events++;
            Clock.Touch();
            if (printer.PrintsBytes)
            {
                await printer.WriteBytesAsync(datagram, ct).ConfigureAwait(false);
                return;
            }

            printer.Add(record, now, record.Fields["ACTION"] as string ?? "uevent");
            await printer.FlushAsync(ct).ConfigureAwait(false);
        }

        private NetlinkRecord? Decode(NetlinkMessage message, string name) =>
            NetlinkDump.Decode(m => RouteMessages.Decode(m, index => _names?[index]), message, name);

        // Group membership already picks the family for addresses, routes and rules; neighbours
        // of both families share one group. Every fixed header starts with its family byte.
        private bool OfFamily(NetlinkMessage message, RouteTable table) =>
            settings.Family == 0 || table == RouteTable.Links || message.Payload.Length == 0 || message.Payload.Span[0] == settings.Family;

        private async Task OverrunAsync(CancellationToken ct)
        {
            var now = DateTimeOffset.UtcNow;
            Clock.Touch();
            var resync = settings.Resync && settings.Protocol == NetlinkProtocol.Route;

            // The kernel drops every event until the queue has been emptied once: before a new
            // dump, what is queued is dropped here (the dump is newer); without one, it is
            // printed as it is read, and the events lost meanwhile are this overrun's too.
            var discarded = resync ? channel.DiscardQueued() : 0;
            printer.AddNotice(now, "overrun", "overrun: the kernel dropped events: the receive buffer was full"
                + (resync ? $"; dumping the tables again ({discarded} queued events superseded)" : " (--resync dumps the tables again)"),
                new JsonFields().Add("rcvbuf", channel.ReceiveBufferSize).Add("superseded", resync ? discarded : null));
            await printer.FlushAsync(ct).ConfigureAwait(false);
            if (!resync)
            {
                return;
            }

            _names = await LinkNames.LoadAsync(ct).ConfigureAwait(false);
            using var dumping = Endpoints.Netlink.Open(NetlinkProtocol.Route, []);
            uint sequence = 1;
            var interrupted = false;
            foreach (var table in settings.Tables)
            {
                var request = RouteMessages.DumpRequest(table, settings.Family, sequence++);
                interrupted |= await NetlinkExchange.RequestAsync(dumping, request, (datagram, messages) =>
                {
                    if (printer.PrintsBytes)
                    {
                        return printer.WriteBytesAsync(datagram, ct);
                    }

                    foreach (var message in messages)
                    {
                        if (message.Type >= NetlinkHeader.MinType && Decode(message, dumping.Name) is { } record)
                        {
                            printer.Add(record, now, "=" + record.Kind);
                        }
                    }

                    return printer.FlushAsync(ct);
                }, ct, Clock).ConfigureAwait(false);
            }

            printer.AddNotice(DateTimeOffset.UtcNow, "synced", interrupted
                ? $"synced: {NetlinkExchange.Interrupted}; events follow"
                : "synced: the tables dumped since the overrun are the kernel's state; events follow", new JsonFields().Add("consistent", !interrupted));
            await printer.FlushAsync(ct).ConfigureAwait(false);
        }
    }
}
