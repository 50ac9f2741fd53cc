using System.Text.RegularExpressions;
using SparkShip.Sdk.TargetTests.Infrastructure;

namespace SparkShip.Sdk.TargetTests;

/// <summary>
/// The options table of README.md ("| Property | Default | Meaning |"), read at test time so that the tests check
/// exactly what the README promises: a row added there is tested without touching the tests.
/// </summary>
public sealed record ReadmeOption(string Name, string DefaultCell, string? DocumentedDefault, string Meaning)
{
    public override string ToString() => Name;

    public static IReadOnlyList<ReadmeOption> All { get; } = Read();

    private static IReadOnlyList<ReadmeOption> Read()
    {
        var lines = File.ReadAllLines(Path.Combine(TargetTestEnvironment.RepoRoot, "README.md"));
        int header = Array.FindIndex(lines, l => Regex.IsMatch(l, @"^\|\s*Property\s*\|\s*Default\s*\|\s*Meaning\s*\|"));
        if (header < 0) throw new InvalidOperationException("README.md has no '| Property | Default | Meaning |' table.");
        var options = new List<ReadmeOption>();
        foreach (var line in lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            var names = Regex.Matches(cells[0], "`([A-Za-z]+)`").Select(m => m.Groups[1].Value).ToList();
            var defaults = DocumentedDefaults(cells[1], names.Count);
            for (int i = 0; i < names.Count; i++)
                options.Add(new ReadmeOption(names[i], cells[1], defaults?[i], cells[2]));
        }
        return options;
    }

    /// <summary>
    /// "(empty)" is ""; otherwise the leading `value`s, one per property of the row ("`local[*]`, `client`, `3.5`"),
    /// whatever qualifier follows in parentheses ("`true` (C# projects)"). Null for a conditional default
    /// ("`true` when …"), which a test states on its own.
    /// </summary>
    private static string[]? DocumentedDefaults(string cell, int count)
    {
        if (cell == "(empty)") return Enumerable.Repeat("", count).ToArray();
        var leading = Regex.Match(cell, @"^`([^`]*)`(?:,\s*`([^`]*)`)*");
        if (!leading.Success || cell.Substring(leading.Length).TrimStart().StartsWith("when ", StringComparison.Ordinal)) return null;
        var values = new[] { leading.Groups[1].Value }.Concat(leading.Groups[2].Captures.Select(c => c.Value)).ToArray();
        return values.Length == count ? values : throw new InvalidOperationException($"README default '{cell}' does not give one value per property.");
    }
}
