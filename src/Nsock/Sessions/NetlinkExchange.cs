using System.Runtime.Versioning;
using Nsock.Endpoints;
using Nsock.Netlink;
using Nsock.Relay;

namespace Nsock.Sessions;

/// <summary>
/// A request and its whole answer: send it, then take datagrams until the kernel's last word
/// for it (NLMSG_DONE for a dump, the ACK otherwise). What the kernel sends that is malformed,
/// and what it refuses, end the exchange in one line each.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class NetlinkExchange
{
    /// <summary>
    /// Sends <paramref name="request"/> and hands each datagram of the answer to
    /// <paramref name="onDatagram"/> with the messages it holds (the final NLMSG_DONE/ACK included).
    /// <paramref name="refusal"/> may word a refusal its own way (null: the general wording).
    /// Returns whether the kernel marked the answer NLM_F_DUMP_INTR: the table changed while it
    /// was dumped, so an object may be missing from it.
    /// </summary>
    public static async Task<bool> RequestAsync(NetlinkChannel channel, byte[] request, Func<byte[], IReadOnlyList<NetlinkMessage>, ValueTask> onDatagram, CancellationToken ct, ActivityClock? clock = null, Func<NetlinkError, NsockException?>? refusal = null)
    {
        // A request that is not a dump asks for an ACK, so its answer has a known end too.
        var header = NetlinkHeader.Read(request);
        if (NetlinkLastWord.Of(channel.Protocol, header) == LastWord.None)
        {
            header = header with { Flags = (ushort)(header.Flags | NetlinkHeader.Ack) };
            header.Write(request);
        }

        var replies = new NetlinkReplies(channel.Protocol);
        replies.Expect(header);
        try
        {
            await channel.SendAsync(request, null, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw channel.Explain(e, null);
        }

        var interrupted = false;
        while (replies.IsWaiting)
        {
            byte[] datagram;
            try
            {
                datagram = await channel.ReceiveAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw channel.Explain(e, null);
            }

            clock?.Touch();
            var messages = Split(channel.Name, datagram);
            foreach (var message in messages)
            {
                interrupted |= (message.Header.Flags & NetlinkHeader.DumpInterrupted) != 0;
                if (Observe(replies, message, channel.Name) is { } refused)
                {
                    throw refusal?.Invoke(refused) ?? Refused(channel.Name, refused);
                }
            }

            await onDatagram(datagram, messages).ConfigureAwait(false);
        }

        return interrupted;
    }

    /// <summary>What is said of a dump the kernel marked interrupted.</summary>
    public const string Interrupted = "the kernel says the dump was interrupted by a change to the table and may be inconsistent";

    /// <summary>The messages of a datagram from the kernel; a malformed one is the kernel's fault (exit 1).</summary>
    public static List<NetlinkMessage> Split(string name, byte[] datagram)
    {
        var messages = NetlinkMessage.Split(datagram, out var problem);
        return problem is null ? messages : throw KernelFault(name, problem);
    }

    /// <summary>A malformed message from the kernel, in one line.</summary>
    public static NsockException KernelFault(string name, string problem) =>
        new(ExitCodes.Network, name, $"malformed message from the kernel: {problem}");

    /// <summary>The kernel's refusal: permission problems are local (exit 5), the rest exit 1.</summary>
    public static NsockException Refused(string name, NetlinkError error) =>
        new(error.Errno is Platform.Errno.EPERM or Platform.Errno.EACCES ? ExitCodes.LocalResource : ExitCodes.Network, name, $"the kernel refused the request: {error.Describe()}");

    private static NetlinkError? Observe(NetlinkReplies replies, NetlinkMessage message, string name)
    {
        try
        {
            return replies.Observe(message);
        }
        catch (NetlinkFormatException e)
        {
            throw KernelFault(name, e.Problem);
        }
    }
}
