using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using SparkShip.Runtime;

namespace SparkShip.Tasks.Planning;

/// <summary>What a worker release says about the runtime it is built for, and from where.</summary>
public sealed class WorkerReleaseRid
{
    public WorkerReleaseRid(string rid, string description, string source) { Rid = rid; Description = description; Source = source; }
    /// <summary>The RID the check compares: the name's ("linux-x64"), or the content's OS family ("win", "unix").</summary>
    public string Rid { get; }
    /// <summary>For the message: "linux-x64", "Windows (win)".</summary>
    public string Description { get; }
    /// <summary>For the message: where <see cref="Rid"/> was read.</summary>
    public string Source { get; }
}

/// <summary>
/// The runtime a Microsoft.Spark.Worker release is for (SSHIP0020), against SparkClusterRuntimeIdentifier. Read from
/// the release's file name, Microsoft.Spark.Worker.&lt;tfm&gt;.&lt;rid&gt;-&lt;version&gt;.&lt;ext&gt;, and for a local file from its
/// content: the executable Microsoft.Spark.Worker.exe is a Windows release, Microsoft.Spark.Worker (no extension) a
/// Linux or macOS one. Content wins over the name (a file is easily renamed, its executable is what the executor
/// starts); a name without a runtime the RID graph knows says nothing, so a renamed download is not an error by itself.
/// Compatible means the release's RID is in the cluster RID's fallback chain, as NuGet picks assets: a linux-x64
/// executor runs a linux-x64 (or "linux", "unix") release, not win-x64 or linux-arm64.
/// </summary>
public static class WorkerReleaseRuntime
{
    // After the version is cut off (SparkWorkerRelease's own pattern): "Microsoft.Spark.Worker.net8.0.linux-x64".
    private static readonly Regex NameRid = new(
        @"^Microsoft\.Spark\.Worker\.(?<tfm>net(coreapp|standard)?\d+(\.\d+)*)\.(?<rid>[A-Za-z0-9][A-Za-z0-9._-]*?)-\d+\.\d+",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>The target framework and runtime identifier in a release's file name, or nulls.</summary>
    public static (string? Tfm, string? Rid) FromFileName(string fileName)
    {
        var match = NameRid.Match(SparkWorkerRelease.AliasOf(fileName ?? ""));
        return match.Success ? (match.Groups["tfm"].Value, match.Groups["rid"].Value.ToLowerInvariant()) : (null, null);
    }

    /// <summary>"win" for a release whose worker executable is Microsoft.Spark.Worker.exe, "unix" for one without an extension; null if neither or both.</summary>
    public static string? FamilyFromEntries(IEnumerable<string> entryNames)
    {
        bool windows = false, unix = false;
        foreach (var name in entryNames)
        {
            var match = SparkWorkerRelease.ExecutableEntry.Match(name.Replace('\\', '/'));
            if (!match.Success) continue;
            if (match.Groups["exe"].Success) windows = true; else unix = true;
        }
        return windows == unix ? null : windows ? "win" : "unix";
    }

    /// <summary>
    /// The release's runtime as the check reads it: the content's family, refined by the name's RID when the name
    /// agrees with it (a linux-x64 name on a release without .exe); the name's RID alone for a URI; null when neither says.
    /// </summary>
    public static WorkerReleaseRid? Of(string fileName, IEnumerable<string>? entryNames, string? graphPath)
    {
        var (_, nameRid) = FromFileName(fileName);
        if (nameRid != null && !RuntimeIdentifierGraph.IsKnown(nameRid, graphPath)) nameRid = null;
        var family = entryNames == null ? null : FamilyFromEntries(entryNames);
        if (family == null)
            return nameRid == null ? null : new WorkerReleaseRid(nameRid, nameRid, "read from its file name");
        var executable = family == "win" ? SparkWorkerRelease.ExecutableName + ".exe" : SparkWorkerRelease.ExecutableName;
        if (nameRid != null && RuntimeIdentifierGraph.FallbackChain(nameRid, graphPath).Contains(family, StringComparer.OrdinalIgnoreCase))
            return new WorkerReleaseRid(nameRid, nameRid, $"read from its file name; its worker executable is {executable}");
        var description = family == "win" ? "Windows (win)" : "Linux or macOS (unix)";
        var source = $"read from its content: its worker executable is {executable}"
            + (nameRid != null ? $"; its file name says {nameRid}, but the executable is what the executors start" : "");
        return new WorkerReleaseRid(family, description, source);
    }

    /// <summary>Null when the release can run on <paramref name="clusterRid"/> or its runtime cannot be told; else SSHIP0020.</summary>
    public static Diagnostic? Check(string archive, string fileName, IEnumerable<string>? entryNames, string version,
        string clusterRid, string? graphPath)
    {
        if (string.IsNullOrEmpty(clusterRid)) return null;
        var release = Of(fileName, entryNames, graphPath);
        if (release == null) return null;
        var chain = RuntimeIdentifierGraph.FallbackChain(clusterRid, graphPath);
        if (chain.Contains(release.Rid, StringComparer.OrdinalIgnoreCase)) return null;
        var windows = clusterRid.StartsWith("win", StringComparison.OrdinalIgnoreCase);
        var tfm = FromFileName(fileName).Tfm ?? "<tfm>";
        // .NET Framework releases exist for Windows only: a Linux or macOS cluster's release is a .NET one.
        if (!windows && tfm.StartsWith("net4", StringComparison.OrdinalIgnoreCase)) tfm = "net8.0";
        var extension = windows ? ".zip" : ".tar.gz";
        return Diagnostics.WorkerArchiveWrongRuntime(archive, release.Description, release.Source, clusterRid,
            $"Microsoft.Spark.Worker.{tfm}.{clusterRid}-{version}{extension}");
    }
}
