using System;

namespace SparkShip.Tasks.Planning;

/// <summary>
/// NuGet's version order (SemVer 2 with up to four numeric parts, build metadata ignored) and the lower bound of a
/// version range as project.assets.json writes it ("13.0.3", "[13.0.3, )", "[13.0.3]").
/// </summary>
public static class PackageVersions
{
    /// <summary>Negative when <paramref name="a"/> is lower than <paramref name="b"/>, zero when equal, positive when higher.</summary>
    public static int Compare(string a, string b)
    {
        var (releaseA, preA) = Split(a);
        var (releaseB, preB) = Split(b);
        for (int i = 0; i < 4; i++)
        {
            int c = Part(releaseA, i).CompareTo(Part(releaseB, i));
            if (c != 0) return c;
        }
        // A release is higher than any of its pre-releases.
        if (preA.Length == 0 || preB.Length == 0) return (preA.Length == 0 ? 1 : 0) - (preB.Length == 0 ? 1 : 0);
        var labelsA = preA.Split('.');
        var labelsB = preB.Split('.');
        for (int i = 0; i < Math.Min(labelsA.Length, labelsB.Length); i++)
        {
            bool numA = long.TryParse(labelsA[i], out var na), numB = long.TryParse(labelsB[i], out var nb);
            int c = numA && numB ? na.CompareTo(nb)
                : numA ? -1 : numB ? 1
                : string.Compare(labelsA[i], labelsB[i], StringComparison.OrdinalIgnoreCase);
            if (c != 0) return c;
        }
        return labelsA.Length.CompareTo(labelsB.Length);
    }

    public static bool IsHigher(string version, string than) => Compare(version, than) > 0;

    /// <summary>The lowest version a range allows ("[13.0.3, )" → "13.0.3"), or null for a range without one.</summary>
    public static string? LowerBound(string? range)
    {
        if (string.IsNullOrWhiteSpace(range)) return null;
        var text = range!.Trim();
        text = text.TrimStart('[', '(');
        int comma = text.IndexOf(',');
        if (comma >= 0) text = text.Substring(0, comma);
        text = text.TrimEnd(']', ')').Trim();
        return text.Length == 0 ? null : text;
    }

    private static (string[] release, string pre) Split(string version)
    {
        var text = version.Trim();
        int plus = text.IndexOf('+');
        if (plus >= 0) text = text.Substring(0, plus);
        int dash = text.IndexOf('-');
        return dash < 0 ? (text.Split('.'), "") : (text.Substring(0, dash).Split('.'), text.Substring(dash + 1));
    }

    private static long Part(string[] parts, int index) => index < parts.Length && long.TryParse(parts[index], out var n) ? n : 0;
}
