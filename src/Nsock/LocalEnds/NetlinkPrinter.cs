using System.Globalization;
using System.Text;
using Nsock.Netlink;
using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>
/// Prints what the kernel sends, in the chosen format: decoded records as lines (<c>ip -o</c>
/// style) or JSON Lines, or the datagrams themselves, as they are (raw) or annotated (hex). A
/// monitor's records carry the time and the event (<c>+link</c>); one write per datagram.
/// </summary>
internal sealed class NetlinkPrinter(IRelaySink stdout, DatagramFormat format, int protocol)
{
    private readonly StringBuilder _pending = new();

    /// <summary>Whether this prints the kernel's bytes (raw, hex) rather than decoded records.</summary>
    public bool PrintsBytes => format is DatagramFormat.Raw or DatagramFormat.Hex;

    /// <summary>For hex: the generic family the messages belong to, so its name shows.</summary>
    public (ushort Id, string Name)? GenericFamily { get; init; }

    /// <summary>Queues one decoded record; <paramref name="time"/> and <paramref name="eventName"/> for a monitor.</summary>
    public void Add(NetlinkRecord record, DateTimeOffset? time = null, string? eventName = null)
    {
        var stamp = time is { } t ? Stamp(t) : null;
        if (format == DatagramFormat.Json)
        {
            var first = new List<(string, string)>();
            if (stamp is not null)
            {
                first.Add(("time", stamp));
            }

            if (eventName is not null)
            {
                first.Add(("event", eventName));
            }

            _pending.Append(record.ToJson([.. first])).Append('\n');
            return;
        }

        if (stamp is not null)
        {
            _pending.Append(stamp).Append(' ');
        }

        if (eventName is not null)
        {
            _pending.Append(eventName).Append(' ');
        }

        _pending.Append(record.Line).Append('\n');
    }

    /// <summary>
    /// Queues a monitor's notice (overrun, synced): a record of its own with no object. Raw
    /// output is the kernel's bytes only, so there the notice is a line on stderr instead.
    /// </summary>
    public void AddNotice(DateTimeOffset time, string eventName, string line, JsonFields fields)
    {
        if (format == DatagramFormat.Raw)
        {
            Terminal.Stderr.Warning("netlink " + NetlinkProtocol.NameOf(protocol), line);
            return;
        }

        Add(new NetlinkRecord(eventName, line, fields), time, format == DatagramFormat.Json ? eventName : null);
    }

    /// <summary>Writes what was queued, in one write.</summary>
    public async ValueTask FlushAsync(CancellationToken ct)
    {
        if (_pending.Length == 0)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(_pending.ToString());
        _pending.Clear();
        await stdout.WriteAsync(bytes, ct).ConfigureAwait(false);
    }

    /// <summary>Writes a datagram as the kernel sent it, or its annotated dump.</summary>
    public ValueTask WriteBytesAsync(ReadOnlyMemory<byte> datagram, CancellationToken ct) => format == DatagramFormat.Hex
        ? stdout.WriteAsync(Encoding.UTF8.GetBytes(NetlinkAnnotator.Annotate(protocol, datagram, GenericFamily?.Id, GenericFamily?.Name)), ct)
        : stdout.WriteAsync(datagram, ct);

    public ValueTask CompleteAsync(CancellationToken ct) => stdout.CompleteAsync(ct);

    /// <summary>UTC, to the millisecond, ISO 8601: sorts as text and reads the same everywhere.</summary>
    public static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
