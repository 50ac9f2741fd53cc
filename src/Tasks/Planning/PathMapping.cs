using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace SparkShip.Tasks.Planning;

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
