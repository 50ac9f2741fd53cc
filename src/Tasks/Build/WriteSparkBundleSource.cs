using System;
using System.IO;
using Microsoft.Build.Framework;
using SparkShip.Tasks.Generation;
using SparkShip.Tasks.Planning;

namespace SparkShip.Tasks.Build;

/// <summary>
/// Generate step: writes SparkBundle.g.cs from identity.txt, only when its text changes, so CoreCompile stays
/// incremental. With <see cref="Placeholder"/> (a design-time build of a tree never built) it writes the same
/// symbols without values, and never over an existing file, so IntelliSense always resolves them.
/// </summary>
public sealed class WriteSparkBundleSource : SparkShipTask
{
    [Required] public string OutputFile { get; set; } = "";
    [Required] public string Namespace { get; set; } = "";
    /// <summary>obj/…/sparkship/identity.txt, as the identify step wrote it; not read for a placeholder.</summary>
    public string IdentityFile { get; set; } = "";
    public bool Placeholder { get; set; }

    protected override void ExecuteCore()
    {
        if (Placeholder && File.Exists(OutputFile)) return;
        BundleIdentity identity = new() { SdkVersion = SdkVersion };
        if (!Placeholder && !TryRead(IdentityFile, BundleIdentityFile.Read, out identity)) return;
        try
        {
            if (AtomicFile.WriteIfDifferent(OutputFile, SparkBundleSource.Generate(identity, Namespace, Placeholder)))
                Log.LogMessage(MessageImportance.Low, $"SparkShip: wrote '{OutputFile}'.");
        }
        catch (Exception e) when (Placeholder && FileSystemErrors.Is(e))
        {
            // A design-time build must not fail: the real build writes the file.
            Log.LogMessage(MessageImportance.Low, $"SparkShip: could not write '{OutputFile}': {e.Message}");
        }
    }

    protected override Diagnostic Describe(Exception e) => Diagnostics.WriteFailed(OutputFile, e.Message);
}
