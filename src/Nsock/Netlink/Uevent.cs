using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Nsock.Terminal;

namespace Nsock.Netlink;

/// <summary>
/// NETLINK_KOBJECT_UEVENT datagrams, which have no nlmsghdr. The kernel's (group 1) are
/// <c>ACTION@DEVPATH\0KEY=VALUE\0...</c>; udev's re-broadcasts (group 2) start with
/// <c>libudev\0</c> and a binary header that says where the same KEY=VALUE list is. Either becomes
/// a record of kind "uevent": the line <c>add /devices/virtual/net/v0 (net)</c> (ACTION DEVPATH
/// (SUBSYSTEM), escaped: device names are not all the kernel's own), and in JSON every KEY=VALUE
/// as a string member, in the order sent, named as sent (the first of a repeated key wins).
/// </summary>
internal static class Uevent
{
    private static readonly byte[] UdevPrefix = "libudev\0"u8.ToArray();
    private const uint UdevMagic = 0xfeedcafe;
    private const int UdevHeaderSize = 40; // prefix[8], magic, header_size, properties_off, properties_len, 4 filter words

    /// <exception cref="NetlinkFormatException">No <c>@</c> header (kernel) or bad offsets (udev), a line without <c>=</c>, or no ACTION.</exception>
    public static NetlinkRecord Decode(ReadOnlySpan<byte> datagram)
    {
        ReadOnlySpan<byte> properties;
        string? headerPath = null;
        if (datagram.StartsWith(UdevPrefix))
        {
            properties = UdevProperties(datagram);
        }
        else
        {
            var end = datagram.IndexOf((byte)0);
            var header = end < 0 ? datagram : datagram[..end];
            var at = header.IndexOf((byte)'@');
            if (at <= 0)
            {
                throw new NetlinkFormatException("uevent: no ACTION@DEVPATH header");
            }

            headerPath = Encoding.UTF8.GetString(header[(at + 1)..]);
            properties = end < 0 ? default : datagram[(end + 1)..];
        }

        var fields = new JsonFields();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (!properties.IsEmpty)
        {
            var end = properties.IndexOf((byte)0);
            var entry = end < 0 ? properties : properties[..end];
            properties = end < 0 ? default : properties[(end + 1)..];
            if (entry.IsEmpty)
            {
                continue;
            }

            var equals = entry.IndexOf((byte)'=');
            if (equals <= 0)
            {
                throw new NetlinkFormatException($"uevent: \"{SafeText.Escape(entry)}\" is not KEY=VALUE");
            }

            var key = Encoding.UTF8.GetString(entry[..equals]);
            if (seen.Add(key))
            {
                fields.Add(key, Encoding.UTF8.GetString(entry[(equals + 1)..]));
            }
        }

        var action = fields["ACTION"] as string ?? throw new NetlinkFormatException("uevent: no ACTION");
        var devpath = fields["DEVPATH"] as string ?? headerPath ?? "";
        var line = SafeText.Escape(action) + " " + SafeText.Escape(devpath);
        if (fields["SUBSYSTEM"] is string subsystem)
        {
            line += " (" + SafeText.Escape(subsystem) + ")";
        }

        return new NetlinkRecord("uevent", line, fields);
    }

    /// <summary>The KEY=VALUE list of a udev datagram (struct udev_monitor_netlink_header: host order, but the magic in network order).</summary>
    private static ReadOnlySpan<byte> UdevProperties(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < UdevHeaderSize || BinaryPrimitives.ReadUInt32BigEndian(datagram[8..]) != UdevMagic)
        {
            throw new NetlinkFormatException("uevent: a libudev datagram without its header");
        }

        var offset = MemoryMarshal.Read<uint>(datagram[16..]);
        var length = MemoryMarshal.Read<uint>(datagram[20..]);
        if (offset < UdevHeaderSize || offset > datagram.Length || length > datagram.Length - offset)
        {
            throw new NetlinkFormatException($"uevent: libudev properties at {offset}, {length} bytes, past the datagram's {datagram.Length}");
        }

        return datagram.Slice((int)offset, (int)length);
    }
}
