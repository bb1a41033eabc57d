using System.Globalization;
using System.Text;
using Nsock.Relay;

namespace Nsock.Tests.Relay;

public sealed class TransformTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("a\nb", "a\r\nb")]
    [InlineData("a\r\nb\n", "a\r\nb\r\n")]
    [InlineData("\n\n", "\r\n\r\n")]
    [InlineData("\r\r\n", "\r\r\n")]
    public void Crlf_turns_bare_LF_into_CRLF(string input, string expected)
    {
        var output = new byte[CrlfEncoder.MaxOutputLength(input.Length)];
        var length = new CrlfEncoder().Encode(Encoding.ASCII.GetBytes(input), output);
        Assert.Equal(expected, Encoding.ASCII.GetString(output, 0, length));
    }

    [Fact]
    public void Crlf_remembers_a_CR_at_the_end_of_the_previous_chunk()
    {
        var encoder = new CrlfEncoder();
        var output = new byte[8];
        Assert.Equal(2, encoder.Encode("a\r"u8, output));
        Assert.Equal(1, encoder.Encode("\n"u8, output));
        Assert.Equal((byte)'\n', output[0]);
    }

    [Theory]
    [InlineData("2026-11-24T21:56:40", "[Tue Nov 24 21:56:40 2026] ")]
    [InlineData("2026-11-05T07:08:09", "[Thu Nov  5 07:08:09 2026] ")]
    [InlineData("2027-01-01T00:00:00", "[Fri Jan  1 00:00:00 2027] ")]
    public void Stamp_is_the_ctime_format_with_a_space_padded_day(string time, string expected)
    {
        var when = DateTime.Parse(time, CultureInfo.InvariantCulture);
        Assert.Equal(expected, CtimeStamp.Format(when));
        var bytes = new byte[CtimeStamp.MaxLength];
        Assert.Equal(expected, Encoding.ASCII.GetString(bytes, 0, CtimeStamp.Write(when, bytes)));
    }

    [Fact]
    public void Hex_dump_shows_offsets_hex_and_printable_text_per_direction()
    {
        long offset = 0;
        var data = Encoding.ASCII.GetBytes("hello, world!\n\0\u00ff-second line");
        var text = HexDump.Format('>', "127.0.0.1:80", ref offset, data);
        var lines = text.TrimEnd('\n').Split('\n');

        Assert.Equal($"> 127.0.0.1:80 {data.Length} bytes", lines[0]);
        Assert.Equal("> 00000000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 3f  |hello, world!..?|", lines[1]);
        Assert.StartsWith("> 00000010  2d 73 65 63", lines[2]);
        Assert.EndsWith("|-second line|", lines[2]);
        Assert.Equal(data.Length, offset);

        var next = HexDump.Format('>', "p", ref offset, "x"u8);
        Assert.Contains($"> {data.Length:x8}  78 ", next);
    }
}
