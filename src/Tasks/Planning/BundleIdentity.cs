using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using SparkShip.Tasks.Hashing;

namespace SparkShip.Tasks.Planning;

/// <summary>The names and fingerprints that identify one build's bundle; what SparkBundle.g.cs carries.</summary>
public sealed class BundleIdentity
{
    /// <summary>Version of the bundle layout and manifest. Bump when either changes shape.</summary>
    public const int FormatVersion = 1;
    public const string ManifestEntryName = "sparkship-manifest.json";
    public const int NameHashLength = 16;

    public string SdkVersion { get; set; } = "";
    public string AssemblyName { get; set; } = "";
    public string TargetFramework { get; set; } = "";
    /// <summary>Folder of the archives, relative to the app's base directory (AppContext.BaseDirectory).</summary>
    public string Directory { get; set; } = "";
    public string ClusterRuntimeIdentifier { get; set; } = "";
    public string? SparkVersion { get; set; }
    public string AppArchive { get; set; } = "";
    public string AppFingerprint { get; set; } = "";
    /// <summary>Empty when the app has no package dependencies to ship.</summary>
    public string DependencyArchive { get; set; } = "";
    public string DependencyFingerprint { get; set; } = "";

    public static string ArchiveName(string prefix, string layer, string fingerprint) =>
        $"{SafePrefix(prefix)}.{layer}-{fingerprint.Substring(0, NameHashLength)}.zip";

    // Archive names end up in URIs (spark.archives) and file names on every executor: keep them plain.
    internal static string SafePrefix(string prefix)
    {
        var chars = prefix.Select(c => (c < 128 && (char.IsLetterOrDigit(c) || c == '.' || c == '_' || c == '-')) ? c : '_').ToArray();
        var text = new string(chars).Trim('.');
        return text.Length == 0 ? "app" : text;
    }
}

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

/// <summary>
/// Applies the compiler's PathMap ("from=to,from=to") to a path as Roslyn does when it embeds paths in PDB and
/// DLL: key and value get a trailing separator, and the longest matching key wins (the first of equal ones).
/// </summary>
public static class PathMapping
{
    public static string Apply(string path, string? pathMap)
    {
        if (string.IsNullOrWhiteSpace(pathMap)) return path;
        var entries = Parse(pathMap!).Where(e => e.Item1.Length > 0)
            .Select((e, index) => (from: WithSeparator(e.Item1), to: WithSeparator(e.Item2), index))
            .OrderByDescending(e => e.from.Length).ThenBy(e => e.index);
        foreach (var (from, to, _) in entries)
            if (path.StartsWith(from, StringComparison.Ordinal))
                return to + path.Substring(from.Length);
        return path;
    }

    private static string WithSeparator(string p) =>
        p.EndsWith("/", StringComparison.Ordinal) || p.EndsWith("\\", StringComparison.Ordinal) ? p : p + System.IO.Path.DirectorySeparatorChar;

    // Roslyn's syntax: entries separated by ',', key and value by '=', a doubled ',,' or '==' escapes the character.
    private static IEnumerable<(string, string)> Parse(string pathMap)
    {
        var entries = new List<string>();
        var current = new StringBuilder();
        for (int i = 0; i < pathMap.Length; i++)
        {
            if (pathMap[i] == ',' && i + 1 < pathMap.Length && pathMap[i + 1] == ',') { current.Append(','); i++; }
            else if (pathMap[i] == ',') { entries.Add(current.ToString()); current.Clear(); }
            else current.Append(pathMap[i]);
        }
        entries.Add(current.ToString());
        foreach (var entry in entries)
        {
            for (int i = 0; i < entry.Length; i++)
            {
                if (entry[i] != '=') continue;
                if (i + 1 < entry.Length && entry[i + 1] == '=') { i++; continue; }
                yield return (entry.Substring(0, i).Replace("==", "="), entry.Substring(i + 1).Replace("==", "="));
                break;
            }
        }
    }
}
