using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SparkShip.Bench;

/// <summary>
/// One line of the results table. A "ratio" row compares ours with a baseline measured in the same run, repetition
/// by repetition (the value is the ratio of the medians; the spread is that of the per-repetition ratios). An
/// "absolute" row is a measurement with a target in its own unit (the attach time).
/// </summary>
internal sealed class ResultRow
{
    public required string Id { get; init; }
    public required string Scenario { get; init; }
    public required string Comparison { get; init; }
    /// <summary>Unit of <see cref="Ours"/> and <see cref="Baseline"/>: "s", "ms" or "MB".</summary>
    public required string Unit { get; init; }
    public required Summary Ours { get; init; }
    /// <summary>Null for an absolute row.</summary>
    public Summary? Baseline { get; init; }
    /// <summary>Upper bound the value must not exceed (a ratio, or milliseconds for an absolute row); null: reported only.</summary>
    public double? TargetMax { get; init; }
    public string? Note { get; init; }

    public bool IsRatio => Baseline != null;
    public double Value => IsRatio ? Ours.Median / Baseline!.Median : Ours.Median;

    /// <summary>Per-repetition ratios (ours[i] / baseline[i]), or the samples themselves for an absolute row.</summary>
    public Summary Spread => IsRatio
        ? new Summary(Ours.Samples.Zip(Baseline!.Samples, (a, b) => a / b).ToList())
        : Ours;

    public bool? Holds => TargetMax is null ? null : Value <= TargetMax.Value;

    public string ValueText => IsRatio ? Ratio(Value) : Amount(Value, Unit);
    public string TargetText => TargetMax is null ? "—" : "≤ " + (IsRatio ? Ratio(TargetMax.Value) : Amount(TargetMax.Value, Unit));

    public static string Ratio(double r) => r.ToString(r < 0.1 ? "0.000" : "0.00", CultureInfo.InvariantCulture) + "×";

    public static string Amount(double v, string unit) => unit switch
    {
        "s" => v.ToString("0.00", CultureInfo.InvariantCulture) + " s",
        "ms" => v.ToString(v < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " ms",
        "MB" => v.ToString("0.00", CultureInfo.InvariantCulture) + " MB",
        _ => v.ToString("0.###", CultureInfo.InvariantCulture) + " " + unit,
    };

    public static string Number(double v, string unit) => unit switch
    {
        "s" or "MB" => v.ToString("0.00", CultureInfo.InvariantCulture),
        _ => v.ToString(v < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture),
    };
}

/// <summary>Where SparkShip's time goes in one build (from its binlog): informational, no target.</summary>
internal sealed record BreakdownRow(string Build, string What, double Milliseconds);

internal sealed class Machine
{
    public int Cores { get; init; }
    public string Cpu { get; init; } = "";
    public double MemoryGiB { get; init; }
    public string Dotnet { get; init; } = "";
    public string Os { get; init; } = "";
    public string Zip { get; init; } = "";

