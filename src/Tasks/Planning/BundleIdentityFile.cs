using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SparkShip.Tasks.Planning;

/// <summary>
/// The identity as the identify step hands it to the generate and bundle steps across builds
/// (obj/…/sparkship/identity.txt): "Key=Value" lines, one per <see cref="BundleIdentity"/> property. Rewritten
/// only when the identity changes, so those steps can compare timestamps against it. The targets read three keys
/// themselves (AppArchive, DependencyArchive, SparkVersion: the archive paths and the jar's version).
/// </summary>
public static class BundleIdentityFile
{
    public static string Format(BundleIdentity identity) => string.Concat(Fields(identity).Select(f => f.Key + "=" + f.Value + "\n"));

    /// <exception cref="InvalidDataException">The file names no app archive (not written by a build).</exception>
    public static BundleIdentity Read(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path))
        {
            int eq = line.IndexOf('=');
            if (eq > 0) values[line.Substring(0, eq)] = line.Substring(eq + 1);
        }
        string Get(string key) => values.TryGetValue(key, out var v) ? v : "";
        var identity = new BundleIdentity
        {
            SdkVersion = Get(nameof(BundleIdentity.SdkVersion)),
            AssemblyName = Get(nameof(BundleIdentity.AssemblyName)),
            TargetFramework = Get(nameof(BundleIdentity.TargetFramework)),
            Directory = Get(nameof(BundleIdentity.Directory)),
            ClusterRuntimeIdentifier = Get(nameof(BundleIdentity.ClusterRuntimeIdentifier)),
            SparkVersion = Get(nameof(BundleIdentity.SparkVersion)) is { Length: > 0 } spark ? spark : null,
            AppArchive = Get(nameof(BundleIdentity.AppArchive)),
            AppFingerprint = Get(nameof(BundleIdentity.AppFingerprint)),
            DependencyArchive = Get(nameof(BundleIdentity.DependencyArchive)),
            DependencyFingerprint = Get(nameof(BundleIdentity.DependencyFingerprint)),
            WorkerArchive = Get(nameof(BundleIdentity.WorkerArchive)),
            WorkerArchiveVersion = Get(nameof(BundleIdentity.WorkerArchiveVersion)),
        };
        if (identity.AppArchive.Length == 0 || identity.AppFingerprint.Length == 0)
            throw new InvalidDataException("it names no app archive; rebuild the project");
        return identity;
    }

    private static IEnumerable<KeyValuePair<string, string>> Fields(BundleIdentity id)
    {
        yield return Field(nameof(id.SdkVersion), id.SdkVersion);
        yield return Field(nameof(id.AssemblyName), id.AssemblyName);
        yield return Field(nameof(id.TargetFramework), id.TargetFramework);
        yield return Field(nameof(id.Directory), id.Directory);
        yield return Field(nameof(id.ClusterRuntimeIdentifier), id.ClusterRuntimeIdentifier);
        yield return Field(nameof(id.SparkVersion), id.SparkVersion ?? "");
        yield return Field(nameof(id.AppArchive), id.AppArchive);
        yield return Field(nameof(id.AppFingerprint), id.AppFingerprint);
        yield return Field(nameof(id.DependencyArchive), id.DependencyArchive);
        yield return Field(nameof(id.DependencyFingerprint), id.DependencyFingerprint);
        yield return Field(nameof(id.WorkerArchive), id.WorkerArchive);
        yield return Field(nameof(id.WorkerArchiveVersion), id.WorkerArchiveVersion);
        // Derived, for the targets and the printed command (SparkBundleWorkerArchive, SparkBundleWorkerDirectory): never read back.
        yield return Field("WorkerArchiveSpec", id.WorkerArchive.Length == 0 ? "" : SparkShip.Runtime.SparkWorkerRelease.ArchiveSpec(id.WorkerArchive));
        yield return Field("WorkerDirectory", id.WorkerArchive.Length == 0 ? ""
            : SparkShip.Runtime.SparkWorkerRelease.ClusterDirectory(SparkShip.Runtime.SparkWorkerRelease.AliasOfSpec(id.WorkerArchive), id.WorkerArchiveVersion));
    }

    // One line per value: a line break in a value (an assembly name cannot hold one, a folder name could) is dropped.
    private static KeyValuePair<string, string> Field(string key, string value) =>
        new(key, value.Replace("\r", "").Replace("\n", ""));
}
