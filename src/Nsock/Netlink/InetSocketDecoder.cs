using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace Nsock.Netlink;

/// <summary>
/// Decodes struct inet_diag_msg (linux/inet_diag.h), one TCP or UDP socket, into a record like a
/// line of <c>ss -n -a -e</c>: <c>tcp LISTEN 0 128 127.0.0.1:8080 0.0.0.0:* ino 12345 uid 0</c>.
/// As in ss, a listener's Recv-Q is its accept queue and Send-Q its backlog (the kernel puts them
/// in idiag_rqueue and idiag_wqueue). JSON members, named after ss's columns: netid ("tcp",
/// "udp"), family ("inet", "inet6"), state (ss's names), recv_q, send_q, local, local_port, peer,
/// peer_port, ifindex (only for a socket bound to a device), inode, uid.
/// </summary>
internal static class InetSocketDecoder
{
    /// <summary>sizeof(struct inet_diag_req_v2) and sizeof(struct inet_diag_msg).</summary>
    public const int RequestSize = 56, MessageSize = 72;

    public static NetlinkRecord Decode(ReadOnlyMemory<byte> payload, string netid)
    {
        if (payload.Length < MessageSize)
        {
            throw new NetlinkFormatException($"inet_diag_msg: {payload.Length} bytes, less than {MessageSize}");
        }

        _ = SockDiag.Attributes(payload, MessageSize, "inet_diag_msg"); // none is shown, but a cut one is still malformed
        var bytes = payload.Span;
        var inet6 = bytes[0] == SockDiag.AfInet6;
        var state = bytes[1];
        var localPort = BinaryPrimitives.ReadUInt16BigEndian(bytes[4..]);
        var peerPort = BinaryPrimitives.ReadUInt16BigEndian(bytes[6..]);
        var local = Address(bytes.Slice(8, 16), inet6);
        var peer = Address(bytes.Slice(24, 16), inet6);
        var ifindex = MemoryMarshal.Read<uint>(bytes[40..]);
        var receiveQueue = MemoryMarshal.Read<uint>(bytes[56..]);
        var sendQueue = MemoryMarshal.Read<uint>(bytes[60..]);
        var uid = MemoryMarshal.Read<uint>(bytes[64..]);
        var inode = MemoryMarshal.Read<uint>(bytes[68..]);
        var stateName = SocketStates.NameOf(state);

        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{netid} {stateName} {receiveQueue} {sendQueue} {Endpoint(local, inet6, ifindex, localPort)} {Endpoint(peer, inet6, 0, peerPort)} ino {inode} uid {uid}");
        var fields = new JsonFields()
            .Add("netid", netid)
            .Add("family", inet6 ? "inet6" : "inet")
            .Add("state", stateName)
            .Add("recv_q", (long)receiveQueue)
            .Add("send_q", (long)sendQueue)
            .Add("local", local.ToString())
            .Add("local_port", (long)localPort)
            .Add("peer", peer.ToString())
            .Add("peer_port", (long)peerPort)
            .Add("ifindex", ifindex == 0 ? null : (long)ifindex)
            .Add("inode", (long)inode)
            .Add("uid", (long)uid);
        return new NetlinkRecord(netid, line, fields);
    }

    private static IPAddress Address(ReadOnlySpan<byte> bytes, bool inet6) => new(inet6 ? bytes : bytes[..4]);

    /// <summary>ss's way: <c>127.0.0.1:80</c>, <c>[::1]:80</c>, port 0 as <c>*</c>, a device as <c>%index</c> before the port.</summary>
    private static string Endpoint(IPAddress address, bool inet6, uint ifindex, ushort port)
    {
        var text = inet6 ? $"[{address}]" : address.ToString();
        var device = ifindex == 0 ? "" : "%" + ifindex.ToString(CultureInfo.InvariantCulture);
        var portText = port == 0 ? "*" : port.ToString(CultureInfo.InvariantCulture);
        return $"{text}{device}:{portText}";
    }
}
