using System.Text;
using Nsock.Terminal;

namespace Nsock.Relay;

/// <summary>
/// --hex: each chunk as hexdump -C style lines on stderr, marked <c>&gt;</c> for sent and
/// <c>&lt;</c> for received, with a running offset per direction. One chunk is written whole.
/// </summary>
internal sealed class HexDump(string peer)
{
    private long _sentOffset;
    private long _receivedOffset;

    /// <param name="to">The peer, where it changes per chunk (datagram servers); else the connection's.</param>
    public void Sent(ReadOnlySpan<byte> chunk, string? to = null) => Stderr.Write(Format('>', to ?? peer, ref _sentOffset, chunk));

    public void Received(ReadOnlySpan<byte> chunk, string? from = null) => Stderr.Write(Format('<', from ?? peer, ref _receivedOffset, chunk));

    internal static string Format(char direction, string peer, ref long offset, ReadOnlySpan<byte> chunk)
    {
        var text = new StringBuilder(chunk.Length * 5 + 64);
        text.Append(direction).Append(' ').Append(SafeText.Escape(peer)).Append(' ').Append(chunk.Length).Append(" bytes\n");
        for (var line = 0; line < chunk.Length; line += 16)
        {
            var row = chunk.Slice(line, Math.Min(16, chunk.Length - line));
            text.Append(direction).Append(' ').Append((offset + line).ToString("x8")).Append("  ");
            for (var i = 0; i < 16; i++)
            {
                text.Append(i < row.Length ? row[i].ToString("x2") + " " : "   ");
                if (i == 7)
                {
                    text.Append(' ');
                }
            }

            text.Append(" |");
            foreach (var b in row)
            {
                text.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
            }

            text.Append("|\n");
        }

        offset += chunk.Length;
        return text.ToString();
    }
}
