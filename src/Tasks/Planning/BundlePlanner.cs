using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SparkShip.Tasks.Hashing;

namespace SparkShip.Tasks.Planning;

/// <summary>
/// Decides what goes into the Spark bundle and where: the worker searches folders flat (spark-facts §1), so
/// assemblies and native libraries land at the archive root, taken for the cluster RID from runtimes/&lt;rid&gt;/…;
/// culture folders and content keep their relative paths. Packages go to the dependency layer, everything
/// else (the app and its project references) to the app layer.
/// </summary>
public sealed class BundlePlanner
{
    private readonly BundlePlanOptions _options;
    private readonly FileHashCache _files;
    private readonly List<ArchivePathPattern> _patterns;
    private readonly HashSet<string> _excludedPaths;

    public BundlePlanner(BundlePlanOptions options, FileHashCache files)
    {
        _options = options;
        _files = files;
        _patterns = options.ExcludedPatterns.Where(p => p.Trim().Length > 0).Select(p => new ArchivePathPattern(p)).ToList();
        _excludedPaths = new HashSet<string>(options.ExcludedPaths.Select(p => p.Replace('\\', '/')), StringComparer.OrdinalIgnoreCase);
    }

    public BundlePlan Plan(IEnumerable<BundleCandidate> candidates)
    {
        var plan = new BundlePlan();
        var placed = SelectForRuntime(candidates.ToList(), plan);

        var kept = new List<(BundleCandidate candidate, string archivePath)>();
        foreach (var (candidate, archivePath) in placed)
        {
            var reason = ExclusionReason(candidate, archivePath);
            if (reason != null) plan.Excluded.Add(new ExcludedFile(candidate, reason));
            else if (!IsSafeArchivePath(archivePath)) plan.Diagnostics.Add(Diagnostics.UnsafeEntryName(archivePath, candidate.SourcePath));
            else kept.Add((candidate, archivePath));
        }

        kept = GuardInputs(kept, plan);

        // Read every file that exists once up front (in parallel on a cold cache); later lookups are cached.
        var onDisk = kept.Where(k => k.candidate.Kind != BundleFileKind.Compiled).Select(k => k.candidate.SourcePath).ToList();
        foreach (var missing in onDisk.Where(p => !File.Exists(p)))
            plan.Diagnostics.Add(Diagnostics.InputUnreadable(missing, "the file does not exist (was the project that produces it built?)"));
        if (plan.HasErrors) return plan;
        try { _files.Prefetch(onDisk); }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            plan.Diagnostics.Add(Diagnostics.InputUnreadable(FileSystemErrors.FileOf(e) ?? "(unknown)", e.Message));
            return plan;
        }

        foreach (var group in kept.GroupBy(k => k.archivePath, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var chosen = Deduplicate(group.ToList(), plan);
            if (chosen is null) continue;
            var layer = chosen.Value.candidate.LayerOverride
                ?? (chosen.Value.candidate.PackageId != null ? BundleLayer.Dependencies : BundleLayer.App);
            plan.Files.Add(new PlannedFile(chosen.Value.candidate, chosen.Value.archivePath, layer));
        }

        CheckFrameworks(plan);
        return plan;
    }

