using System;
using System.Collections.Generic;
using System.IO;
using SparkShip.Runtime;

namespace SparkShip.Tasks.Planning;

/// <summary>The worker archive (SparkWorkerArchive) as the identify step checks it, before anything is written.</summary>
public sealed class WorkerArchiveFacts
{
    public WorkerArchiveFacts(string archive, string version) { Archive = archive; Version = version; }
    /// <summary>A full local path or the URI as given.</summary>
    public string Archive { get; }
    public string Version { get; }
}

/// <summary>
/// Checks SparkWorkerArchive: a scheme and a format Spark can ship (SSHIP0017); a local file that exists and holds
/// Microsoft.Spark.Worker-&lt;version&gt;/Microsoft.Spark.Worker[.exe] (SSHIP0016); a version, from the content for a local
/// file and from the release's file name for a URI, with Microsoft.Spark's major version (SSHIP0015); a runtime the
/// cluster's can run (SSHIP0020, <see cref="WorkerReleaseRuntime"/>).
/// </summary>
public static class WorkerArchiveCheck
{
    /// <param name="clusterRuntimeIdentifier">SparkClusterRuntimeIdentifier; null or empty skips the runtime check.</param>
    /// <param name="runtimeIdentifierGraph">The .NET SDK's RID graph file, for the fallback chains.</param>
    public static (WorkerArchiveFacts? Facts, Diagnostic? Problem) Check(string value, string projectDirectory, string? sparkVersion,
        string? clusterRuntimeIdentifier = null, string? runtimeIdentifierGraph = null)
    {
        var spec = (value ?? "").Trim();
        if (spec.Length == 0) return (null, null);

        var scheme = SparkWorkerRelease.SchemeOf(spec);
        if (!SparkWorkerRelease.IsSupportedScheme(scheme))
            return (null, Diagnostics.WorkerArchiveUnreadableBySpark(spec, $"its scheme '{scheme}:' is not one Spark fetches archives from"));
        var fileName = SparkWorkerRelease.FileNameOf(spec);
        if (SparkWorkerRelease.ExtensionOf(fileName) == null)
            return (null, Diagnostics.WorkerArchiveUnreadableBySpark(spec, $"'{fileName}' is not a .tar.gz, .tgz, .tar or .zip file, the archives spark.archives unpacks"));

        string archive;
        string? version;
        List<string>? entries = null;
        if (SparkWorkerRelease.IsLocal(spec))
        {
            archive = SparkWorkerRelease.LocalPath(spec, projectDirectory);
            if (!File.Exists(archive)) return (null, Diagnostics.WorkerArchiveNotFound(archive));
            try { entries = SparkWorkerRelease.EntryNames(archive); }
            catch (InvalidDataException e) { return (null, Diagnostics.WorkerArchiveWithoutExecutable(archive, e.Message)); }
            version = SparkWorkerRelease.VersionFromEntries(entries);
            if (version == null) return (null, Diagnostics.WorkerArchiveWithoutExecutable(archive, null));
        }
        else
        {
            archive = spec;
            version = SparkWorkerRelease.VersionFromFileName(fileName);
            if (version == null) return (null, Diagnostics.WorkerArchiveVersionUnknown(spec));
        }

        var sparkMajor = SparkWorkerRelease.MajorOf(sparkVersion);
        if (sparkMajor != null && SparkWorkerRelease.MajorOf(version) != sparkMajor)
            return (null, Diagnostics.WorkerArchiveMajorMismatch(archive, version, sparkVersion!));
        var runtimeProblem = WorkerReleaseRuntime.Check(archive, fileName, entries, version, clusterRuntimeIdentifier ?? "", runtimeIdentifierGraph);
        if (runtimeProblem != null) return (null, runtimeProblem);
        return (new WorkerArchiveFacts(archive, version), null);
    }
}
