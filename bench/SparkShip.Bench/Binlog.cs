using Microsoft.Build.Logging.StructuredLogger;
using MSBuildTask = Microsoft.Build.Logging.StructuredLogger.Task;

namespace SparkShip.Bench;

/// <summary>Task and target times of one build, read from its binlog with MSBuild.StructuredLogger.</summary>
internal sealed class BuildTimes
{
    private readonly Dictionary<string, double> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _targets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _cscByProject = new(StringComparer.Ordinal);

    public static BuildTimes Read(string binlogPath)
    {
        var build = BinaryLog.ReadBuild(binlogPath);
        var times = new BuildTimes();
        foreach (var task in build.FindChildrenRecursive<MSBuildTask>())
        {
            times._tasks[task.Name] = times.Task(task.Name) + task.Duration.TotalMilliseconds;
            if (task.Name == "Csc" && task.GetNearestParent<Project>() is { } project)
            {
                var name = Path.GetFileNameWithoutExtension(project.ProjectFile ?? project.Name);
                times._cscByProject[name] = times.CscMilliseconds(name) + task.Duration.TotalMilliseconds;
            }
        }
        foreach (var target in build.FindChildrenRecursive<Target>(t => !t.Skipped))
            times._targets[target.Name] = times.Target(target.Name) + target.Duration.TotalMilliseconds;
        times.TotalMilliseconds = build.Duration.TotalMilliseconds;
        return times;
    }

    public double TotalMilliseconds { get; private set; }

    /// <summary>Milliseconds spent in every task of that name (0 if it never ran).</summary>
    public double Task(string name) => _tasks.TryGetValue(name, out var ms) ? ms : 0;

    /// <summary>Milliseconds spent in every executed target of that name (its own tasks, not its dependencies).</summary>
    public double Target(string name) => _targets.TryGetValue(name, out var ms) ? ms : 0;

    public bool Ran(string taskName) => _tasks.ContainsKey(taskName);

    /// <summary>True if the compiler ran for that project (by project file name without extension).</summary>
    public bool Compiled(string project) => _cscByProject.ContainsKey(project);

    /// <summary>Milliseconds the compiler ran for that project (0 if it did not).</summary>
    public double CscMilliseconds(string project) => _cscByProject.TryGetValue(project, out var ms) ? ms : 0;

    /// <summary>SparkShip's own targets that executed, with their times.</summary>
    public IEnumerable<KeyValuePair<string, double>> SparkShipTargets() =>
        _targets.Where(t => t.Key.Contains("SparkBundle", StringComparison.Ordinal) || t.Key.Contains("SparkShip", StringComparison.Ordinal))
                .OrderBy(t => t.Key, StringComparer.Ordinal);
}