    /// <summary>
    /// Applies NuGet's asset selection for the cluster RID to RID-specific assets (runtimes/&lt;rid&gt;/lib|native),
    /// per package and asset kind, nearest RID in the fallback chain first, and flattens what it keeps.
    /// A package's RID-specific managed group replaces its RID-agnostic lib/ assets, as NuGet does.
    /// </summary>
    private List<(BundleCandidate, string)> SelectForRuntime(List<BundleCandidate> candidates, BundlePlan plan)
    {
        var result = new List<(BundleCandidate, string)>();
        var ridSpecific = new List<(BundleCandidate candidate, RidAsset asset)>();
        foreach (var candidate in candidates)
        {
            var asset = RidAsset.TryParse(candidate);
            if (asset is null) result.Add((candidate, FlattenIfAssembly(candidate.TargetPath)));
            else ridSpecific.Add((candidate, asset));
        }
        if (ridSpecific.Count == 0) return result;

        var chain = _options.RuntimeIdentifierChain;
        var replacedManaged = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var withoutNative = new List<(string package, List<RidAsset> assets)>();
        // Per package and asset kind, as NuGet selects; files of no package (project content) each on their own.
        foreach (var group in ridSpecific.GroupBy(r => (package: r.candidate.PackageId ?? "", native: r.asset.IsNative, file: r.candidate.PackageId == null ? r.asset.RelativePath : "")))
        {
            int best = int.MaxValue;
            foreach (var item in group)
            {
                int index = IndexInChain(chain, item.asset.Rid);
                if (index >= 0 && index < best) best = index;
            }
            if (best == int.MaxValue)
            {
                foreach (var item in group) plan.Excluded.Add(new ExcludedFile(item.candidate, $"asset for runtime '{item.asset.Rid}', not {_options.ClusterRuntimeIdentifier}"));
                if (group.Key.native && group.Key.package.Length > 0) withoutNative.Add((group.Key.package, group.Select(g => g.asset).ToList()));
                continue;
            }
            foreach (var item in group)
            {
                if (string.Equals(item.asset.Rid, chain[best], StringComparison.OrdinalIgnoreCase)) result.Add((item.candidate, FlattenIfAssembly(item.asset.RelativePath)));
                else plan.Excluded.Add(new ExcludedFile(item.candidate, $"asset for runtime '{item.asset.Rid}'; '{chain[best]}' is nearer to {_options.ClusterRuntimeIdentifier}"));
            }
            if (!group.Key.native && group.Key.package.Length > 0) replacedManaged.Add(group.Key.package);
        }

        // SSHIP0002 only when the bundle really lacks the native: another package (a newer build of the same
        // library, as SQLitePCLRaw.lib.e_sqlite3 2.x beside lib.e_sqlite3.linux 1.x) may place the same file names
        // for the cluster RID, and the SDK's conflict resolution then drops this package's copy for that RID.
        var placedNames = new HashSet<string>(result.Select(r => FileName(r.Item2)), StringComparer.Ordinal);
        foreach (var (package, assets) in withoutNative)
        {
            if (assets.All(a => placedNames.Contains(FileName(a.RelativePath)))) continue;
            var rids = string.Join(", ", assets.Select(a => a.Rid).Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(r => r, StringComparer.Ordinal));
            plan.Diagnostics.Add(Diagnostics.NoNativeAssetsForRid(package, _options.ClusterRuntimeIdentifier, rids));
        }

        if (replacedManaged.Count > 0)
        {
            result.RemoveAll(r =>
            {
                var c = r.Item1;
                bool replaced = c.PackageId != null && replacedManaged.Contains(c.PackageId) && c.RuntimeIdentifier is null
                    && string.Equals(c.AssetType, "runtime", StringComparison.OrdinalIgnoreCase);
                if (replaced) plan.Excluded.Add(new ExcludedFile(c, $"replaced by the package's assets for {_options.ClusterRuntimeIdentifier}"));
                return replaced;
            });
        }
        return result;
    }

    private static string FileName(string archivePath) => archivePath.Substring(archivePath.LastIndexOf('/') + 1);

