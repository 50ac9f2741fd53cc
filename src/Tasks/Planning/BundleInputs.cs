using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SparkShip.Tasks.Planning;

/// <summary>
/// Everything the identify step reads, in the form the targets pass it: one record per item of
/// <c>_SparkShipIdentifyInput</c>, "Kind TAB field TAB …" (<see cref="Parse"/> lists the kinds). The targets hash
/// the very same records for the no-op key (obj/…/sparkship/inputs.cache), so whatever the identify step reads is,
/// by construction, part of that key: an option added here and forgotten in the key cannot exist.
/// </summary>
public sealed class BundleInputs
{
    public string ProjectDirectory { get; set; } = "";
    public string AssemblyName { get; set; } = "";
    /// <summary>Start of the archive names (SparkBundleArchivePrefix).</summary>
    public string ArchivePrefix { get; set; } = "";
    public string TargetFramework { get; set; } = "";
    /// <summary>The compiled outputs' framework, e.g. ".NETCoreApp,Version=v8.0".</summary>
    public string TargetFrameworkMoniker { get; set; } = "";
    /// <summary>SparkBundleDir: the archives' folder, relative to the output folder.</summary>
    public string BundleDirectory { get; set; } = "";
    public string ClusterRuntimeIdentifier { get; set; } = "";
    public string WorkerTargetFramework { get; set; } = "";
    public string WorkerVersion { get; set; } = "";
    /// <summary>SparkWorkerArchive: the worker release archive that travels with the job (a path, relative to the project, or a URI).</summary>
    public string WorkerArchive { get; set; } = "";
    public string RuntimeIdentifierGraph { get; set; } = "";
    /// <summary>The compiler's PathMap: sources enter the fingerprint by the path the compiler embeds.</summary>
    public string PathMap { get; set; } = "";
    public bool Deterministic { get; set; } = true;
    public bool IncludeSymbols { get; set; } = true;
    public bool ExcludeMicrosoftSpark { get; set; } = true;
    public bool ExcludeReferenceAssemblies { get; set; } = true;
    /// <summary>';'-separated globs on archive paths (SparkBundleExcludePatterns).</summary>
    public string ExcludePatterns { get; set; } = "";
    /// <summary>SparkBundle.g.cs itself, left out of the fingerprint it carries.</summary>
    public string GeneratedSource { get; set; } = "";
    /// <summary>project.assets.json: what NuGet resolved, and who depends on whom (Microsoft.Spark's closure, framework references).</summary>
    public string ProjectAssetsFile { get; set; } = "";

    /// <summary>Folders inputs may come from; symbolic links leading elsewhere are not followed.</summary>
    public List<string> InputRoots { get; } = new();
    /// <summary>The bundle's candidates: compile outputs, copy-local files, content and SparkBundleInclude items.</summary>
    public List<BundleCandidate> Candidates { get; } = new();
    /// <summary>Files of the output the worker never needs (deps.json, runtimeconfig.json, apphost).</summary>
    public List<string> IgnoredFiles { get; } = new();
    /// <summary>SparkBundleExclude items: a project file (by full path) or an archive path (as written).</summary>
    public List<string> ExcludedPaths { get; } = new();
    /// <summary>Source-like compile inputs (Compile, EmbeddedResource, AdditionalFiles…): their mapped path and bytes count.</summary>
    public List<string> CompileSources { get; } = new();
    /// <summary>Binary compile inputs (ReferencePath, Analyzer): their file name and bytes count, not where they live.</summary>
    public List<string> CompileReferences { get; } = new();
    /// <summary>Properties that change the compiler's output, as "Name=Value".</summary>
    public List<string> CompileProperties { get; } = new();
    /// <summary>References to Microsoft.Spark: where its version comes from.</summary>
    public List<PackageFile> SparkReferences { get; } = new();
    /// <summary>Every copy-local file with its package, for the Microsoft.Spark version when the reference has none.</summary>
    public List<PackageFile> PackageFiles { get; } = new();
    /// <summary>The shared frameworks' targeting packs (ResolvedTargetingPack): their FrameworkList.xml, for the worker's framework.</summary>
    public List<SharedFrameworkPack> SharedFrameworks { get; } = new();

    public const char Separator = '\t';

    /// <summary>
    /// Reads the records. Kinds and fields (every path full):
    /// <c>Option name value</c>, <c>InputRoot path</c>, <c>Compiled path targetPath</c>,
    /// <c>CopyLocal path destinationSubDirectory packageId packageVersion runtimeIdentifier assetType</c>,
    /// <c>Content path targetPath packageId</c>, <c>Ignored path</c>, <c>Include path archivePath layer</c>,
    /// <c>Exclude asWritten fullPath</c>, <c>Source path</c>, <c>Reference path</c>, <c>Property name value</c>,
    /// <c>SparkReference path packageId packageVersion</c>, <c>SharedFramework frameworkListPath name packVersion</c>.
    /// </summary>
    /// <exception cref="FormatException">A record of an unknown kind or option: the targets and this class disagree.</exception>
    public static BundleInputs Parse(IEnumerable<string> records)
    {
        var inputs = new BundleInputs();
        var pending = new List<string[]>();
        foreach (var record in records)
        {
            var f = record.Split(Separator);
            if (f[0] == "Option") inputs.SetOption(Field(f, 1), Field(f, 2));
            else pending.Add(f);
        }
        // Files after options: a TargetFrameworkMoniker given after the compiled outputs still applies to them.
        foreach (var f in pending) inputs.Add(f);
        return inputs;
    }

