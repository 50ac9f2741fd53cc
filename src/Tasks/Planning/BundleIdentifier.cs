using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SparkShip.Runtime;
using SparkShip.Tasks.Hashing;

namespace SparkShip.Tasks.Planning;

/// <summary>What the identify step found: the plan, the identity (null when an error was found) and the fingerprints' inputs.</summary>
public sealed class BundleIdentification
{
    public BundleIdentification(BundlePlan plan) => Plan = plan;

    public BundlePlan Plan { get; }
    /// <summary>Null when <see cref="Diagnostics"/> holds an error.</summary>
    public BundleIdentity? Identity { get; set; }
    public List<Diagnostic> Diagnostics { get; } = new();
    /// <summary>The canonical text each layer's fingerprint hashes (see <see cref="FingerprintBuilder.Text"/>), by layer.</summary>
    public Dictionary<BundleLayer, FingerprintBuilder> FingerprintInputs { get; } = new();
    public bool HasErrors => Diagnostics.Exists(d => d.Severity == DiagnosticSeverity.Error);
}

/// <summary>
/// The identify step: what goes into the bundle (<see cref="BundlePlanner"/>) and each layer's name, from the
/// fingerprint of its inputs, before compile, so that SparkBundle.g.cs can carry the names into the compiled app.
/// Rule: anything that changes the bytes of a layer is an input of its fingerprint; anything that does not
/// (where references live, the clock) is not.
/// </summary>
public sealed class BundleIdentifier
{
    private readonly FileHashCache _files;
    private readonly string _sdkVersion;

    public BundleIdentifier(FileHashCache files, string sdkVersion)
    {
        _files = files;
        _sdkVersion = sdkVersion;
    }

    /// <exception cref="IOException">An input could not be read (the caller reports it as SSHIP0007).</exception>
    public BundleIdentification Identify(BundleInputs inputs)
    {
        var assets = PackageAssets.Load(inputs.ProjectAssetsFile, inputs.TargetFramework, inputs.TargetFrameworkMoniker);
        var worker = WorkerProvided.FromAssets(assets);
        var candidates = Candidates(inputs).ToList();
        var plan = new BundlePlanner(PlanOptions(inputs, worker), _files).Plan(candidates);
        var result = new BundleIdentification(plan);
        if (!inputs.Deterministic) result.Diagnostics.Add(Diagnostics.NotDeterministic(Path.Combine(inputs.ProjectDirectory, inputs.AssemblyName)));
        result.Diagnostics.AddRange(plan.Diagnostics);
        result.Diagnostics.AddRange(CheckWorkerProvided(inputs, assets, worker, candidates));

        var sparkVersion = DetectSparkVersion(inputs);
        var workerProblem = CheckWorkerVersion(sparkVersion, inputs.WorkerVersion);
        if (workerProblem != null) result.Diagnostics.Add(workerProblem);
        var (workerArchive, workerArchiveProblem) = WorkerArchiveCheck.Check(inputs.WorkerArchive, inputs.ProjectDirectory, sparkVersion,
            inputs.ClusterRuntimeIdentifier, inputs.RuntimeIdentifierGraph);
        if (workerArchiveProblem != null) result.Diagnostics.Add(workerArchiveProblem);
        if (result.HasErrors) return result;

        var identity = new BundleIdentity
        {
            SdkVersion = _sdkVersion,
            AssemblyName = inputs.AssemblyName,
            TargetFramework = inputs.TargetFramework,
            Directory = inputs.BundleDirectory.Replace('\\', '/').TrimEnd('/'),
            ClusterRuntimeIdentifier = inputs.ClusterRuntimeIdentifier,
            SparkVersion = sparkVersion,
            WorkerArchive = workerArchive?.Archive ?? "",
            WorkerArchiveVersion = workerArchive?.Version ?? "",
        };

        var deps = plan.Files.Where(f => f.Layer == BundleLayer.Dependencies).ToList();
        if (deps.Count > 0)
        {
            var fp = new FingerprintBuilder(_sdkVersion);
            foreach (var f in deps) fp.Add("files", f.ArchivePath, _files.GetHash(f.SourcePath));
            result.FingerprintInputs[BundleLayer.Dependencies] = fp;
            identity.DependencyFingerprint = fp.Compute();
            identity.DependencyArchive = SparkBundleNames.Archive(inputs.ArchivePrefix, SparkBundleNames.DependencyLayer, identity.DependencyFingerprint);
        }

        var app = AppFingerprintInputs(inputs, identity, plan);
        result.FingerprintInputs[BundleLayer.App] = app;
        identity.AppFingerprint = app.Compute();
        identity.AppArchive = SparkBundleNames.Archive(inputs.ArchivePrefix, SparkBundleNames.AppLayer, identity.AppFingerprint);
        result.Identity = identity;
        return result;
    }

