namespace Nsock.EndToEnd;

/// <summary>Byte-exact comparison that says where two buffers part, instead of dumping megabytes.</summary>
internal static class Bytes
{
    public static void AssertSame(byte[] expected, byte[] actual, string what)
    {
        var common = Math.Min(expected.Length, actual.Length);
        var first = expected.AsSpan(0, common).CommonPrefixLength(actual.AsSpan(0, common));
        if (first < common)
        {
            Assert.Fail($"{what}: first difference at byte {first} of {expected.Length}: expected 0x{expected[first]:x2}, got 0x{actual[first]:x2} ({actual.Length} bytes received)");
        }

        if (expected.Length != actual.Length)
        {
            Assert.Fail($"{what}: expected {expected.Length} bytes, got {actual.Length} (the first {common} match)");
        }
    }
}
