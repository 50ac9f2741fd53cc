using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SparkShip.Tasks.Hashing;
using SparkShip.Tasks.Planning;

namespace SparkShip.Tasks.Build;

/// <summary>
/// Identify step (before compile): decides the bundle's contents and computes each layer's name from the
/// fingerprint of its inputs, so that SparkBundle.g.cs can carry the names into the compiled app.
/// </summary>
public sealed class ComputeSparkBundle : Task
{
    [Required] public string ProjectDirectory { get; set; } = "";
    /// <summary>SparkShip's folder under obj/ (hash cache, manifest, history).</summary>
    [Required] public string StateDirectory { get; set; } = "";
    [Required] public string AssemblyName { get; set; } = "";
    [Required] public string ArchivePrefix { get; set; } = "";
    [Required] public string TargetFramework { get; set; } = "";
    [Required] public string TargetFrameworkMoniker { get; set; } = "";
    [Required] public string BundleDirectoryName { get; set; } = "";
    [Required] public string ClusterRuntimeIdentifier { get; set; } = "";
    [Required] public string WorkerTargetFramework { get; set; } = "";
    public string? RuntimeIdentifierGraphPath { get; set; }
    public string? WorkerVersion { get; set; }
    public string? PathMap { get; set; }
    public bool Deterministic { get; set; } = true;
    public bool IncludeSymbols { get; set; } = true;
    public bool ExcludeMicrosoftSpark { get; set; } = true;
    public bool ExcludeReferenceAssemblies { get; set; } = true;
    public string? ExcludePatterns { get; set; }
    /// <summary>Folders inputs may come from; symbolic links leading elsewhere are not followed.</summary>
    public string[] InputRoots { get; set; } = Array.Empty<string>();

