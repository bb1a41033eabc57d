using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Nsock.Terminal;

namespace Nsock.Netlink;

/// <summary>
/// Decodes struct unix_diag_msg and its attributes (linux/unix_diag.h), one unix socket, into a
/// record like a line of <c>ss -x -a -n</c>: <c>u_str LISTEN 0 128 /tmp/x.sock 12345 * 0</c>
/// (netid, state, Recv-Q, Send-Q, name, inode, peer name, peer inode). The peer's name is shown
/// as <c>*</c>: ss finds it by looking the peer inode up in its own listing, which one message
/// cannot. A name is chosen by whoever bound the socket, so the line escapes it; JSON keeps it as
/// it is (bytes that are not UTF-8 become U+FFFD). An abstract name is <c>@name</c>, its NULs
/// shown as <c>@</c>, as in ss. JSON members: netid ("u_str", "u_dgr", "u_seq"), family
/// ("unix"), state, recv_q, send_q, local (absent when unnamed), abstract (true for an abstract
/// name), inode, peer_inode (UNIX_DIAG_PEER), vfs_inode and vfs_dev (UNIX_DIAG_VFS: the socket
/// file), uid (UNIX_DIAG_UID, when the kernel sends it).
/// </summary>
internal static class UnixSocketDecoder
{
    /// <summary>sizeof(struct unix_diag_msg).</summary>
    public const int MessageSize = 16;

    private const ushort NameAttribute = 0, VfsAttribute = 1, PeerAttribute = 2, QueuesAttribute = 4, UidAttribute = 7;

    public static NetlinkRecord Decode(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length < MessageSize)
        {
            throw new NetlinkFormatException($"unix_diag_msg: {payload.Length} bytes, less than {MessageSize}");
        }

        var attributes = SockDiag.Attributes(payload, MessageSize, "unix_diag_msg");
        var bytes = payload.Span;
        var netid = bytes[1] switch
        {
            1 => "u_str",
            2 => "u_dgr",
            5 => "u_seq",
            var type => type.ToString(CultureInfo.InvariantCulture),
        };
        var stateName = SocketStates.NameOf(bytes[2]);
        var inode = MemoryMarshal.Read<uint>(bytes[4..]);

        uint? receiveQueue = null, sendQueue = null, vfsInode = null, vfsDevice = null;
        if (attributes[QueuesAttribute] is { } queues)
        {
            (receiveQueue, sendQueue) = Pair(queues, "UNIX_DIAG_RQLEN");
        }

        if (attributes[VfsAttribute] is { } vfs)
        {
            (vfsInode, vfsDevice) = Pair(vfs, "UNIX_DIAG_VFS");
        }

        var peerInode = attributes[PeerAttribute] is { } peer ? peer.U32 ?? throw WrongSize(peer, "UNIX_DIAG_PEER", 4) : (uint?)null;
        var uid = attributes[UidAttribute] is { } owner ? owner.U32 ?? throw WrongSize(owner, "UNIX_DIAG_UID", 4) : (uint?)null;
        var (shown, raw, abstractName) = Name(attributes[NameAttribute]);

        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{netid} {stateName} {receiveQueue ?? 0} {sendQueue ?? 0} {shown} {inode} * {peerInode ?? 0}");
        var fields = new JsonFields()
            .Add("netid", netid)
            .Add("family", "unix")
            .Add("state", stateName)
            .Add("recv_q", receiveQueue)
            .Add("send_q", sendQueue)
            .Add("local", raw)
            .Add("abstract", abstractName ? true : null)
            .Add("inode", (long)inode)
            .Add("peer_inode", peerInode)
            .Add("vfs_inode", vfsInode)
            .Add("vfs_dev", vfsDevice)
            .Add("uid", uid);
        return new NetlinkRecord("unix", line, fields);
    }

    /// <summary>The name for the line (escaped, <c>*</c> when unnamed), for JSON (raw, null when unnamed), and whether it is abstract.</summary>
    private static (string Shown, string? Raw, bool Abstract) Name(NetlinkAttribute? attribute)
    {
        var value = attribute is { } named ? named.Value.Span : default;
        if (value.IsEmpty)
        {
            return ("*", null, false);
        }

        if (value[0] == 0)
        {
            var name = value[1..].ToArray();
            name.AsSpan().Replace((byte)0, (byte)'@');
            return ("@" + SafeText.Escape(name), "@" + Encoding.UTF8.GetString(name), true);
        }

        var nul = value.IndexOf((byte)0);
        var path = nul < 0 ? value : value[..nul];
        return (SafeText.Escape(path), Encoding.UTF8.GetString(path), false);
    }

    private static (uint First, uint Second) Pair(NetlinkAttribute attribute, string name) =>
        attribute.Value.Length >= 8
            ? (MemoryMarshal.Read<uint>(attribute.Value.Span), MemoryMarshal.Read<uint>(attribute.Value.Span[4..]))
            : throw WrongSize(attribute, name, 8);

    private static NetlinkFormatException WrongSize(NetlinkAttribute attribute, string name, int size) =>
        new($"unix_diag_msg: {name} has {attribute.Value.Length} bytes, less than {size}");
}
