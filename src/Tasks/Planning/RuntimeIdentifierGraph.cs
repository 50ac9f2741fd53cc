using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace SparkShip.Tasks.Planning;

/// <summary>
/// The runtime identifier fallback chain (e.g. linux-x64 → linux → unix-x64 → unix → any), read from the
/// .NET SDK's RID graph ($(RuntimeIdentifierGraphPath)) and expanded breadth-first as NuGet does.
/// </summary>
public static class RuntimeIdentifierGraph
{
    public static IReadOnlyList<string> FallbackChain(string rid, string? graphPath)
    {
        if (RuntimesOf(graphPath) is { } runtimes && runtimes.TryGetProperty(rid, out _))
            return Expand(rid, runtimes);
        return Guess(rid);
    }

    /// <summary>
    /// True for a runtime identifier the graph names; without a graph, for one whose OS part is one .NET ships for
    /// (so that "Microsoft.Spark.Worker.net8.0.custom-2.3.1" is not read as a runtime).
    /// </summary>
    public static bool IsKnown(string rid, string? graphPath)
    {
        if (string.IsNullOrEmpty(rid)) return false;
        if (RuntimesOf(graphPath) is { } runtimes) return runtimes.TryGetProperty(rid, out _);
        var os = rid.Split('-')[0].ToLowerInvariant();
        return os is "win" or "linux" or "osx" or "freebsd" or "unix" or "illumos" or "solaris";
    }

    // The graph's "runtimes", parsed once per file version (one identify step asks several times; MSBuild's nodes live on).
    private static readonly object Gate = new();
    private static (string Path, long Length, DateTime Time, JsonElement? Runtimes)? _parsed;

    private static JsonElement? RuntimesOf(string? graphPath)
    {
        if (string.IsNullOrEmpty(graphPath)) return null;
        var file = new FileInfo(graphPath);
        if (!file.Exists) return null;
        lock (Gate)
        {
            if (_parsed is { } p && p.Path == file.FullName && p.Length == file.Length && p.Time == file.LastWriteTimeUtc) return p.Runtimes;
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file.FullName));
            JsonElement? runtimes = doc.RootElement.TryGetProperty("runtimes", out var r) ? r.Clone() : null;
            _parsed = (file.FullName, file.Length, file.LastWriteTimeUtc, runtimes);
            return runtimes;
        }
    }

    private static IReadOnlyList<string> Expand(string rid, JsonElement runtimes)
    {
        var chain = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<string>();
        queue.Enqueue(rid);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            if (!seen.Add(current)) continue;
            chain.Add(current);
            if (runtimes.TryGetProperty(current, out var node) && node.TryGetProperty("#import", out var imports))
                foreach (var import in imports.EnumerateArray())
                    if (import.GetString() is { } name) queue.Enqueue(name);
        }
        return chain;
    }

    // Without a graph (an unknown RID, or no SDK graph file): the RID, its OS, unix for Unix-likes, any.
    private static IReadOnlyList<string> Guess(string rid)
    {
        var chain = new List<string> { rid };
        int dash = rid.LastIndexOf('-');
        string os = dash > 0 ? rid.Substring(0, dash) : rid;
        if (os != rid) chain.Add(os);
        if (os.StartsWith("linux", StringComparison.OrdinalIgnoreCase) || os.StartsWith("osx", StringComparison.OrdinalIgnoreCase) || os.StartsWith("freebsd", StringComparison.OrdinalIgnoreCase))
            chain.Add("unix");
        chain.Add("any");
        return chain;
    }
}
