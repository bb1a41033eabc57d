using Nsock.Netlink;

namespace Nsock.Tests.Netlink;

/// <summary>Sends requests to the kernel on a fresh netlink socket and collects each answer, bounded in time.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // netlink is Linux\'s
internal static class LiveNetlink
{
    /// <summary>
    /// Every message answering <paramref name="requests"/>, sent one after the other: a dump's
    /// parts up to its DONE, a plain request's one answer or its error.
    /// </summary>
    public static async Task<List<NetlinkMessage>> ExchangeAsync(int protocol, IEnumerable<byte[]> requests)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var channel = Nsock.Endpoints.Netlink.Open(protocol, []);
        var answers = new List<NetlinkMessage>();
        foreach (var request in requests)
        {
            await channel.SendAsync(request, null, timeout.Token);
            var finished = false;
            while (!finished)
            {
                var datagram = await channel.ReceiveAsync(timeout.Token);
                var messages = NetlinkMessage.Split(datagram, out var problem);
                Assert.Null(problem);
                foreach (var message in messages)
                {
                    answers.Add(message);
                    finished |= message.IsDone || message.IsError || (message.Header.Flags & NetlinkHeader.Multi) == 0;
                }
            }
        }

        return answers;
    }
}
