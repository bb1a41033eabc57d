using Nsock.Netlink;
using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>
/// stdin as netlink messages for <c>--raw</c>: yields one whole message per read, framed by the
/// length in its header, so each becomes one send. With <c>--fill</c>, nsock writes the header's
/// length (a length of 0 means "up to the end of stdin"), numbers the messages from 1, sets the
/// port id and NLM_F_REQUEST, and asks for an ACK where the kernel will not take the request as
/// a dump (<see cref="NetlinkLastWord"/>), so the kernel's last word is known; with a generic
/// family, the type becomes the family's id.
/// Malformed input (a header that lies about its length, bytes left over) is exit 2, naming
/// the message and where it starts.
/// </summary>
internal sealed class NetlinkMessageSource(IRelaySource stdin, int largest, bool fill, int protocol, uint portId, ushort? type, Action<NetlinkHeader> sending) : IRelaySource
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _ended;
    private long _consumed;
    private int _number;

    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct)
    {
        while (true)
        {
            var available = _end - _start;
            var most = Math.Min(largest, destination.Length);
            if (available >= NetlinkHeader.Size)
            {
                var header = NetlinkHeader.Read(_buffer.AsSpan(_start));
                var unsized = fill && header.Length == 0;
                if (!unsized && header.Length < NetlinkHeader.Size)
                {
                    throw Malformed($"header says {header.Length} bytes, less than its own 16-byte header");
                }

                if (!unsized && header.Length > most)
                {
                    throw Malformed($"header says {header.Length} bytes, more than a message can hold here ({most})");
                }

                if (unsized && available > most)
                {
                    throw Malformed($"more than {most} bytes to the end of stdin, more than a message can hold here");
                }

                if (unsized ? _ended : available >= header.Length)
                {
                    return Take(unsized ? available : (int)header.Length, destination.Span);
                }
            }

            if (_ended)
            {
                return available == 0 ? 0 : throw Malformed(available < NetlinkHeader.Size
                    ? $"{available} bytes at the end of stdin, less than a 16-byte header"
                    : $"truncated: header says {NetlinkHeader.Read(_buffer.AsSpan(_start)).Length} bytes, stdin ended after {available}");
            }

            await FillAsync(ct).ConfigureAwait(false);
        }
    }

    private int Take(int length, Span<byte> destination)
    {
        _buffer.AsSpan(_start, length).CopyTo(destination);
        var padded = Math.Min(NetlinkHeader.Align(length), _end - _start);
        _start += padded;
        _consumed += padded;
        _number++;
        var header = NetlinkHeader.Read(destination);
        if (fill)
        {
            header = new NetlinkHeader((uint)length, type ?? header.Type, (ushort)(header.Flags | NetlinkHeader.Request), (uint)_number, portId);
            if (NetlinkLastWord.Of(protocol, header) == LastWord.None)
            {
                header = header with { Flags = (ushort)(header.Flags | NetlinkHeader.Ack) };
            }

            header.Write(destination);
        }

        sending(header);
        return length;
    }

    private async ValueTask FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            (_end, _start) = (_end - _start, 0);
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = await stdin.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
        _end += read;
        _ended = read == 0;
    }

    private NsockException Malformed(string why) =>
        new(ExitCodes.Usage, "stdin", $"message {_number + 1} at byte {_consumed}: {why}") { SeeHelp = false };
}
