using System.Buffers;
using System.Text;
using System.Text.Json;
using Nsock.Relay;

namespace Nsock.LocalEnds;

/// <summary>Writes each received datagram to stdout in the chosen format, one write per datagram.</summary>
internal sealed class DatagramPrinter(IRelaySink stdout, DatagramFormat format) : IDatagramSink
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> datagram, DatagramPeer from, CancellationToken ct)
    {
        switch (format)
        {
            case DatagramFormat.Raw:
                if (!datagram.IsEmpty)
                {
                    await stdout.WriteAsync(datagram, ct).ConfigureAwait(false);
                }

                break;
            default:
                await stdout.WriteAsync(Encoding.UTF8.GetBytes(Format(format, datagram.Span, from.Name)), ct).ConfigureAwait(false);
                break;
        }
    }

    internal static string Format(DatagramFormat format, ReadOnlySpan<byte> datagram, string from) => format switch
    {
        DatagramFormat.Line => $"{from} {datagram.Length} {Escape(datagram)}\n",
        DatagramFormat.Hex => FormatHex(datagram, from),
        DatagramFormat.Json => FormatJson(datagram, from),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>Printable ASCII as is; backslash, \0 \t \n \r and \xHH for the rest.</summary>
    internal static string Escape(ReadOnlySpan<byte> data)
    {
        var text = new StringBuilder(data.Length);
        foreach (var b in data)
        {
            _ = b switch
            {
                (byte)'\\' => text.Append(@"\\"),
                0 => text.Append(@"\0"),
                (byte)'\t' => text.Append(@"\t"),
                (byte)'\n' => text.Append(@"\n"),
                (byte)'\r' => text.Append(@"\r"),
                >= 0x20 and < 0x7f => text.Append((char)b),
                _ => text.Append(@"\x").Append(b.ToString("x2")),
            };
        }

        return text.ToString();
    }

    private static string FormatHex(ReadOnlySpan<byte> datagram, string from)
    {
        long offset = 0;
        return HexDump.Format('<', from, ref offset, datagram);
    }

    private static string FormatJson(ReadOnlySpan<byte> datagram, string from)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("from", from);
            json.WriteNumber("length", datagram.Length);
            json.WriteBase64String("data", datagram);
            if (TryDecodeUtf8(datagram) is { } text)
            {
                json.WriteString("text", text);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    private static string? TryDecodeUtf8(ReadOnlySpan<byte> data)
    {
        try
        {
            return StrictUtf8.GetString(data);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
