using System.Diagnostics;
using System.Text.Json;
using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SparkShip.Sdk.IntegrationTests.Bench;

/// <summary>
/// Keeps the benchmark (bench/) from rotting: runs it in its tiny mode (small app only, one repetition, the run's
/// own packed SDK and package cache) and checks that it produced a well-formed table and JSON. No timing is
/// asserted: this machine's numbers say nothing in a test run.
/// </summary>
public class BenchSmokeTests
{
    private static readonly string[] Columns =
        { "#", "Scenario", "Ours vs baseline", "Result", "Spread: min–max (IQR)", "Ours: median (min–max)", "Baseline: median (min–max)", "n", "Target", "Holds" };

    private readonly ITestOutputHelper _output;

    public BenchSmokeTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void The_benchmark_runs_in_smoke_mode_and_writes_a_well_formed_table()
    {
        var clock = Stopwatch.StartNew();
        var env = TestEnvironment.Instance;
        var root = Path.Combine(env.RunRoot, "bench-smoke");
        var results = Path.Combine(root, "results");

        // Built outside the repository's bench/ folder, so a benchmark run there is never disturbed.
        var project = Path.Combine(env.RepoRoot, "bench", "SparkShip.Bench", "SparkShip.Bench.csproj");
        var build = env.Dotnet(env.RepoRoot, "build", project, "-c", "Release", "--artifacts-path", Path.Combine(root, "artifacts"), "-nr:false");
        Assert.True(build.ExitCode == 0, "Building the benchmark failed:\n" + build);
        var driver = Directory.EnumerateFiles(Path.Combine(root, "artifacts", "bin"), "SparkShip.Bench.dll", SearchOption.AllDirectories).Single();

        var run = ProcessRunner.Run("dotnet",
            new[]
            {
                driver, "--smoke", "--repo", env.RepoRoot, "--feed", env.Feed, "--sdk-version", env.SdkVersion,
                "--packages", env.PackageCache, "--work", Path.Combine(root, "work"), "--out", results,
            },
            // A guard against a hang, not a timing: the run includes the cold (no compiler server, no node reuse) builds of
            // row 2a.4, and on 2 cores shared with other builds it has taken more than 6 minutes.
            env.RepoRoot, env.ChildEnvironment(), TimeSpan.FromMinutes(15));
        _output.WriteLine(run.Output);
        Assert.True(run.ExitCode == 0, "The benchmark failed:\n" + run);

        // latest.md: the results table, every row with one cell per column and a result.
        var lines = File.ReadAllLines(Path.Combine(results, "latest.md"));
        Assert.Contains(lines, l => l.StartsWith("- Machine: ", StringComparison.Ordinal) && l.Contains("cores"));
        int header = Array.FindIndex(lines, l => l.StartsWith("| # | Scenario |", StringComparison.Ordinal));
        Assert.True(header >= 0, "no results table in latest.md:\n" + string.Join('\n', lines));
        Assert.Equal(Columns, Cells(lines[header]));
        Assert.Matches(@"^\|(\s*-+:?\s*\|)+$", lines[header + 1]);
        var rows = lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')).Select(Cells).ToList();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            Assert.Equal(Columns.Length, row.Length);
            Assert.Matches(@"^\*\*[0-9.]+(×| ms| s| MB)\*\*$", row[3]);
        }
        var ids = rows.Select(r => r[0]).ToList();
        foreach (var expected in new[] { "1a", "1c", "1e", "1f", "2a.1", "2a.2", "2a.3", "2a.4", "3.1", "3.2", "4.1", "5.1", "5.2", "6.1", "6.2" }) Assert.Contains(expected, ids);

        // latest.json: the same rows, with the machine and every sample.
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(results, "latest.json")));
        var document = json.RootElement;
        Assert.True(document.GetProperty("machine").GetProperty("nproc").GetInt32() > 0);
        Assert.False(string.IsNullOrEmpty(document.GetProperty("machine").GetProperty("dotnet").GetString()));
        Assert.True(DateTime.TryParse(document.GetProperty("date").GetString(), out _));
        var jsonRows = document.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(ids, jsonRows.Select(r => r.GetProperty("id").GetString()!).ToList());
        foreach (var r in jsonRows)
        {
            Assert.True(r.GetProperty("value").GetDouble() > 0, r.ToString());
            Assert.NotEmpty(r.GetProperty("ours").GetProperty("samples").EnumerateArray());
        }
        _output.WriteLine($"smoke run took {clock.Elapsed.TotalSeconds:0} s");
    }

    private static string[] Cells(string line) =>
        line.Trim().Trim('|').Split(" | ").Select(c => c.Trim()).ToArray();
}