    private static BundlePlanOptions PlanOptions(BundleInputs inputs, WorkerProvided worker) => new()
    {
        WorkerProvided = worker,
        ClusterRuntimeIdentifier = inputs.ClusterRuntimeIdentifier,
        RuntimeIdentifierChainSource = () => RuntimeIdentifierGraph.FallbackChain(inputs.ClusterRuntimeIdentifier, inputs.RuntimeIdentifierGraph),
        IncludeSymbols = inputs.IncludeSymbols,
        ExcludeMicrosoftSpark = inputs.ExcludeMicrosoftSpark,
        ExcludeReferenceAssemblies = inputs.ExcludeReferenceAssemblies,
        WorkerTargetFramework = inputs.WorkerTargetFramework,
        ExcludedPatterns = inputs.ExcludePatterns.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries),
        ExcludedPaths = inputs.ExcludedPaths,
        InputRoots = inputs.InputRoots,
    };

    // What the build copies to the output, less what describes the driver process rather than the executors' code.
    private static IEnumerable<BundleCandidate> Candidates(BundleInputs inputs)
    {
        var ignored = new HashSet<string>(inputs.IgnoredFiles, StringComparer.Ordinal);
        return inputs.Candidates.Where(c => !(ignored.Contains(c.SourcePath) && (c.Kind == BundleFileKind.CopyLocal || c.Kind == BundleFileKind.Content)));
    }

    /// <summary>
    /// The app layer's fingerprint: what the compiler sees (sources by the path it embeds, references by name and
    /// bytes, output-changing properties), the other files of the layer, and the dependency layer (whose name the
    /// app layer's manifest records).
    /// </summary>
    private FingerprintBuilder AppFingerprintInputs(BundleInputs inputs, BundleIdentity identity, BundlePlan plan)
    {
        var fp = new FingerprintBuilder(_sdkVersion);
        fp.Add("bundle", "assembly", identity.AssemblyName);
        fp.Add("bundle", "targetFramework", identity.TargetFramework);
        fp.Add("bundle", "clusterRid", identity.ClusterRuntimeIdentifier);
        fp.Add("bundle", "directory", inputs.BundleDirectory);
        fp.Add("bundle", "sparkVersion", identity.SparkVersion ?? "");
        fp.Add("bundle", "dependencies", identity.DependencyFingerprint);
        // Compiled into the app (SparkBundle.g.cs), so part of the app layer's bytes; only when set, so that the
        // names of every bundle without a worker archive stay as they were.
        if (identity.WorkerArchive.Length > 0) fp.Add("bundle", "workerArchive", identity.WorkerArchive + "|" + identity.WorkerArchiveVersion);
        foreach (var property in inputs.CompileProperties) fp.Add("properties", property, "");

        var sources = inputs.CompileSources.Where(p => !string.Equals(p, inputs.GeneratedSource, StringComparison.Ordinal)).Distinct().ToList();
        var references = inputs.CompileReferences.Distinct().ToList();
        _files.Prefetch(sources.Concat(references).Where(File.Exists));
        foreach (var source in sources)
            fp.Add("sources", PathMapping.Apply(source, inputs.PathMap), File.Exists(source) ? _files.GetHash(source) : "missing");
        foreach (var reference in references)
            fp.Add("references", Path.GetFileName(reference), File.Exists(reference) ? _files.GetHash(reference) : "missing");

        foreach (var f in plan.Files.Where(f => f.Layer == BundleLayer.App))
            fp.Add("files", f.ArchivePath, f.Kind == BundleFileKind.Compiled ? "compiled" : _files.GetHash(f.SourcePath));
        return fp;
    }

    /// <summary>
    /// What the worker loads in place of the app's files (SSHIP0013) and the shared frameworks it lacks (SSHIP0014).
    /// The framework list is read only for the worker's own framework (a .NET worker, the app's pack of the same version).
    /// </summary>
    private IEnumerable<Diagnostic> CheckWorkerProvided(BundleInputs inputs, PackageAssets assets, WorkerProvided worker, List<BundleCandidate> candidates)
    {
        var workerFramework = FrameworkName.Parse(inputs.WorkerTargetFramework);
        var diagnostics = WorkerProvided.CheckFrameworkReferences(assets, workerFramework, inputs.ProjectDirectory).ToList();
        diagnostics.AddRange(worker.CheckPackageVersions(inputs.PackageFiles, leftOut: inputs.ExcludeMicrosoftSpark));
        var pack = inputs.SharedFrameworks.FirstOrDefault(f => string.Equals(f.Name, WorkerProvided.WorkerSharedFramework, StringComparison.OrdinalIgnoreCase));
        if (pack != null && workerFramework?.Identifier == FrameworkName.NetCoreApp && File.Exists(pack.FrameworkList))
        {
            var list = SharedFrameworkList.Load(pack.Name, pack.FrameworkList, pack.PackVersion);
            diagnostics.AddRange(worker.CheckFrameworkVersions(list, workerFramework, candidates, _files));
        }
        return diagnostics;
    }

    /// <summary>Microsoft.Spark's version: its package version, else its assembly's informational version.</summary>
    private string? DetectSparkVersion(BundleInputs inputs)
    {
        foreach (var file in inputs.SparkReferences.Concat(inputs.PackageFiles))
        {
            bool isSpark = string.Equals(file.PackageId, "Microsoft.Spark", StringComparison.OrdinalIgnoreCase)
                || string.Equals(Path.GetFileName(file.Path), "Microsoft.Spark.dll", StringComparison.OrdinalIgnoreCase);
            if (!isSpark) continue;
            if (file.PackageVersion != null) return file.PackageVersion;
            if (!File.Exists(file.Path)) continue;
            var facts = _files.GetAssemblyFacts(file.Path);
            if (facts.InformationalVersion != null) return facts.InformationalVersion.Split('+')[0];
            if (facts.Version != null) return facts.Version;
        }
        return null;
    }

    /// <summary>Driver and worker must share Microsoft.Spark's major version (the worker checks it at task start).</summary>
    internal static Diagnostic? CheckWorkerVersion(string? sparkVersion, string workerVersion)
    {
        if (string.IsNullOrWhiteSpace(workerVersion) || string.IsNullOrEmpty(sparkVersion)) return null;
        if (!Version.TryParse(workerVersion.Split('-')[0], out var worker))
            return Diagnostics.InvalidSetting("SparkWorkerVersion", workerVersion, "a version such as 2.3.1");
        if (Version.TryParse(sparkVersion!.Split('-')[0], out var spark) && spark.Major != worker.Major)
            return Diagnostics.SparkMajorMismatch(sparkVersion, workerVersion);
        return null;
    }
}