    /// <summary>This project's compile outputs (assembly, PDB, satellites) with TargetPath metadata.</summary>
    public ITaskItem[] CompiledOutputs { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>ReferenceCopyLocalPaths: project reference outputs and package assets, with NuGet metadata.</summary>
    public ITaskItem[] CopyLocalFiles { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>Items copied to the output (AllItemsFullPathWithTargetPath), with TargetPath.</summary>
    public ITaskItem[] ContentFiles { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>Files of the output the worker never needs (deps.json, runtimeconfig.json, apphost).</summary>
    public ITaskItem[] IgnoredFiles { get; set; } = Array.Empty<ITaskItem>();
    public ITaskItem[] IncludeFiles { get; set; } = Array.Empty<ITaskItem>();
    public ITaskItem[] ExcludeFiles { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>Source-like compile inputs (Compile, EmbeddedResource, AdditionalFiles…): their mapped path and bytes count.</summary>
    public ITaskItem[] CompileSources { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>Binary compile inputs (ReferencePath, Analyzer…): their file name and bytes count, not where they live.</summary>
    public ITaskItem[] CompileReferences { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>"Name=Value" strings of properties that change the compiler's output.</summary>
    public string[] CompileProperties { get; set; } = Array.Empty<string>();
    /// <summary>References to Microsoft.Spark (to learn its version).</summary>
    public ITaskItem[] SparkReferences { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>The generated source itself, left out of the fingerprint it carries.</summary>
    public string? GeneratedSourceFile { get; set; }

    /// <summary>Where to record the identity (names, fingerprints) for builds that skip this step: "Key=Value" lines.</summary>
    public string? IdentityFile { get; set; }
    /// <summary>Where to record the plan (layer, archive path, source) for the bundle step.</summary>
    public string? PlanFile { get; set; }

    [Output] public ITaskItem[] BundleFiles { get; private set; } = Array.Empty<ITaskItem>();
    [Output] public string AppArchive { get; private set; } = "";
    [Output] public string AppFingerprint { get; private set; } = "";
    [Output] public string DependencyArchive { get; private set; } = "";
    [Output] public string DependencyFingerprint { get; private set; } = "";
    [Output] public string SparkVersion { get; private set; } = "";
    [Output] public string SdkVersion { get; private set; } = TaskSupport.SdkVersion;

    public override bool Execute()
    {
        var cache = FileHashCache.Load(Path.Combine(StateDirectory, "hashes.cache"));
        try
        {
            return Run(cache);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            // An input vanished or was locked while being read (a racing build rewriting a project reference).
            TaskSupport.Report(Log, Diagnostics.InputUnreadable((e as FileNotFoundException)?.FileName ?? ProjectDirectory, e.Message));
            return false;
        }
        finally
        {
            try { cache.Save(); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { Log.LogMessage(MessageImportance.Low, $"SparkShip: hash cache not saved: {e.Message}"); }
        }
    }

    private bool Run(FileHashCache cache)
    {
        if (!Deterministic) TaskSupport.Report(Log, Diagnostics.NotDeterministic(Path.Combine(ProjectDirectory, AssemblyName)));

        var options = new BundlePlanOptions
        {
            ClusterRuntimeIdentifier = ClusterRuntimeIdentifier,
            RuntimeIdentifierChain = RuntimeIdentifierGraph.FallbackChain(ClusterRuntimeIdentifier, RuntimeIdentifierGraphPath),
            IncludeSymbols = IncludeSymbols,
            ExcludeMicrosoftSpark = ExcludeMicrosoftSpark,
            ExcludeReferenceAssemblies = ExcludeReferenceAssemblies,
            WorkerTargetFramework = WorkerTargetFramework,
            ExcludedPatterns = (ExcludePatterns ?? "").Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries),
            ExcludedPaths = ExcludeFiles.SelectMany(ExcludeKeys).ToList(),
            InputRoots = InputRoots,
        };

        var plan = new BundlePlanner(options, cache).Plan(Candidates());
        foreach (var excluded in plan.Excluded)
            Log.LogMessage(MessageImportance.Low, $"SparkShip: left out '{excluded.Candidate.SourcePath}': {excluded.Reason}.");
        foreach (var d in plan.Diagnostics) TaskSupport.Report(Log, d);

        SparkVersion = DetectSparkVersion(cache) ?? "";
        CheckWorkerVersion();
        if (Log.HasLoggedErrors) return false;

        var deps = plan.Files.Where(f => f.Layer == BundleLayer.Dependencies).ToList();
        if (deps.Count > 0)
        {
            var fp = new FingerprintBuilder(SdkVersion);
            foreach (var f in deps) fp.Add("files", f.ArchivePath, cache.GetHash(f.SourcePath));
            DependencyFingerprint = fp.Compute();
            SaveFingerprintText("deps", fp);
            DependencyArchive = BundleIdentity.ArchiveName(ArchivePrefix, "deps", DependencyFingerprint);
        }

        AppFingerprint = ComputeAppFingerprint(plan, cache);
        AppArchive = BundleIdentity.ArchiveName(ArchivePrefix, "app", AppFingerprint);

        BundleFiles = plan.Files.Select(f =>
        {
            var item = new TaskItem(f.SourcePath);
            item.SetMetadata("ArchivePath", f.ArchivePath);
            item.SetMetadata("Layer", f.Layer == BundleLayer.App ? "app" : "deps");
            item.SetMetadata("Kind", f.Kind.ToString());
            if (f.Candidate.PackageId != null) item.SetMetadata("NuGetPackageId", f.Candidate.PackageId);
            return (ITaskItem)item;
        }).ToArray();
        return SaveIdentityAndPlan(plan);
    }

    // The plan is written every time this step runs (the target's Inputs/Outputs compare against its time); the
    // identity only when it changed (the generate and bundle steps compare against its time). A build where
    // nothing changed skips this step and reads them back instead.
    private bool SaveIdentityAndPlan(BundlePlan plan)
    {
        try
        {
            if (PlanFile != null)
                AtomicFile.WriteAllText(PlanFile, BundlePlanFile.Format(plan.Files.Select(f => new Writing.BundleFileRef(f.SourcePath, f.ArchivePath, f.Layer))));
            if (IdentityFile != null)
                AtomicFile.WriteIfDifferent(IdentityFile, string.Join("\n", new[]
                {
                    "AppArchive=" + AppArchive, "AppFingerprint=" + AppFingerprint, "DependencyArchive=" + DependencyArchive,
                    "DependencyFingerprint=" + DependencyFingerprint, "SparkVersion=" + SparkVersion,
                }) + "\n");
            return true;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            TaskSupport.Report(Log, Diagnostics.WriteFailed(IdentityFile ?? PlanFile ?? StateDirectory, e.Message));
            return false;
        }
    }

    /// <summary>
    /// The app layer's fingerprint: what the compiler sees (sources as it embeds their paths, references by
    /// name and bytes, output-changing properties), the other files of the layer, and the dependency layer
    /// (whose name the app layer's manifest records).
    /// </summary>
    private string ComputeAppFingerprint(BundlePlan plan, FileHashCache cache)
    {
        var fp = new FingerprintBuilder(SdkVersion);
        fp.Add("bundle", "assembly", AssemblyName);
        fp.Add("bundle", "targetFramework", TargetFramework);
        fp.Add("bundle", "clusterRid", ClusterRuntimeIdentifier);
        fp.Add("bundle", "directory", BundleDirectoryName);
        fp.Add("bundle", "sparkVersion", SparkVersion);
        fp.Add("bundle", "dependencies", DependencyFingerprint);
        foreach (var property in CompileProperties) fp.Add("properties", property, "");

        string? generated = GeneratedSourceFile is null ? null : TaskSupport.FullPath(GeneratedSourceFile, ProjectDirectory);
        var sources = CompileSources.Select(i => TaskSupport.FullPath(i.ItemSpec, ProjectDirectory))
            .Where(p => !string.Equals(p, generated, StringComparison.Ordinal)).Distinct().ToList();
        var references = CompileReferences.Select(i => TaskSupport.FullPath(i.ItemSpec, ProjectDirectory)).Distinct().ToList();
        cache.Prefetch(sources.Concat(references).Where(File.Exists));
        foreach (var source in sources)
            fp.Add("sources", PathMapping.Apply(source, PathMap), File.Exists(source) ? cache.GetHash(source) : "missing");
        foreach (var reference in references)
            fp.Add("references", Path.GetFileName(reference), File.Exists(reference) ? cache.GetHash(reference) : "missing");

        foreach (var f in plan.Files.Where(f => f.Layer == BundleLayer.App))
            fp.Add("files", f.ArchivePath, f.Kind == BundleFileKind.Compiled ? "compiled" : cache.GetHash(f.SourcePath));
        SaveFingerprintText("app", fp);
        return fp.Compute();
    }

    // obj/…/sparkship/fingerprint-<layer>.txt: diff two of them to see why a layer got a new name.
    private void SaveFingerprintText(string layer, FingerprintBuilder fp)
    {
        var path = Path.Combine(StateDirectory, $"fingerprint-{layer}.txt");
        try { AtomicFile.WriteIfDifferent(path, fp.Text()); }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { Log.LogMessage(MessageImportance.Low, $"SparkShip: {path} not written: {e.Message}"); }
    }

    private IEnumerable<BundleCandidate> Candidates()
    {
        var ignored = new HashSet<string>(IgnoredFiles.Select(i => Full(i.ItemSpec)), StringComparer.Ordinal);

        foreach (var item in CompiledOutputs)
            yield return new BundleCandidate(Full(item.ItemSpec), TaskSupport.Meta(item, "TargetPath") ?? Path.GetFileName(item.ItemSpec), BundleFileKind.Compiled)
                { DeclaredFramework = TargetFrameworkMoniker };

        foreach (var item in CopyLocalFiles)
        {
            var path = Full(item.ItemSpec);
            if (ignored.Contains(path)) continue;
            var dest = (TaskSupport.Meta(item, "DestinationSubDirectory") ?? "").Replace('\\', '/');
            if (dest.Length > 0 && !dest.EndsWith("/", StringComparison.Ordinal)) dest += "/";
            yield return new BundleCandidate(path, dest + Path.GetFileName(path), BundleFileKind.CopyLocal)
            {
                PackageId = TaskSupport.Meta(item, "NuGetPackageId"),
                PackageVersion = TaskSupport.Meta(item, "NuGetPackageVersion"),
                RuntimeIdentifier = TaskSupport.Meta(item, "RuntimeIdentifier"),
                AssetType = TaskSupport.Meta(item, "AssetType"),
            };
        }

        foreach (var item in ContentFiles)
        {
            var path = Full(item.ItemSpec);
            if (ignored.Contains(path)) continue;
            yield return new BundleCandidate(path, TaskSupport.Meta(item, "TargetPath") ?? Path.GetFileName(path), BundleFileKind.Content)
                { PackageId = TaskSupport.Meta(item, "NuGetPackageId") };
        }

        foreach (var item in IncludeFiles)
        {
            var path = Full(item.ItemSpec);
            var layer = TaskSupport.Meta(item, "Layer");
            yield return new BundleCandidate(path, TaskSupport.Meta(item, "ArchivePath") ?? Path.GetFileName(path), BundleFileKind.Included)
            {
                LayerOverride = string.Equals(layer, "deps", StringComparison.OrdinalIgnoreCase) ? BundleLayer.Dependencies : BundleLayer.App,
            };
        }
    }

    // An exclude item names a project file (matched by full path) or an archive path (as written).
    private IEnumerable<string> ExcludeKeys(ITaskItem item)
    {
        yield return item.ItemSpec.Replace('\\', '/');
        yield return Full(item.ItemSpec).Replace('\\', '/');
    }

    private string? DetectSparkVersion(FileHashCache cache)
    {
        foreach (var item in SparkReferences.Concat(CopyLocalFiles))
        {
            bool isSpark = string.Equals(TaskSupport.Meta(item, "NuGetPackageId"), "Microsoft.Spark", StringComparison.OrdinalIgnoreCase)
                || string.Equals(Path.GetFileName(item.ItemSpec), "Microsoft.Spark.dll", StringComparison.OrdinalIgnoreCase);
            if (!isSpark) continue;
            var version = TaskSupport.Meta(item, "NuGetPackageVersion");
            if (version != null) return version;
            var path = Full(item.ItemSpec);
            if (!File.Exists(path)) continue;
            var facts = cache.GetAssemblyFacts(path);
            var info = facts.InformationalVersion;
            if (info != null) return info.Split('+')[0];
            if (facts.Version != null) return facts.Version;
        }
        return null;
    }

    private void CheckWorkerVersion()
    {
        if (string.IsNullOrWhiteSpace(WorkerVersion) || SparkVersion.Length == 0) return;
        if (!Version.TryParse(WorkerVersion!.Split('-')[0], out var worker))
        {
            TaskSupport.Report(Log, Diagnostics.InvalidSetting("SparkWorkerVersion", WorkerVersion, "a version such as 2.3.1"));
            return;
        }
        if (Version.TryParse(SparkVersion.Split('-')[0], out var spark) && spark.Major != worker.Major)
            TaskSupport.Report(Log, Diagnostics.SparkMajorMismatch(SparkVersion, WorkerVersion!));
    }

    private string Full(string path) => TaskSupport.FullPath(path, ProjectDirectory);
}
