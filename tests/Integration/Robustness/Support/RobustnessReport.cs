using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Robustness;

/// <summary>What one robustness scenario did and found; one JSON file per scenario under the run folder.</summary>
public sealed class ScenarioRecord
{
    public string Id { get; set; } = "";
    public string Area { get; set; } = "";
    public string Scenario { get; set; } = "";
    /// <summary>Real `dotnet build`s started (killed ones included).</summary>
    public int Builds { get; set; }
    /// <summary>Faults injected (kills, refused writes, unreadable inputs, …); 0 for concurrency and odd inputs.</summary>
    public int Faults { get; set; }
    public string FaultsText { get; set; } = "";
    public List<string> Outcomes { get; set; } = new();
    public int ArchivesAudited { get; set; }
    public int CorruptArchives { get; set; }
    public int UserFilesPlanted { get; set; }
    public int UserFilesTouched { get; set; }
    /// <summary>"passed", "failed: …" or "not run: …".</summary>
    public string Status { get; set; } = "";
    public double Seconds { get; set; }

    /// <summary>Per-step notes kept in the JSON record only (where each kill landed, …), for a post-mortem.</summary>
    public List<string> Details { get; set; } = new();

    public void Outcome(string text) { lock (Outcomes) Outcomes.Add(text); }
    public void Detail(string text) { lock (Details) Details.Add(text); }

    /// <summary>Adds an audit's counts; returns it so the test can assert on it.</summary>
    public AuditReport Audited(AuditReport audit)
    {
        ArchivesAudited += audit.Archives;
        CorruptArchives += audit.Problems.Count;
        return audit;
    }

    public void UserFiles(UserFiles files)
    {
        UserFilesPlanted = Math.Max(UserFilesPlanted, files.Paths.Count);
        UserFilesTouched = Math.Max(UserFilesTouched, files.Touched());
    }
}

