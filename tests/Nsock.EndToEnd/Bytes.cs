namespace Nsock.EndToEnd;

/// <summary>Test data, and byte-exact comparison that says where two buffers part instead of dumping megabytes.</summary>
internal static class Bytes
{
    /// <summary><paramref name="size"/> pseudo-random bytes, the same for the same <paramref name="seed"/>.</summary>
    public static byte[] Random(int seed, int size)
    {
        var data = new byte[size];
        new System.Random(seed).NextBytes(data);
        return data;
    }

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
