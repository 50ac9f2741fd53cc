using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SparkShip.Tasks.Hashing;

namespace SparkShip.Tasks.Planning;

/// <summary>
/// What Microsoft.Spark.Worker brings itself and always loads from its own files, never from the search path
/// (spark-facts §1): Microsoft.Spark with the packages it depends on, and the shared framework it runs on. Copies
/// in a bundle are never loaded, so Microsoft.Spark's dependency closure is left out of the dependency layer; an app
/// built against a higher version than the worker loads is warned about (SSHIP0013), and a library that needs a
/// shared framework the worker does not run on is an error (SSHIP0014).
/// </summary>
public sealed class WorkerProvided
{
    public const string SparkPackageId = "Microsoft.Spark";
    /// <summary>The one shared framework Microsoft.Spark.Worker runs on (net8.0 by default).</summary>
    public const string WorkerSharedFramework = "Microsoft.NETCore.App";

    public static readonly WorkerProvided None = new(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase), null);

    private WorkerProvided(Dictionary<string, string> packages, string? sparkVersion)
    {
        Packages = packages;
        SparkVersion = sparkVersion;
    }

    /// <summary>
    /// Microsoft.Spark's dependency closure (Microsoft.Spark itself aside): package id → the version the worker carries,
    /// the highest lower bound its dependents in the closure declare — what a restore of Microsoft.Spark alone takes,
    /// since NuGet picks the lowest version every range allows. Not a fixed list: whatever the referenced
    /// Microsoft.Spark declares, read from what NuGet resolved.
    /// </summary>
    public IReadOnlyDictionary<string, string> Packages { get; }
    /// <summary>The Microsoft.Spark package version NuGet resolved, or null when it is not a package reference.</summary>
    public string? SparkVersion { get; }

    public static WorkerProvided FromAssets(PackageAssets assets)
    {
        if (!assets.Libraries.TryGetValue(SparkPackageId, out var spark) || spark.IsProject) return None;
        var declared = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { spark.Id };
        var pending = new Queue<AssetsLibrary>();
        pending.Enqueue(spark);
        while (pending.Count > 0)
        {
            foreach (var dependency in pending.Dequeue().Dependencies)
            {
                assets.Libraries.TryGetValue(dependency.Key, out var resolved);
                var lower = PackageVersions.LowerBound(dependency.Value) ?? resolved?.Version ?? "";
                if (!declared.TryGetValue(dependency.Key, out var known) || (lower.Length > 0 && (known.Length == 0 || PackageVersions.IsHigher(lower, known))))
                    declared[dependency.Key] = lower;
                if (resolved != null && !resolved.IsProject && visited.Add(dependency.Key)) pending.Enqueue(resolved);
            }
        }
        declared.Remove(SparkPackageId);
        return new WorkerProvided(declared, spark.Version);
    }

    /// <summary>The version of a package the worker carries, or null if it is not one of Microsoft.Spark's dependencies.</summary>
    public string? VersionOf(string? packageId) =>
        packageId != null && Packages.TryGetValue(packageId, out var version) ? version : null;

    /// <summary>SSHIP0013 for each package of the closure that the app resolves (with files in its output) at a higher version.</summary>
    /// <param name="leftOut">Whether the closure is left out of the bundle (SparkBundleExcludeMicrosoftSpark), as the warning says.</param>
    public IEnumerable<Diagnostic> CheckPackageVersions(IEnumerable<PackageFile> packageFiles, bool leftOut = true)
    {
        var byPackage = packageFiles.Where(f => VersionOf(f.PackageId) != null)
            .GroupBy(f => f.PackageId!, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase);
        foreach (var package in byPackage)
        {
            var worker = Packages[package.Key];
            var resolved = package.Select(f => f.PackageVersion).FirstOrDefault(v => !string.IsNullOrEmpty(v));
            if (worker.Length > 0 && resolved != null && PackageVersions.IsHigher(resolved, worker))
                yield return Diagnostics.HigherThanWorkerPackage(package.Key, resolved, worker, SparkVersion ?? "", package.First().Path, leftOut);
        }
    }

    /// <summary>
    /// SSHIP0013 for each copy-local assembly that is part of the worker's shared framework at a lower version: the
    /// .NET SDK copies a package's assembly only when it is newer than the framework's, which is exactly the case where
    /// the worker's own copy wins. Only when the framework list is the worker's own framework's (same major.minor).
    /// </summary>
    public IEnumerable<Diagnostic> CheckFrameworkVersions(SharedFrameworkList? framework, FrameworkName? worker, IEnumerable<BundleCandidate> candidates, FileHashCache files)
    {
        if (framework is null || worker is null || worker.Identifier != FrameworkName.NetCoreApp || framework.FrameworkVersion != new Version(worker.Version.Major, worker.Version.Minor))
            yield break;
        var reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var candidate in candidates.Where(c => c.Kind == BundleFileKind.CopyLocal).OrderBy(c => c.SourcePath, StringComparer.Ordinal))
        {
            var fileName = Path.GetFileName(candidate.SourcePath);
            if (!fileName.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".resources.dll", StringComparison.OrdinalIgnoreCase)) continue;
            var name = Path.GetFileNameWithoutExtension(fileName);
            // A package of Microsoft.Spark's closure has its own warning, by package version.
            if (!framework.Assemblies.TryGetValue(name, out var frameworkVersion) || VersionOf(candidate.PackageId) != null || reported.Contains(name)) continue;
            if (!File.Exists(candidate.SourcePath)) continue;
            var facts = files.GetAssemblyFacts(candidate.SourcePath);
            if (!facts.IsManaged || !Version.TryParse(facts.Version, out var version) || version <= frameworkVersion) continue;
            reported.Add(name);
            yield return Diagnostics.HigherThanWorkerFramework(name, version.ToString(), frameworkVersion.ToString(), $"{framework.Name} ({worker})", candidate.SourcePath);
        }
    }

    /// <summary>SSHIP0014 for each project or package of the graph that needs a shared framework other than the worker's.</summary>
    /// <param name="projectDirectory">The app's folder: the assets file names projects relative to it.</param>
    public static IEnumerable<Diagnostic> CheckFrameworkReferences(PackageAssets assets, FrameworkName? worker, string projectDirectory = "")
    {
        // A .NET Framework worker has no shared frameworks to lack: SSHIP0001 refuses .NET assemblies there.
        if (worker is null || worker.Identifier != FrameworkName.NetCoreApp) yield break;
        foreach (var library in assets.Libraries.Values.OrderBy(l => l.Id, StringComparer.OrdinalIgnoreCase))
        {
            foreach (var framework in library.FrameworkReferences.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (string.Equals(framework, WorkerSharedFramework, StringComparison.OrdinalIgnoreCase)) continue;
                var who = library.IsProject
                    ? $"Project '{library.Id}'" + (library.Path != null ? $" ({library.Path})" : "")
                    : $"Package '{library.Id}' {library.Version}";
                // Located at the project that asks for it, so the IDE's error list leads there.
                var file = library.IsProject && library.Path != null && projectDirectory.Length > 0
                    ? Path.GetFullPath(Path.Combine(projectDirectory, library.Path))
                    : null;
                yield return Diagnostics.SharedFrameworkMissingOnWorker(framework, who, worker.ToString(), file);
            }
        }
    }
}