    // Names of files that commonly hold secrets (secrets.json, *.pfx, *.p12, *.pem, *.key, .env, .env.*): shipping
    // them sends them to every executor. Plain name tests: this runs for every project file of every build.
    private static bool LooksLikeSecret(string archivePath)
    {
        var name = FileName(archivePath);
        bool Is(string n) => string.Equals(name, n, StringComparison.OrdinalIgnoreCase);
        bool EndsWith(string e) => name.EndsWith(e, StringComparison.OrdinalIgnoreCase);
        return Is("secrets.json") || EndsWith(".pfx") || EndsWith(".p12") || EndsWith(".pem") || EndsWith(".key")
            || Is(".env") || name.StartsWith(".env.", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Warns about likely secrets, and leaves out symbolic links that lead outside the project's inputs.</summary>
    private List<(BundleCandidate candidate, string archivePath)> GuardInputs(List<(BundleCandidate candidate, string archivePath)> kept, BundlePlan plan)
    {
        var roots = _options.InputRoots.Where(r => !string.IsNullOrWhiteSpace(r))
            .Select(r => Path.GetFullPath(r).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar).ToList();
        var result = new List<(BundleCandidate, string)>();
        foreach (var (candidate, archivePath) in kept)
        {
            if (candidate.Kind != BundleFileKind.Compiled && roots.Count > 0)
            {
                var target = SymlinkTarget(candidate.SourcePath);
                if (target != null && !roots.Any(r => target.StartsWith(r, StringComparison.Ordinal)))
                {
                    plan.Diagnostics.Add(Diagnostics.SymlinkOutsideInputs(candidate.SourcePath, target));
                    plan.Excluded.Add(new ExcludedFile(candidate, "symbolic link leading outside the project's inputs"));
                    continue;
                }
            }
            if (candidate.PackageId == null && LooksLikeSecret(archivePath))
                plan.Diagnostics.Add(Diagnostics.LikelySecret(candidate.SourcePath, archivePath));
            result.Add((candidate, archivePath));
        }
        return result;
    }

    /// <summary>The final target of a symbolic link, or null if the file is not one.</summary>
    private static string? SymlinkTarget(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists || (info.Attributes & FileAttributes.ReparsePoint) == 0) return null;
#if NET
        var target = info.ResolveLinkTarget(returnFinalTarget: true);
        return target == null ? null : Path.GetFullPath(target.FullName);
#else
        return path; // no link resolution on .NET Framework: treat the link as leading nowhere we trust
#endif
    }

    private static int IndexInChain(IReadOnlyList<string> chain, string rid)
    {
        for (int i = 0; i < chain.Count; i++)
            if (string.Equals(chain[i], rid, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    // Assemblies and native libraries must sit at the root (the worker never looks in subfolders), except
    // satellite assemblies, which the runtime looks up in their culture folder next to the main assembly.
    private static string FlattenIfAssembly(string targetPath)
    {
        int slash = targetPath.LastIndexOf('/');
        if (slash < 0) return targetPath;
        string name = targetPath.Substring(slash + 1);
        if (name.EndsWith(".resources.dll", StringComparison.OrdinalIgnoreCase)) return targetPath;
        return IsBinary(name) ? name : targetPath;
    }

    private static bool IsBinary(string name)
    {
        string ext = Path.GetExtension(name).ToLowerInvariant();
        return ext == ".dll" || ext == ".exe" || ext == ".so" || ext == ".dylib" || ext == ".pdb" || name.Contains(".so.");
    }

    private string? ExclusionReason(BundleCandidate candidate, string archivePath)
    {
        string name = archivePath.Substring(archivePath.LastIndexOf('/') + 1);
        if (_options.ExcludeMicrosoftSpark)
        {
            if (string.Equals(candidate.PackageId, "Microsoft.Spark", StringComparison.OrdinalIgnoreCase)) return "part of Microsoft.Spark, which the worker brings";
            var workerVersion = _options.WorkerProvided.VersionOf(candidate.PackageId);
            if (workerVersion != null) return $"part of {candidate.PackageId}, a dependency of Microsoft.Spark that the worker brings ({workerVersion})";
            if (name.StartsWith("Microsoft.Spark.", StringComparison.OrdinalIgnoreCase)
                && (name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
                && name.Count(c => c == '.') == 2)
                return "Microsoft.Spark, which the worker brings";
            if (name.StartsWith("microsoft-spark-", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".jar", StringComparison.OrdinalIgnoreCase))
                return "Microsoft.Spark's JVM jar, which the cluster brings";
        }
        if (!_options.IncludeSymbols && name.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase)) return "symbols (SparkBundleIncludeSymbols is false)";
        if (_excludedPaths.Contains(candidate.SourcePath.Replace('\\', '/')) || _excludedPaths.Contains(archivePath)) return "SparkBundleExclude item";
        foreach (var pattern in _patterns)
            if (pattern.IsMatch(archivePath)) return $"SparkBundleExcludePatterns '{pattern.Pattern}'";
        if (_options.ExcludeReferenceAssemblies)
        {
            // The output-relative path, not the flattened one: ref/Lib.dll flattens to Lib.dll.
            if (candidate.TargetPath.StartsWith("ref/", StringComparison.OrdinalIgnoreCase) || candidate.TargetPath.StartsWith("refint/", StringComparison.OrdinalIgnoreCase))
                return "reference assembly folder";
            if (candidate.Kind != BundleFileKind.Compiled && IsManagedExtension(name) && File.Exists(candidate.SourcePath)
                && _files.GetAssemblyFacts(candidate.SourcePath).IsReferenceAssembly)
                return "reference assembly (not loadable at run time)";
        }
        return null;
    }

    private static bool IsManagedExtension(string name) =>
        name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase);

    // The zip writer's rules for entry names, and no ':' at all: a bundle must unpack on Windows executors too.
    internal static bool IsSafeArchivePath(string path) => Archives.ZipEntryNames.FindProblem(path) == null && path.IndexOf(':') < 0;

    /// <summary>Several files at one archive path: fine if they are the same bytes, an error otherwise.</summary>
    private (BundleCandidate candidate, string archivePath)? Deduplicate(List<(BundleCandidate candidate, string archivePath)> group, BundlePlan plan)
    {
        if (group.Count == 1) return group[0];
        var compiled = group.FirstOrDefault(g => g.candidate.Kind == BundleFileKind.Compiled);
        var distinct = group.Where(g => g.candidate.Kind != BundleFileKind.Compiled)
                            .GroupBy(g => _files.GetHash(g.candidate.SourcePath)).Select(g => g.First()).ToList();
        if (compiled.candidate != null && distinct.Count > 0)
        {
            plan.Diagnostics.Add(Diagnostics.NameCollision(group[0].archivePath, compiled.candidate.SourcePath, distinct[0].candidate.SourcePath));
            return null;
        }
        if (distinct.Count > 1)
        {
            var ordered = distinct.OrderBy(d => d.candidate.SourcePath, StringComparer.Ordinal).ToList();
            plan.Diagnostics.Add(Diagnostics.NameCollision(group[0].archivePath, ordered[0].candidate.SourcePath, ordered[1].candidate.SourcePath));
            return null;
        }
        // Same bytes from several places: keep the package's copy (the stable layer), else the first by path.
        var identical = group.OrderBy(g => g.candidate.PackageId == null ? 1 : 0).ThenBy(g => g.candidate.SourcePath, StringComparer.Ordinal).ToList();
        foreach (var dropped in identical.Skip(1)) plan.Excluded.Add(new ExcludedFile(dropped.candidate, $"same bytes as '{identical[0].candidate.SourcePath}'"));
        return identical[0];
    }

    private void CheckFrameworks(BundlePlan plan)
    {
        var worker = FrameworkName.Parse(_options.WorkerTargetFramework);
        if (worker is null)
        {
            plan.Diagnostics.Add(Diagnostics.InvalidSetting("SparkWorkerTargetFramework", _options.WorkerTargetFramework, "a target framework such as net8.0 or net48"));
            return;
        }
        foreach (var file in plan.Files)
        {
            string name = file.ArchivePath;
            if (!IsManagedExtension(name) || name.EndsWith(".resources.dll", StringComparison.OrdinalIgnoreCase)) continue;
            FrameworkName? framework;
            if (file.Kind == BundleFileKind.Compiled) framework = FrameworkName.Parse(file.Candidate.DeclaredFramework);
            else
            {
                var facts = _files.GetAssemblyFacts(file.SourcePath);
                if (!facts.IsManaged) continue;
                framework = FrameworkName.Parse(facts.TargetFramework);
                // Without a TargetFrameworkAttribute, .NET 5+ assemblies still reveal their framework through System.Runtime.
                if (framework is null && facts.SystemRuntimeMajor >= 5)
                    framework = new FrameworkName(FrameworkName.NetCoreApp, new Version(facts.SystemRuntimeMajor.Value, 0));
            }
            if (framework != null && !framework.IsLoadableOn(worker))
                plan.Diagnostics.Add(Diagnostics.FrameworkTooNew(file.SourcePath, framework.ToString(), worker.ToString()));
        }
    }

    /// <summary>A runtimes/&lt;rid&gt;/(native|lib/&lt;tfm&gt;|nativeassets/&lt;tfm&gt;)/… asset, and the path it keeps below that.</summary>
    private sealed class RidAsset
    {
        private RidAsset(string rid, bool isNative, string relativePath) { Rid = rid; IsNative = isNative; RelativePath = relativePath; }
        public string Rid { get; }
        public bool IsNative { get; }
        public string RelativePath { get; }

        public static RidAsset? TryParse(BundleCandidate candidate)
        {
            var segments = candidate.TargetPath.Split('/');
            if (segments.Length < 4 || !string.Equals(segments[0], "runtimes", StringComparison.OrdinalIgnoreCase)) return null;
            string rid = candidate.RuntimeIdentifier ?? segments[1];
            string kind = segments[2].ToLowerInvariant();
            if (kind == "native") return new RidAsset(rid, true, string.Join("/", segments.Skip(3)));
            if ((kind == "lib" || kind == "nativeassets") && segments.Length >= 5) return new RidAsset(rid, kind == "nativeassets", string.Join("/", segments.Skip(4)));
            return null;
        }
    }
}
