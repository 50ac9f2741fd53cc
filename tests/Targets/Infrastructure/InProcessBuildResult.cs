using Microsoft.Build.Execution;
using Xunit;

namespace SparkShip.Sdk.TargetTests.Infrastructure;

/// <summary>
/// One in-process build: its result, the project instance as the build left it (properties and items the targets
/// set), and the recorded log. "Ran" means a target's body executed: skipped because its condition was false or its
/// outputs were up to date (or built before in the same build) does not count.
/// </summary>
public sealed class InProcessBuildResult
{
    internal InProcessBuildResult(ProjectInstance instance, BuildResult result, RecordingLogger log)
    {
        Instance = instance;
        Result = result;
        Events = log.Events;
    }

    public ProjectInstance Instance { get; }
    public BuildResult Result { get; }
    public IReadOnlyList<LogEvent> Events { get; }
    public bool Succeeded => Result.OverallResult == BuildResultCode.Success;

    public InProcessBuildResult AssertSuccess()
    {
        Assert.True(Succeeded, $"Build failed ({MSBuildRegistration.Description}):\n" + string.Join('\n', Errors.Concat(Warnings)));
        return this;
    }

    public string Property(string name) => Instance.GetPropertyValue(name);

    public IReadOnlyList<TestItem> Items(string type) => Instance.GetItems(type)
        .Select(i => new TestItem(i.EvaluatedInclude, i.MetadataNames.Cast<string>().ToDictionary(n => n, i.GetMetadataValue)))
        .ToList();

    public IReadOnlyList<LogEvent> Errors => Events.Where(e => e.Kind == LogEventKind.Error).ToList();
    public IReadOnlyList<LogEvent> Warnings => Events.Where(e => e.Kind == LogEventKind.Warning).ToList();
    public IReadOnlyList<LogEvent> Diagnostics(string code) => Events.Where(e => e.Code == code).ToList();
    public IReadOnlyList<string> Messages => Events.Where(e => e.Kind == LogEventKind.Message).Select(e => e.Text ?? "").ToList();

    /// <summary>Targets whose body ran, in the order they started.</summary>
    public IReadOnlyList<LogEvent> TargetsRun => Events
        .Where(e => e.Kind == LogEventKind.TargetStarted && !SkippedAsUpToDate(e))
        .ToList();

    public bool TargetRan(string name) => TargetsRun.Any(t => t.Name == name);

    /// <summary>True if MSBuild skipped the target because its outputs were up to date.</summary>
    public bool TargetSkippedAsUpToDate(string name) => Events.Any(e => e.Name == name && e.Kind == LogEventKind.TargetSkipped && e.SkipReason == "OutputsUpToDate");

    /// <summary>Targets defined in <paramref name="targetsFile"/> that ran (so any of SparkShip's, public or private).</summary>
    public IReadOnlyList<string> TargetsRunFrom(string targetsFile) => TargetsRun
        .Where(t => string.Equals(Path.GetFullPath(t.File ?? ""), Path.GetFullPath(targetsFile), StringComparison.Ordinal))
        .Select(t => t.Name!).ToList();

    public IReadOnlyList<LogEvent> TasksRun(string name) => Events.Where(e => e.Kind == LogEventKind.TaskStarted && e.Name == name).ToList();

    /// <summary>Every task loaded from an assembly named SparkShip.Sdk.Tasks.dll, whichever copy.</summary>
    public IReadOnlyList<LogEvent> SparkShipTasksRun => Events
        .Where(e => e.Kind == LogEventKind.TaskStarted && Path.GetFileName(e.TaskAssembly ?? "") == "SparkShip.Sdk.Tasks.dll")
        .ToList();

    /// <summary>
    /// Asserts that the targets all ran and each started only after the one before it finished (data-flow order).
    /// </summary>
    public InProcessBuildResult AssertRanInOrder(params string[] targets)
    {
        int previousFinish = -1;
        string? previous = null;
        foreach (var name in targets)
        {
            Assert.True(TargetRan(name), $"{name} did not run; ran: {string.Join(", ", TargetsRun.Select(t => t.Name))}");
            int start = Events.First(e => e.Kind == LogEventKind.TargetStarted && e.Name == name).Sequence;
            Assert.True(start > previousFinish, $"{name} started before {previous} finished");
            previousFinish = Events.First(e => e.Kind == LogEventKind.TargetFinished && e.Name == name).Sequence;
            previous = name;
        }
        return this;
    }

    private bool SkippedAsUpToDate(LogEvent started) => Events.Any(e =>
        e.Kind == LogEventKind.TargetSkipped && e.Context == started.Context && e.SkipReason == "OutputsUpToDate");
}
