using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SparkShip.Tasks.Planning;

namespace SparkShip.Tasks.Build;

/// <summary>
/// The identity the identify step computed, as the generate and bundle steps receive it (from identity.txt through
/// properties): one place that turns those parameters into a <see cref="BundleIdentity"/>.
/// </summary>
public abstract class BundleIdentityTask : Task
{
    public string AssemblyName { get; set; } = "";
    public string TargetFramework { get; set; } = "";
    public string BundleDirectoryName { get; set; } = "";
    public string ClusterRuntimeIdentifier { get; set; } = "";
    public string AppArchive { get; set; } = "";
    public string AppFingerprint { get; set; } = "";
    public string DependencyArchive { get; set; } = "";
    public string DependencyFingerprint { get; set; } = "";
    public string SparkVersion { get; set; } = "";

    protected BundleIdentity Identity() => new BundleIdentity
    {
        SdkVersion = TaskSupport.SdkVersion,
        AssemblyName = AssemblyName,
        TargetFramework = TargetFramework,
        Directory = BundleDirectoryName.Replace('\\', '/').TrimEnd('/'),
        ClusterRuntimeIdentifier = ClusterRuntimeIdentifier,
        SparkVersion = SparkVersion.Length == 0 ? null : SparkVersion,
        AppArchive = AppArchive,
        AppFingerprint = AppFingerprint,
        DependencyArchive = DependencyArchive,
        DependencyFingerprint = DependencyFingerprint,
    };
}
