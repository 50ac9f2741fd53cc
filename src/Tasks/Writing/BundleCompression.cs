using System.IO.Compression;
using System.Runtime.InteropServices;
using SparkShip.Tasks.Archives;

namespace SparkShip.Tasks.Writing;

/// <summary>
/// The one place that says how bundle archives are compressed. zlib level 7 where the runtime allows choosing it
/// (.NET 9+): within 2% of `zip -6`'s size, faster than it on two cores (bench/); "Optimal" elsewhere.
/// </summary>
internal static class BundleCompression
{
    public const int ZlibLevel = 7;

    public static ZipWriteOptions Options(int maxParallelism) =>
        new ZipWriteOptions { MaxParallelism = maxParallelism, Level = CompressionLevel.Optimal, ZlibLevel = ZlibLevel };

    /// <summary>What writes the bytes, for fingerprints: a name must never stand for two different archives.</summary>
    public static string Describe() =>
        new DeflateLevel(CompressionLevel.Optimal, ZlibLevel).Describe() + " on " + RuntimeInformation.FrameworkDescription;
}
