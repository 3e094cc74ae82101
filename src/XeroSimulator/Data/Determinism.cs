namespace XeroSync.XeroSimulator;

/// <summary>Stable seed mixing (SplitMix64) and seeded GUIDs; never depends on process-randomised hashes.</summary>
internal static class Determinism
{
    public static int Mix(params ReadOnlySpan<long> parts)
    {
        var hash = 0x9E3779B97F4A7C15UL;
        foreach (var part in parts)
        {
            hash = SplitMix(hash ^ (ulong)part);
        }

        return (int)(hash & 0x7FFFFFFF);
    }

    public static Guid NextGuid(this Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private static ulong SplitMix(ulong value)
    {
        value += 0x9E3779B97F4A7C15UL;
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }
}
