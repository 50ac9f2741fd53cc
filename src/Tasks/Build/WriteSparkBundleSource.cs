using System;
using System.IO;
using Microsoft.Build.Framework;
using SparkShip.Tasks.Generation;

namespace SparkShip.Tasks.Build;

/// <summary>
/// Generate step: writes SparkBundle.g.cs only when its text changes, so CoreCompile stays incremental.
/// With <see cref="DesignTime"/> (a design-time build of a tree never built) it writes a placeholder with the same
/// symbols, and never over an existing file, so IntelliSense always resolves them.
/// </summary>
public sealed class WriteSparkBundleSource : BundleIdentityTask
{
    [Required] public string OutputFile { get; set; } = "";
    [Required] public string Namespace { get; set; } = "";
    public bool DesignTime { get; set; }

    [Output] public bool Written { get; private set; }

    public override bool Execute()
    {
        if (DesignTime && File.Exists(OutputFile)) return true;
        var identity = Identity();
        try
        {
            Written = AtomicFile.WriteIfDifferent(OutputFile, SparkBundleSource.Generate(identity, Namespace, DesignTime));
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            if (DesignTime) { Log.LogMessage(MessageImportance.Low, $"SparkShip: could not write '{OutputFile}': {e.Message}"); return true; }
            TaskSupport.Report(Log, Diagnostics.WriteFailed(OutputFile, e.Message));
            return false;
        }
        if (Written) Log.LogMessage(MessageImportance.Low, $"SparkShip: wrote '{OutputFile}'.");
        return true;
    }
}
