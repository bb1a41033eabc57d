using System.Runtime.Versioning;
using System.Runtime.InteropServices;
using Nsock.Endpoints;
using Nsock.Netlink;

namespace Nsock.Sessions;

/// <summary>
/// Interface names by index, for printing addresses, routes and neighbours (which carry only
/// the index): loaded with one link dump, then kept current from the link events a monitor sees.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class LinkNames
{
    private const ushort NewLink = 16, DelLink = 17, GetLink = 18, IflaIfname = 3;
    private const int IfinfomsgSize = 16;
    private readonly Dictionary<int, string> _names = [];

    public string? this[int index] => _names.TryGetValue(index, out var name) ? name : null;

    /// <summary>Every interface's name, from a link dump on a socket of its own.</summary>
    public static async Task<LinkNames> LoadAsync(CancellationToken ct)
    {
        var names = new LinkNames();
        using var channel = Endpoints.Netlink.Open(NetlinkProtocol.Route, []);
        var request = new NetlinkRequest(GetLink, NetlinkHeader.Request | NetlinkHeader.Dump, 1).Zeros(IfinfomsgSize).ToArray();
        await NetlinkExchange.RequestAsync(channel, request, (_, messages) =>
        {
            foreach (var message in messages)
            {
                names.Update(message);
            }

            return ValueTask.CompletedTask;
        }, ct).ConfigureAwait(false);
        return names;
    }

    /// <summary>Follows a link message: a new or changed link's name is kept, a deleted one forgotten.</summary>
    public void Update(NetlinkMessage message)
    {
        if (message.Type is not (NewLink or DelLink) || message.Payload.Length < IfinfomsgSize)
        {
            return;
        }

        var index = MemoryMarshal.Read<int>(message.Payload.Span[4..]);
        if (message.Type == DelLink)
        {
            _names.Remove(index);
        }
        else if (NetlinkAttributes.Parse(message.Payload[IfinfomsgSize..])[IflaIfname] is { } name)
        {
            _names[index] = name.String;
        }
    }
}
