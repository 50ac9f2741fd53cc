using System.Text.RegularExpressions;
using Microsoft.Build.Logging.StructuredLogger;
using Xunit;
using MSBuildTask = Microsoft.Build.Logging.StructuredLogger.Task;

namespace SparkShip.Sdk.IntegrationTests.Infrastructure;

/// <summary>Outcome of one real build: exit code, console output, and the binlog read back with StructuredLogger.</summary>
public sealed class BuildResult
{
    private readonly Lazy<Build> _log;

    public BuildResult(ProcessResult process, string binlogPath)
    {
        Process = process;
        BinlogPath = binlogPath;
        _log = new Lazy<Build>(() => BinaryLog.ReadBuild(binlogPath));
    }

    public ProcessResult Process { get; }
    public string BinlogPath { get; }
    public string Output => Process.Output;
    public bool Succeeded => Process.ExitCode == 0;
    public Build Log => _log.Value;

    public BuildResult AssertSuccess()
    {
        Assert.True(Succeeded, "Build failed:\n" + Process);
        return this;
    }

    public BuildResult AssertFailure()
    {
        Assert.False(Succeeded, "Build unexpectedly succeeded:\n" + Process);
        return this;
    }

    /// <summary>Targets of that name that actually ran (not skipped) in any project of the build.</summary>
    public IReadOnlyList<Target> TargetsRun(string name) =>
        Log.FindChildrenRecursive<Target>(t => t.Name == name && !t.Skipped).ToList();

    public IReadOnlyList<MSBuildTask> TasksRun(string name) =>
        Log.FindChildrenRecursive<MSBuildTask>(t => t.Name == name).ToList();

    /// <summary>Every task of SparkShip's task assembly that ran: none means the assembly was not even loaded.</summary>
    public IReadOnlyList<MSBuildTask> SparkShipTasksRun() =>
        Log.FindChildrenRecursive<MSBuildTask>(t => (t.FromAssembly ?? "").Contains("SparkShip.Sdk.Tasks", StringComparison.Ordinal)).ToList();

    /// <summary>True if the binlog records the target as skipped because its outputs were up to date.</summary>
    public bool TargetSkippedAsUpToDate(string name) =>
        Log.FindChildrenRecursive<Message>(m => m.Text.Contains($"Skipping target \"{name}\" because all output files are up-to-date")).Any()
        || Log.FindChildrenRecursive<Target>(t => t.Name == name && t.Skipped).Any();

    public IReadOnlyList<string> Diagnostics(string code) =>
        Log.FindChildrenRecursive<AbstractDiagnostic>(d => d.Code == code).Select(d => $"{d.File}: {d.Text}").Distinct().ToList();

    public IReadOnlyList<string> MessagesMatching(string pattern) =>
        Log.FindChildrenRecursive<Message>(m => Regex.IsMatch(m.Text, pattern)).Select(m => m.Text).ToList();
}
