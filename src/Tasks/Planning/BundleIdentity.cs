namespace SparkShip.Tasks.Planning;

/// <summary>
/// The names and fingerprints that identify one build's bundle: what SparkBundle.g.cs carries, what the manifest
/// records, what the archives are called. Computed by <see cref="BundleIdentifier"/>, kept in identity.txt
/// (<see cref="BundleIdentityFile"/>) for the steps after it.
/// </summary>
public sealed class BundleIdentity
{
    /// <summary>Version of the bundle layout and manifest. Bump when either changes shape.</summary>
    public const int FormatVersion = 2; // 2: the manifest records the driver's checksums (SparkBundleChecksum)

    public string SdkVersion { get; set; } = "";
    public string AssemblyName { get; set; } = "";
    public string TargetFramework { get; set; } = "";
    /// <summary>Folder of the archives, relative to the app's base directory (AppContext.BaseDirectory), '/'-separated.</summary>
    public string Directory { get; set; } = "";
    public string ClusterRuntimeIdentifier { get; set; } = "";
    public string? SparkVersion { get; set; }
    public string AppArchive { get; set; } = "";
    public string AppFingerprint { get; set; } = "";
    /// <summary>Empty when the app has no package dependencies to ship.</summary>
    public string DependencyArchive { get; set; } = "";
    public string DependencyFingerprint { get; set; } = "";
    /// <summary>SparkWorkerArchive as checked: a full local path or a URI; empty when not set (see <see cref="SparkShip.Runtime.SparkWorkerRelease"/> for its spark.archives value and DOTNET_WORKER_DIR).</summary>
    public string WorkerArchive { get; set; } = "";
    /// <summary>The worker's version in it (its folder Microsoft.Spark.Worker-&lt;version&gt;/); empty when not set.</summary>
    public string WorkerArchiveVersion { get; set; } = "";

    public string ArchiveOf(BundleLayer layer) => layer == BundleLayer.App ? AppArchive : DependencyArchive;
    public string FingerprintOf(BundleLayer layer) => layer == BundleLayer.App ? AppFingerprint : DependencyFingerprint;
}
