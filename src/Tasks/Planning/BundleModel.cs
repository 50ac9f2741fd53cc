using System;
using System.Collections.Generic;
using SparkShip.Runtime;

namespace SparkShip.Tasks.Planning;

public enum BundleLayer { App, Dependencies }

/// <summary>Layer names as they appear in archive names, the manifest, plan.tsv and SparkBundleInclude's Layer metadata.</summary>
public static class BundleLayers
{
    public static string Name(this BundleLayer layer) => layer == BundleLayer.App ? SparkBundleNames.AppLayer : SparkBundleNames.DependencyLayer;

    /// <summary>The layer of a name ("app", "deps", any case), or null.</summary>
    public static BundleLayer? TryParse(string? name)
    {
        if (string.Equals(name, SparkBundleNames.AppLayer, StringComparison.OrdinalIgnoreCase)) return BundleLayer.App;
        if (string.Equals(name, SparkBundleNames.DependencyLayer, StringComparison.OrdinalIgnoreCase)) return BundleLayer.Dependencies;
        return null;
    }
}

public enum BundleFileKind
{
    /// <summary>Produced by this project's compile (not on disk before it): the assembly, its PDB, satellites.</summary>
    Compiled,
    /// <summary>Copied to the output from a project reference or a package (ReferenceCopyLocalPaths).</summary>
    CopyLocal,
    /// <summary>Content copied to the output (CopyToOutputDirectory), this project's or a reference's.</summary>
    Content,
    /// <summary>Added by the user with a SparkBundleInclude item.</summary>
    Included,
}

/// <summary>A file the build would place in the output, before SparkShip decides where (and whether) it goes in the bundle.</summary>
public sealed class BundleCandidate
{
    public BundleCandidate(string sourcePath, string targetPath, BundleFileKind kind)
    {
        SourcePath = sourcePath;
        TargetPath = targetPath.Replace('\\', '/');
        Kind = kind;
    }

    /// <summary>Full path of the file on disk (for compiled outputs: where compile will write it).</summary>
    public string SourcePath { get; }
    /// <summary>Path relative to the output folder, '/'-separated (e.g. "runtimes/linux-x64/native/libx.so", "fr/A.resources.dll").</summary>
    public string TargetPath { get; }
    public BundleFileKind Kind { get; }
    public string? PackageId { get; set; }
    /// <summary>RuntimeIdentifier metadata of RID-specific package assets, when the build gives it.</summary>
    public string? RuntimeIdentifier { get; set; }
    /// <summary>NuGet AssetType metadata (runtime, native, resources), when the build gives it.</summary>
    public string? AssetType { get; set; }
    /// <summary>Framework the build declares for a compiled output (its $(TargetFrameworkMoniker)).</summary>
    public string? DeclaredFramework { get; set; }
    /// <summary>Layer forced by the user (SparkBundleInclude's Layer metadata); otherwise packages go to the dependency layer.</summary>
    public BundleLayer? LayerOverride { get; set; }
}

/// <summary>A file placed in the bundle.</summary>
public sealed class PlannedFile
{
    public PlannedFile(BundleCandidate candidate, string archivePath, BundleLayer layer)
    {
        Candidate = candidate;
        ArchivePath = archivePath;
        Layer = layer;
    }

    public BundleCandidate Candidate { get; }
    public string SourcePath => Candidate.SourcePath;
    public string ArchivePath { get; }
    public BundleLayer Layer { get; }
    public BundleFileKind Kind => Candidate.Kind;
}

/// <summary>A file the planner left out, and why (logged at low importance so `-v:d` explains every omission).</summary>
public sealed class ExcludedFile
{
    public ExcludedFile(BundleCandidate candidate, string reason) { Candidate = candidate; Reason = reason; }
    public BundleCandidate Candidate { get; }
    public string Reason { get; }
}

public sealed class BundlePlanOptions
{
    public string ClusterRuntimeIdentifier { get; set; } = "linux-x64";
    /// <summary>Fallback chain of the cluster RID, most specific first: set, or computed by <see cref="RuntimeIdentifierChainSource"/>.</summary>
    public IReadOnlyList<string> RuntimeIdentifierChain
    {
        get => _chain ??= RuntimeIdentifierChainSource?.Invoke() ?? new[] { "linux-x64" };
        set => _chain = value;
    }
    /// <summary>Computes the chain when the planner first needs it: only RID-specific assets do (no RID graph read otherwise).</summary>
    public Func<IReadOnlyList<string>>? RuntimeIdentifierChainSource { get; set; }
    private IReadOnlyList<string>? _chain;
    public bool IncludeSymbols { get; set; } = true;
    public bool ExcludeMicrosoftSpark { get; set; } = true;
    public bool ExcludeReferenceAssemblies { get; set; } = true;
    /// <summary>Worker framework, e.g. "net8.0" or "net48".</summary>
    public string WorkerTargetFramework { get; set; } = "net8.0";
    /// <summary>Full source paths or archive paths to leave out (SparkBundleExclude items).</summary>
    public IReadOnlyCollection<string> ExcludedPaths { get; set; } = Array.Empty<string>();
    /// <summary>Folders inputs may come from (project, solution, package cache): symbolic links leading elsewhere are not followed.</summary>
    public IReadOnlyCollection<string> InputRoots { get; set; } = Array.Empty<string>();
    /// <summary>What the worker brings itself: Microsoft.Spark's dependency closure, left out with Microsoft.Spark.</summary>
    public WorkerProvided WorkerProvided { get; set; } = WorkerProvided.None;
    /// <summary>Globs on archive paths to leave out (SparkBundleExcludePatterns).</summary>
    public IReadOnlyCollection<string> ExcludedPatterns { get; set; } = Array.Empty<string>();
}

public sealed class BundlePlan
{
    public List<PlannedFile> Files { get; } = new();
    public List<ExcludedFile> Excluded { get; } = new();
    public List<Diagnostic> Diagnostics { get; } = new();
    public bool HasErrors => Diagnostics.Exists(d => d.Severity == DiagnosticSeverity.Error);
}