/// <summary>
/// Keeps docs/robustness.md current. Every robustness test runs its body through <see cref="Run"/>, which writes the
/// scenario's record (also when the test fails) to &lt;run folder&gt;/robustness/&lt;test&gt;.json. When the records
/// of every robustness test of this assembly are present in the run folder — the last of them to finish, in whatever
/// order xunit ran them — the report is regenerated from exactly that run. A partial run (a --filter picking some
/// of them) records its scenarios but leaves the document alone, so it never shows a mix of runs.
/// </summary>
public static class RobustnessReport
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string RecordFolder => Path.Combine(TestEnvironment.Instance.RunRoot, "robustness");
    public static string DocumentPath => Path.Combine(TestEnvironment.Instance.RepoRoot, "docs", "robustness.md");

    public static void Run(string area, string scenario, Action<ScenarioRecord> body, [CallerMemberName] string id = "")
    {
        var record = new ScenarioRecord { Id = id, Area = area, Scenario = scenario };
        var clock = Stopwatch.StartNew();
        try
        {
            body(record);
            if (record.Status.Length == 0) record.Status = "passed";
        }
        catch (Exception e)
        {
            record.Status = "failed: " + e.Message.Split('\n')[0];
            throw;
        }
        finally
        {
            record.Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1);
            Save(record);
        }
    }

    /// <summary>Marks the scenario as not runnable here (for example no way to make a folder read-only as root).</summary>
    public static void NotRun(ScenarioRecord record, string reason) => record.Status = "not run: " + reason;

    private static void Save(ScenarioRecord record)
    {
        Directory.CreateDirectory(RecordFolder);
        File.WriteAllText(Path.Combine(RecordFolder, record.Id + ".json"), JsonSerializer.Serialize(record, Json));
        using var gate = Lock();
        var records = Directory.GetFiles(RecordFolder, "*.json")
            .Select(f => JsonSerializer.Deserialize<ScenarioRecord>(File.ReadAllText(f))!)
            .ToDictionary(r => r.Id);
        if (!ExpectedIds().All(records.ContainsKey)) return;
        var text = Render(ExpectedOrder().Select(id => records[id]).ToList());
        try
        {
            File.WriteAllText(DocumentPath, text);
            File.WriteAllText(Path.Combine(RecordFolder, "robustness.md"), text);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            File.WriteAllText(Path.Combine(RecordFolder, "robustness.md"), text); // a read-only checkout: keep it with the run
        }
    }

    private static FileStream Lock()
    {
        var path = Path.Combine(RecordFolder, ".lock");
        for (int i = 0; ; i++)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (i < 600) { Thread.Sleep(100); }
        }
    }

    /// <summary>Every [Fact] of this namespace that is not skipped, in source order per class.</summary>
    private static IReadOnlyList<string> ExpectedOrder() =>
        typeof(RobustnessReport).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(RobustnessReport).Namespace && t.IsClass && t.IsPublic)
            .OrderBy(t => Array.IndexOf(ClassOrder, t.Name) is var i && i < 0 ? int.MaxValue : i).ThenBy(t => t.Name, StringComparer.Ordinal)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.GetCustomAttribute<FactAttribute>() is { Skip: null })
                .OrderBy(m => m.MetadataToken))
            .Select(m => m.Name).ToList();

    private static IReadOnlyList<string> ExpectedIds() => ExpectedOrder();

    private static readonly string[] ClassOrder = { "ConcurrencyTests", "InterruptionTests", "StarvationTests", "HostileInputTests" };

    private static string Cell(string text) => text.Replace("|", "\\|").Replace("\n", " ");

    /// <summary>Run-specific details out of the rendered text (archive hashes change with the SDK version of every
    /// run, temporary names with the process), so that the document changes only when an outcome does.</summary>
    private static string Stable(string text)
    {
        text = System.Text.RegularExpressions.Regex.Replace(text, @"\.(app|deps)-[0-9a-f]{16}\.zip", ".$1-<hash>.zip");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"\.zip\.[0-9]+-[0-9a-f]{12}\.sparkship-tmp", ".zip.<pid>-<random>.sparkship-tmp");
        return System.Text.RegularExpressions.Regex.Replace(text, @"…/[^/'""]+-[0-9]+/", "…/");
    }

    public static string Render(IReadOnlyList<ScenarioRecord> records)
    {
        var s = new StringBuilder();
        int builds = records.Sum(r => r.Builds), faults = records.Sum(r => r.Faults), audited = records.Sum(r => r.ArchivesAudited);
        int corrupt = records.Sum(r => r.CorruptArchives), touched = records.Sum(r => r.UserFilesTouched);
        double seconds = records.Sum(r => r.Seconds);
        var run = Path.GetFileName(TestEnvironment.Instance.RunRoot);
        s.Append(ReportText.Introduction);
        s.Append('\n');
        s.Append($"Latest run: `{run}` ({Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}): ");
        s.Append($"{records.Count} scenarios, {builds} real `dotnet build`s, {faults} faults injected, {audited} archive audits, ");
        s.Append($"**{corrupt} corrupt archives**, **{touched} user files touched**; the scenarios took {seconds:0} s in total, one after another.\n\n");
        s.Append("| Area | Scenario | Runs | Faults injected | Outcome | Corrupt archives found | User files touched | Test |\n");
        s.Append("|---|---|---|---|---|---|---|---|\n");
        foreach (var r in records)
        {
            var outcome = Stable(string.Join("; ", r.Outcomes));
            if (!r.Status.StartsWith("passed", StringComparison.Ordinal)) outcome = $"**{r.Status}**" + (outcome.Length > 0 ? "; " + outcome : "");
            s.Append($"| {Cell(r.Area)} | {Cell(r.Scenario)} | {r.Builds} build{(r.Builds == 1 ? "" : "s")} | {Cell(r.Faults > 0 ? r.FaultsText : r.FaultsText.Length > 0 ? r.FaultsText : "none")} | ");
            s.Append($"{Cell(outcome)} | {r.CorruptArchives} of {r.ArchivesAudited} audited | {r.UserFilesTouched} of {r.UserFilesPlanted} | `{r.Id}` |\n");
        }
        foreach (var row in ReportText.CoveredElsewhere)
            s.Append($"| {row.Area} | {row.Scenario} | — | {row.Faults} | {row.Outcome} | — | — | {row.Test} |\n");
        s.Append('\n');
        s.Append(ReportText.Closing);
        return s.ToString();
    }
}