    private void Add(string[] f)
    {
        string path = Field(f, 1);
        switch (f[0])
        {
            case "InputRoot": InputRoots.Add(path); break;
            case "Compiled":
                Candidates.Add(new BundleCandidate(path, OrFileName(Field(f, 2), path), BundleFileKind.Compiled) { DeclaredFramework = TargetFrameworkMoniker });
                break;
            case "CopyLocal":
                var destination = Field(f, 2).Replace('\\', '/');
                if (destination.Length > 0 && !destination.EndsWith("/", StringComparison.Ordinal)) destination += "/";
                Candidates.Add(new BundleCandidate(path, destination + Path.GetFileName(path), BundleFileKind.CopyLocal)
                {
                    PackageId = OrNull(Field(f, 3)),
                    RuntimeIdentifier = OrNull(Field(f, 5)),
                    AssetType = OrNull(Field(f, 6)),
                });
                PackageFiles.Add(new PackageFile(path, OrNull(Field(f, 3)), OrNull(Field(f, 4))));
                break;
            case "Content":
                Candidates.Add(new BundleCandidate(path, OrFileName(Field(f, 2), path), BundleFileKind.Content) { PackageId = OrNull(Field(f, 3)) });
                break;
            case "Include":
                Candidates.Add(new BundleCandidate(path, OrFileName(Field(f, 2), path), BundleFileKind.Included)
                {
                    LayerOverride = BundleLayers.TryParse(Field(f, 3)) ?? BundleLayer.App,
                });
                break;
            case "Ignored": IgnoredFiles.Add(path); break;
            case "Exclude": ExcludedPaths.Add(path); if (Field(f, 2).Length > 0) ExcludedPaths.Add(Field(f, 2)); break;
            case "Source": CompileSources.Add(path); break;
            case "Reference": CompileReferences.Add(path); break;
            case "Property": CompileProperties.Add(path + "=" + Field(f, 2)); break;
            case "SparkReference": SparkReferences.Add(new PackageFile(path, OrNull(Field(f, 2)), OrNull(Field(f, 3)))); break;
            case "SharedFramework": SharedFrameworks.Add(new SharedFrameworkPack(path, Field(f, 2), Field(f, 3))); break;
            default: throw new FormatException($"Unknown identify input record kind '{f[0]}'.");
        }
    }

    private void SetOption(string name, string value)
    {
        switch (name)
        {
            case nameof(ProjectDirectory): ProjectDirectory = value; break;
            case nameof(AssemblyName): AssemblyName = value; break;
            case nameof(ArchivePrefix): ArchivePrefix = value; break;
            case nameof(TargetFramework): TargetFramework = value; break;
            case nameof(TargetFrameworkMoniker): TargetFrameworkMoniker = value; break;
            case nameof(BundleDirectory): BundleDirectory = value; break;
            case nameof(ClusterRuntimeIdentifier): ClusterRuntimeIdentifier = value; break;
            case nameof(WorkerTargetFramework): WorkerTargetFramework = value; break;
            case nameof(WorkerVersion): WorkerVersion = value; break;
            case nameof(WorkerArchive): WorkerArchive = value; break;
            case nameof(RuntimeIdentifierGraph): RuntimeIdentifierGraph = value; break;
            case nameof(PathMap): PathMap = value; break;
            case nameof(Deterministic): Deterministic = Flag(value, true); break;
            case nameof(IncludeSymbols): IncludeSymbols = Flag(value, true); break;
            case nameof(ExcludeMicrosoftSpark): ExcludeMicrosoftSpark = Flag(value, true); break;
            case nameof(ExcludeReferenceAssemblies): ExcludeReferenceAssemblies = Flag(value, true); break;
            case nameof(ExcludePatterns): ExcludePatterns = value; break;
            case nameof(GeneratedSource): GeneratedSource = value; break;
            case nameof(ProjectAssetsFile): ProjectAssetsFile = value; break;
            default: throw new FormatException($"Unknown identify option '{name}'.");
        }
    }

    private static string Field(string[] fields, int index) => index < fields.Length ? fields[index] : "";
    private static string? OrNull(string value) => value.Length == 0 ? null : value;
    private static string OrFileName(string targetPath, string path) => targetPath.Length > 0 ? targetPath : Path.GetFileName(path);

    // MSBuild's own reading of a boolean: empty is the default, anything but "true" is false.
    private static bool Flag(string value, bool fallback) =>
        value.Trim().Length == 0 ? fallback : string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A file that may come from a NuGet package (its id and version, when the build says).</summary>
public sealed class PackageFile
{
    public PackageFile(string path, string? packageId, string? packageVersion) { Path = path; PackageId = packageId; PackageVersion = packageVersion; }
    public string Path { get; }
    public string? PackageId { get; }
    public string? PackageVersion { get; }
}

/// <summary>A shared framework's targeting pack: its data/FrameworkList.xml, name (Microsoft.NETCore.App) and version.</summary>
public sealed class SharedFrameworkPack
{
    public SharedFrameworkPack(string frameworkList, string name, string packVersion) { FrameworkList = frameworkList; Name = name; PackVersion = packVersion; }
    public string FrameworkList { get; }
    public string Name { get; }
    public string PackVersion { get; }
}
