using System;
using System.Collections.Generic;
using System.Text;
using SparkShip.Tasks.Hashing;

namespace SparkShip.Tasks.Planning;

/// <summary>
/// Builds a fingerprint from named sections of (key, value) lines, sorted so that item order never matters,
/// hashed with <see cref="ContentHash"/>. The salt ties names to the SDK version and to the runtime whose
/// deflate implementation writes the bytes, so a name never stands for two different archives.
/// </summary>
public sealed class FingerprintBuilder
{
    private readonly SortedDictionary<string, List<string>> _sections = new(StringComparer.Ordinal);

    public FingerprintBuilder(string sdkVersion)
    {
        Add("format", "version", BundleIdentity.FormatVersion.ToString());
        Add("format", "sdk", sdkVersion);
        Add("format", "deflate", Writing.BundleCompression.Describe());
    }

    public FingerprintBuilder Add(string section, string key, string value)
    {
        if (!_sections.TryGetValue(section, out var lines)) _sections[section] = lines = new List<string>();
        lines.Add(Escape(key) + "\t" + Escape(value));
        return this;
    }

    public string Compute() => ContentHash.OfText(Text());

    /// <summary>The canonical text that is hashed: written to obj/ so a user can diff why a bundle name changed.</summary>
    public string Text()
    {
        var text = new StringBuilder();
        foreach (var section in _sections)
        {
            text.Append('[').Append(section.Key).Append("]\n");
            section.Value.Sort(StringComparer.Ordinal);
            foreach (var line in section.Value) text.Append(line).Append('\n');
        }
        return text.ToString();
    }

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\t", "\\t").Replace("\n", "\\n");
}
