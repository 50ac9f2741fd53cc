using System;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SparkShip.Tasks.Hashing;
using SparkShip.Tasks.Planning;

namespace SparkShip.Tasks.Build;

/// <summary>
/// Identify step (before compile): <see cref="BundleIdentifier"/> over the records the targets pass, then the plan,
/// the identity and the fingerprints' inputs written to SparkShip's folder under obj/ for the steps after it.
/// </summary>
public sealed class ComputeSparkBundle : SparkShipTask
{
    /// <summary>The items of _SparkShipIdentifyInput (<see cref="BundleInputs.Parse"/>): the very records the no-op key hashes.</summary>
    [Required] public string[] Inputs { get; set; } = Array.Empty<string>();
    [Required] public string HashCacheFile { get; set; } = "";
    /// <summary>obj/…/sparkship/identity.txt: rewritten only when the identity changes.</summary>
    [Required] public string IdentityFile { get; set; } = "";
    /// <summary>obj/…/sparkship/plan.tsv: rewritten on every run (the target's up-to-date stamp). Beside it, fingerprint-&lt;layer&gt;.txt.</summary>
    [Required] public string PlanFile { get; set; } = "";

    /// <summary>What goes in the bundle (SparkBundleFile): ArchivePath, Layer and Kind metadata.</summary>
    [Output] public ITaskItem[] BundleFiles { get; private set; } = Array.Empty<ITaskItem>();

    private string _projectDirectory = "";

    protected override void ExecuteCore()
    {
        var inputs = BundleInputs.Parse(Inputs);
        _projectDirectory = inputs.ProjectDirectory;
        var cache = FileHashCache.Load(HashCacheFile);
        try
        {
            var found = new BundleIdentifier(cache, SdkVersion).Identify(inputs);
            foreach (var excluded in found.Plan.Excluded)
                Log.LogMessage(MessageImportance.Low, $"SparkShip: left out '{excluded.Candidate.SourcePath}': {excluded.Reason}.");
            Report(found.Diagnostics);
            if (found.Identity is null) return;

            BundleFiles = found.Plan.Files.Select(f =>
            {
                var item = new TaskItem(f.SourcePath);
                item.SetMetadata("ArchivePath", f.ArchivePath);
                item.SetMetadata("Layer", f.Layer.Name());
                item.SetMetadata("Kind", f.Kind.ToString());
                if (f.Candidate.PackageId != null) item.SetMetadata("NuGetPackageId", f.Candidate.PackageId);
                return (ITaskItem)item;
            }).ToArray();
            Save(found);
        }
        finally
        {
            try { cache.Save(); }
            catch (Exception e) when (FileSystemErrors.Is(e)) { Log.LogMessage(MessageImportance.Low, $"SparkShip: hash cache not saved: {e.Message}"); }
        }
    }

    private void Save(BundleIdentification found)
    {
        string current = PlanFile;
        try
        {
            AtomicFile.WriteAllText(PlanFile, BundlePlanFile.Format(found.Plan.Files));
            current = IdentityFile;
            AtomicFile.WriteIfDifferent(IdentityFile, BundleIdentityFile.Format(found.Identity!));
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            Report(Diagnostics.WriteFailed(current, e.Message));
            return;
        }
        // Diff two of these to see why a layer got a new name; nothing reads them, so a failure is only logged.
        foreach (var pair in found.FingerprintInputs)
        {
            var path = FingerprintTextFile(PlanFile, pair.Key);
            try { AtomicFile.WriteIfDifferent(path, pair.Value.Text()); }
            catch (Exception e) when (FileSystemErrors.Is(e)) { Log.LogMessage(MessageImportance.Low, $"SparkShip: {path} not written: {e.Message}"); }
        }
    }

    /// <summary>obj/…/sparkship/fingerprint-&lt;layer&gt;.txt, beside the plan: the canonical text a layer's fingerprint hashes.</summary>
    public static string FingerprintTextFile(string planFile, BundleLayer layer) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(planFile))!, $"fingerprint-{layer.Name()}.txt");

    // An input vanished or was locked while being read (a racing build rewriting a project reference).
    protected override Diagnostic Describe(Exception e) =>
        Diagnostics.InputUnreadable(FileSystemErrors.FileOf(e) ?? _projectDirectory, e.Message);
}