    public static Machine Describe(Processes processes, string workingDirectory)
    {
        string cpu = "unknown";
        double memory = 0;
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
            var mem = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (mem != null) memory = long.Parse(mem.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
        }
        catch (IOException) { }
        var zip = processes.Run("zip", new[] { "-v" }, workingDirectory, check: false).Output.Split('\n')
            .FirstOrDefault(l => l.StartsWith("This is Zip", StringComparison.Ordinal))?.Trim() ?? "zip";
        return new Machine
        {
            Cores = Environment.ProcessorCount,
            Cpu = cpu,
            MemoryGiB = Math.Round(memory, 1),
            Dotnet = processes.Run("dotnet", new[] { "--version" }, workingDirectory).Output.Trim(),
            Os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            Zip = zip,
        };
    }
}

/// <summary>Writes latest.md (the table) and latest.json (the same numbers, with every sample).</summary>
internal static class ResultsWriter
{
    public static void Write(string outDir, DateTime date, Machine machine, IReadOnlyDictionary<string, object> settings,
        IReadOnlyList<ResultRow> rows, IReadOnlyList<BreakdownRow> breakdown, IReadOnlyList<string> notes, double totalSeconds)
    {
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "latest.md"), Markdown(date, machine, settings, rows, breakdown, notes, totalSeconds));
        File.WriteAllText(Path.Combine(outDir, "latest.json"), Json(date, machine, settings, rows, breakdown, notes, totalSeconds));
    }

    public static string Markdown(DateTime date, Machine machine, IReadOnlyDictionary<string, object> settings,
        IReadOnlyList<ResultRow> rows, IReadOnlyList<BreakdownRow> breakdown, IReadOnlyList<string> notes, double totalSeconds)
    {
        var s = new StringBuilder();
        s.Append("# SparkShip.Sdk benchmark\n\n");
        s.Append($"- Date: {date:yyyy-MM-dd HH:mm} UTC; the run took {totalSeconds:0} s\n");
        s.Append($"- Machine: {machine.Cores} cores ({machine.Cpu}), {machine.MemoryGiB.ToString("0.0", CultureInfo.InvariantCulture)} GiB memory, {machine.Os}, dotnet {machine.Dotnet}, {machine.Zip}\n");
        s.Append("- Settings: ").Append(string.Join(", ", settings.Select(kv => $"{kv.Key} {kv.Value}"))).Append('\n');
        s.Append("- Ratios are ours / baseline, both measured in this run, repetitions interleaved (A B A B …): the value is the ratio of the medians,\n");
        s.Append("  the spread is min–max (and interquartile range) of the per-repetition ratios. Lower is better everywhere.\n\n");

        var targets = rows.Where(r => r.TargetMax != null).ToList();
        if (targets.Count > 0)
        {
            s.Append("## Targets\n\n| # | Target | Measured | Holds |\n|---|---|---:|---|\n");
            foreach (var r in targets)
                s.Append($"| {r.Id} | {Cell(r.Scenario)}: {Cell(r.Comparison)} {r.TargetText} | {r.ValueText} | {(r.Holds == true ? "yes" : "**no**")} |\n");
            s.Append("\n## All results\n\n");
        }

        s.Append("| # | Scenario | Ours vs baseline | Result | Spread: min–max (IQR) | Ours: median (min–max) | Baseline: median (min–max) | n | Target | Holds |\n");
        s.Append("|---|---|---|---:|---|---|---|---:|---|---|\n");
        foreach (var r in rows)
        {
            var spread = r.Spread;
            string Range(Summary x, bool ratio) => ratio
                ? $"{ResultRow.Ratio(x.Min)}–{ResultRow.Ratio(x.Max)} ({ResultRow.Ratio(x.Q1)}–{ResultRow.Ratio(x.Q3)})"
                : $"{ResultRow.Number(x.Min, r.Unit)}–{ResultRow.Amount(x.Max, r.Unit)} ({ResultRow.Number(x.Q1, r.Unit)}–{ResultRow.Number(x.Q3, r.Unit)})";
            string Med(Summary? x) => x is null ? "—" : $"{ResultRow.Amount(x.Median, r.Unit)} ({ResultRow.Number(x.Min, r.Unit)}–{ResultRow.Number(x.Max, r.Unit)})";
            var holds = r.Holds switch { true => "yes", false => "**no**", null => "—" };
            s.Append($"| {r.Id} | {Cell(r.Scenario)} | {Cell(r.Comparison)} | **{r.ValueText}** | {Range(spread, r.IsRatio)} | {Med(r.Ours)} | {Med(r.Baseline)} | {r.Ours.Count} | {r.TargetText} | {holds} |\n");
        }

        if (breakdown.Count > 0)
        {
            s.Append("\n## Where SparkShip's time goes (one extra build each, read from its binlog)\n\n");
            s.Append("| Build | Target or task | ms |\n|---|---|---:|\n");
            foreach (var b in breakdown)
                s.Append($"| {Cell(b.Build)} | {Cell(b.What)} | {b.Milliseconds.ToString("0", CultureInfo.InvariantCulture)} |\n");
        }

        if (notes.Count > 0)
        {
            s.Append("\n## Notes\n\n");
            foreach (var n in notes) s.Append("- ").Append(n).Append('\n');
        }
        return s.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|").Replace("\n", " ");

    public static string Json(DateTime date, Machine machine, IReadOnlyDictionary<string, object> settings,
        IReadOnlyList<ResultRow> rows, IReadOnlyList<BreakdownRow> breakdown, IReadOnlyList<string> notes, double totalSeconds)
    {
        static object Stats(Summary x) => new { median = x.Median, min = x.Min, max = x.Max, q1 = x.Q1, q3 = x.Q3, samples = x.Samples };
        var document = new
        {
            schema = "sparkship-bench/1",
            date = date.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            durationSeconds = Math.Round(totalSeconds, 1),
            machine = new { nproc = machine.Cores, cpu = machine.Cpu, memoryGiB = machine.MemoryGiB, os = machine.Os, dotnet = machine.Dotnet, zip = machine.Zip },
            settings,
            // One line per row: the ratio (or milliseconds), and the target it is held to.
            summary = rows.ToDictionary(r => r.Id, r => new
            {
                value = Math.Round(r.Value, 4),
                unit = r.IsRatio ? "x" : r.Unit,
                target = r.TargetMax,
                holds = r.Holds,
            }),
            results = rows.Select(r => new
            {
                id = r.Id,
                scenario = r.Scenario,
                comparison = r.Comparison,
                kind = r.IsRatio ? "ratio" : "absolute",
                value = r.Value,
                valueUnit = r.IsRatio ? "x" : r.Unit,
                spread = Stats(r.Spread),
                unit = r.Unit,
                ours = Stats(r.Ours),
                baseline = r.Baseline is null ? null : Stats(r.Baseline),
                target = r.TargetMax is null ? null : new { max = r.TargetMax, text = r.TargetText },
                holds = r.Holds,
                note = r.Note,
            }),
            breakdown = breakdown.Select(b => new { build = b.Build, what = b.What, milliseconds = b.Milliseconds }),
            notes,
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }
}
