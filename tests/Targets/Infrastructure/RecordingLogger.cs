using Microsoft.Build.Framework;

namespace SparkShip.Sdk.TargetTests.Infrastructure;

public enum LogEventKind { TargetStarted, TargetFinished, TargetSkipped, TaskStarted, TaskFinished, Message, Warning, Error }

/// <summary>
/// One build event, flattened. <see cref="Name"/> is the target's or task's name; <see cref="File"/> the file that
/// defines the target or task; <see cref="TaskAssembly"/> the assembly a task was loaded from; <see cref="SkipReason"/>
/// why a target was skipped (<c>ConditionWasFalse</c>, <c>OutputsUpToDate</c>, <c>PreviouslyBuiltSuccessfully</c>, …);
/// <see cref="Target"/> the target a task, message, warning or error came from; <see cref="Context"/> identifies one
/// run of one target in one project (a target's started, skipped-as-up-to-date and finished events share it);
/// <see cref="Time"/> when MSBuild raised it.
/// </summary>
public sealed record LogEvent(int Sequence, LogEventKind Kind, string? Name, string? ProjectFile, string? File, string? Text,
    string? Code, string? TaskAssembly, bool? Succeeded, string? SkipReason, string? Target, string Context, DateTime Time)
{
    public override string ToString() => $"{Sequence,5} {Kind} {Name} {Code} {SkipReason} {Text}".TrimEnd();
}

/// <summary>
/// A logger that keeps the build's events in order: targets, tasks, messages, warnings and errors with codes.
/// Internal on purpose: xunit's discovery loads every public type of the assembly by reflection, before the module
/// initializer has registered MSBuild, and a public type implementing an MSBuild interface fails to load then.
/// </summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly List<LogEvent> _events = new();
    private readonly Dictionary<string, string> _targetByContext = new();

    public LoggerVerbosity Verbosity { get; set; } = LoggerVerbosity.Detailed;
    public string? Parameters { get; set; }

    public IReadOnlyList<LogEvent> Events
    {
        get { lock (_events) return _events.ToList(); }
    }

    public void Initialize(IEventSource eventSource)
    {
        eventSource.TargetStarted += (_, e) => Add(e, LogEventKind.TargetStarted, e.TargetName, e.TargetFile);
        eventSource.TargetFinished += (_, e) => Add(e, LogEventKind.TargetFinished, e.TargetName, e.TargetFile, succeeded: e.Succeeded);
        eventSource.TaskStarted += (_, e) => Add(e, LogEventKind.TaskStarted, e.TaskName, e.TaskFile, taskAssembly: e.TaskAssemblyLocation);
        eventSource.TaskFinished += (_, e) => Add(e, LogEventKind.TaskFinished, e.TaskName, e.TaskFile, succeeded: e.Succeeded);
        eventSource.WarningRaised += (_, e) => Add(e, LogEventKind.Warning, null, e.File, code: e.Code);
        eventSource.ErrorRaised += (_, e) => Add(e, LogEventKind.Error, null, e.File, code: e.Code);
        eventSource.MessageRaised += (_, e) =>
        {
            if (e is TargetSkippedEventArgs skipped)
                Add(e, LogEventKind.TargetSkipped, skipped.TargetName, skipped.TargetFile, skipReason: skipped.SkipReason.ToString());
            else
                Add(e, LogEventKind.Message, null, e.File, code: e.Code);
        };
    }

    public void Shutdown() { }

    private void Add(BuildEventArgs e, LogEventKind kind, string? name, string? file, string? code = null,
        string? taskAssembly = null, bool? succeeded = null, string? skipReason = null)
    {
        var c = e.BuildEventContext;
        var context = c is null ? "" : $"{c.NodeId}/{c.ProjectContextId}/{c.TargetId}";
        string? projectFile = e switch
        {
            TargetStartedEventArgs t => t.ProjectFile,
            TargetFinishedEventArgs t => t.ProjectFile,
            TaskStartedEventArgs t => t.ProjectFile,
            TaskFinishedEventArgs t => t.ProjectFile,
            BuildMessageEventArgs m => m.ProjectFile,
            BuildWarningEventArgs w => w.ProjectFile,
            BuildErrorEventArgs r => r.ProjectFile,
            _ => null,
        };
        lock (_events)
        {
            if (kind == LogEventKind.TargetStarted && name != null) _targetByContext[context] = name;
            _targetByContext.TryGetValue(context, out var target);
            _events.Add(new LogEvent(_events.Count, kind, name, projectFile, file, e.Message, code, taskAssembly, succeeded, skipReason, target, context, e.Timestamp));
        }
    }
}
