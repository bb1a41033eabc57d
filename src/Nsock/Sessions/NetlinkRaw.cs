using System.Runtime.Versioning;
using Nsock.Endpoints;
using Nsock.LocalEnds;
using Nsock.Netlink;
using Nsock.Relay;

namespace Nsock.Sessions;

/// <summary>
/// <c>--raw</c>, the netcat of netlink: stdin's messages go to the kernel through the datagram
/// relay, every datagram the kernel sends back goes to stdout as it is (or annotated). It ends
/// when stdin has ended and every request has had the kernel's last word (NLMSG_DONE for a dump,
/// the ACK otherwise); requests that asked for neither get a quiet second (or -i) for their
/// replies. With --groups it listens on until -c N datagrams, -i, or a signal.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class NetlinkRaw
{
    private static readonly TimeSpan QuietForUnanswerable = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(NetlinkRawSettings settings, CancellationToken ct)
    {
        var family = settings.GenericFamily is { } familyName ? await GenericFamilyAsync(familyName, ct).ConfigureAwait(false) : null;
        var groups = settings.Groups.Select(name => NetlinkGroups.Resolve(settings.Protocol, name, family) is { Count: > 0 } numbers
            ? numbers
            : throw NsockException.Usage(name, $"not a multicast group of {NetlinkProtocol.NameOf(settings.Protocol)}" + (family is null && settings.Protocol == NetlinkProtocol.Generic ? " (name the family with --family, or give numbers)" : ""))).SelectMany(g => g).Distinct().ToList();

        using var channel = Endpoints.Netlink.Open(settings.Protocol, groups, settings.ReceiveBuffer);
        Terminal.Log.Info(groups.Count > 0 ? $"listening on {channel.Name} (groups {string.Join(',', groups)})" : $"talking to {channel.Name}");
        var printer = new NetlinkPrinter(new StdoutSink(StdioHandles.OpenStdout()), settings.Format, settings.Protocol)
        {
            GenericFamily = family is null ? null : (family.Id, family.Name),
        };
        var replies = new NetlinkReplies(settings.Protocol);
        var relay = new DatagramRelay(channel, new RelayOptions(BufferSize: channel.MaxDatagram));
        var source = new NetlinkMessageSource(StdinSource.Open(64 * 1024), channel.MaxDatagram, settings.Fill, settings.Protocol, channel.PortId, settings.Fill ? family?.Id : null, replies.Expect);
        var sink = new KernelReplies(printer, replies, settings.Protocol, channel.Name);

        var exit = await DatagramSession.RunAsync(async token =>
        {
            using var session = CancellationTokenSource.CreateLinkedTokenSource(token);
            var receiving = relay.ReceiveAllAsync(sink, settings.Count, session.Token);
            var quiet = settings.Idle is { } idle ? relay.Clock.WaitForIdleAsync(idle, session.Token) : Task.Delay(Timeout.Infinite, session.Token);
            try
            {
                var sending = relay.SendAllAsync(source, _ => ValueTask.FromResult<DatagramPeer?>(null), session.Token);
                await Settle(await Task.WhenAny(sending, receiving, quiet).ConfigureAwait(false), receiving, quiet, settings).ConfigureAwait(false);
                if (!receiving.IsCompleted && groups.Count == 0)
                {
                    await Settle(await Task.WhenAny(replies.AllAnswered, receiving, quiet).ConfigureAwait(false), receiving, quiet, settings).ConfigureAwait(false);
                    if (!receiving.IsCompleted && replies.Unanswerable > 0)
                    {
                        await Task.WhenAny(receiving, relay.Clock.WaitForIdleAsync(settings.Idle ?? QuietForUnanswerable, session.Token)).ConfigureAwait(false);
                    }
                }
                else if (!receiving.IsCompleted)
                {
                    await Settle(await Task.WhenAny(receiving, quiet).ConfigureAwait(false), receiving, quiet, settings).ConfigureAwait(false);
                }

                await printer.CompleteAsync(token).ConfigureAwait(false);
            }
            finally
            {
                await session.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(receiving, quiet).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
        }, relay.Clock, null, channel.Name, ct).ConfigureAwait(false);

        return replies.FirstError is { } refused ? throw NetlinkExchange.Refused(channel.Name, refused) : exit;
    }

    // What ended the wait: a failure is thrown, the idle limit is exit 4, anything else goes on.
    private static async Task Settle(Task first, Task receiving, Task quiet, NetlinkRawSettings settings)
    {
        if (first == quiet)
        {
            throw Sessions.IdleLimit.Exceeded("netlink " + NetlinkProtocol.NameOf(settings.Protocol), settings.Idle!.Value);
        }

        if (first.IsFaulted || first == receiving)
        {
            await first.ConfigureAwait(false);
        }
    }

    /// <summary>Resolves a generic family by name (its id and multicast groups), on a socket of its own.</summary>
    private static async Task<GenericFamily> GenericFamilyAsync(string name, CancellationToken ct)
    {
        GenericFamily? found = null;
        using var channel = Endpoints.Netlink.Open(NetlinkProtocol.Generic, []);
        await NetlinkExchange.RequestAsync(channel, GenericFamilies.GetRequest(name, 1), (_, messages) =>
        {
            foreach (var message in messages)
            {
                found ??= message.Type >= NetlinkHeader.MinType ? GenericFamilies.Parse(message) : null;
            }

            return ValueTask.CompletedTask;
        }, ct, refusal: error => error.Errno == Platform.Errno.ENOENT
            ? new NsockException(ExitCodes.Network, "netlink generic", $"no family named '{Terminal.SafeText.Escape(name)}'")
            : null).ConfigureAwait(false);
        return found ?? throw new NsockException(ExitCodes.Network, "netlink generic", $"no family named '{Terminal.SafeText.Escape(name)}'");
    }

    /// <summary>Each datagram from the kernel: noted against the requests waiting, then printed as it came.</summary>
    private sealed class KernelReplies(NetlinkPrinter printer, NetlinkReplies replies, int protocol, string name) : IDatagramSink
    {
        public async ValueTask WriteAsync(ReadOnlyMemory<byte> datagram, DatagramPeer from, CancellationToken ct)
        {
            await printer.WriteBytesAsync(datagram, ct).ConfigureAwait(false);
            if (protocol == NetlinkProtocol.Uevent)
            {
                return; // uevents are strings, not nlmsghdr messages
            }

            var messages = NetlinkMessage.Split(datagram, out var problem);
            foreach (var message in messages)
            {
                try
                {
                    replies.Observe(message);
                }
                catch (NetlinkFormatException e)
                {
                    throw NetlinkExchange.KernelFault(name, e.Problem);
                }
            }

            if (problem is not null)
            {
                throw NetlinkExchange.KernelFault(name, problem);
            }
        }
    }
}
