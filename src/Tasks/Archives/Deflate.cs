using System;
using System.IO;
using System.IO.Compression;
using System.Reflection;

namespace SparkShip.Tasks.Archives;

/// <summary>
/// How entries are deflated: a <see cref="CompressionLevel"/>, or an exact zlib level (0–9) where the runtime
/// offers one (.NET 9+, through ZLibCompressionOptions). The exact level matters because the runtime's zlib-ng
/// compresses noticeably worse than classic zlib at the "Optimal" level 6 and much slower at level 9; level 7
/// lands within 2% of `zip -6` at a fraction of level 9's time (see bench/).
/// </summary>
internal readonly struct DeflateLevel
{
    // DeflateStream(Stream, ZLibCompressionOptions, bool), looked up once: this assembly targets net8.0 and
    // net472, but runs in MSBuild on whatever runtime the SDK brings.
    private static readonly Type? OptionsType = typeof(DeflateStream).Assembly.GetType("System.IO.Compression.ZLibCompressionOptions");
    private static readonly ConstructorInfo? OptionsConstructor =
        OptionsType == null ? null : typeof(DeflateStream).GetConstructor(new[] { typeof(Stream), OptionsType, typeof(bool) });

    public DeflateLevel(CompressionLevel level, int? zlibLevel)
    {
        Level = level;
        ZlibLevel = zlibLevel;
    }

    public CompressionLevel Level { get; }
    public int? ZlibLevel { get; }

    /// <summary>The level in effect on this runtime, for fingerprints: names must change when bytes would.</summary>
    public string Describe() => UsesZlibLevel ? "zlib-" + ZlibLevel : Level.ToString();

    private bool UsesZlibLevel => ZlibLevel != null && OptionsConstructor != null;

    public DeflateStream Open(Stream sink)
    {
        if (UsesZlibLevel)
        {
            var options = Activator.CreateInstance(OptionsType!)!;
            OptionsType!.GetProperty("CompressionLevel")!.SetValue(options, ZlibLevel!.Value);
            return (DeflateStream)OptionsConstructor!.Invoke(new object[] { sink, options, true });
        }
        return new DeflateStream(sink, Level, leaveOpen: true);
    }
}
