using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using SparkShip.Runtime;

namespace SparkShip.Tasks.Submit;

public sealed class SparkSubmitOptions
{
    public string Master { get; set; } = "local[*]";
    /// <summary>client or cluster.</summary>
    public string DeployMode { get; set; } = "client";
    /// <summary>Apache Spark version of the cluster, e.g. "3.5" or "3.5.1": picks the microsoft-spark jar.</summary>
    public string SparkVersion { get; set; } = "3.5";
    /// <summary>Microsoft.Spark version the app references, e.g. "2.3.1".</summary>
    public string MicrosoftSparkVersion { get; set; } = "";
    /// <summary>Path of the microsoft-spark jar if known; otherwise its file name is printed.</summary>
    public string? JarPath { get; set; }
    /// <summary>The app's entry assembly, as the driver will find it (e.g. "bin/Release/net8.0/WordCount.dll").</summary>
    public string AppAssembly { get; set; } = "";
    /// <summary>Full paths of the bundle's archives, app layer first.</summary>
    public IReadOnlyList<string> Archives { get; set; } = Array.Empty<string>();
    /// <summary>Emit --archives and the search-path settings (the zero-code attach is off, or the app is submitted from elsewhere).</summary>
    public bool IncludeArchives { get; set; }
    /// <summary>
    /// For a local master: the layers unpacked flat on this machine, app layer first. Local executors are not started
    /// in their SparkFiles root, so ./alias entries cannot reach what --archives unpacks; absolute folders do.
    /// </summary>
    public IReadOnlyList<string> LocalFolders { get; set; } = Array.Empty<string>();
    public IReadOnlyList<string> AppArguments { get; set; } = Array.Empty<string>();
    /// <summary>
    /// Cluster deploy mode: full path of the driver archive (&lt;prefix&gt;.driver-&lt;hash&gt;.zip, written by publish), which
    /// DotnetRunner unzips and runs <see cref="DriverExecutable"/> from. Null or empty: the app is started as
    /// "dotnet &lt;AppAssembly&gt;" (client mode, or no driver archive).
    /// </summary>
    public string? DriverArchive { get; set; }
    /// <summary>The apphost's file name inside the driver archive (DotnetRunner's second argument).</summary>
    public string DriverExecutable { get; set; } = "";
    /// <summary>
    /// SparkDeployBaseUri: the folder readable from the cluster where the user uploads the driver archive (and, on
    /// Kubernetes, the jar). Empty: the local file is shipped by spark-submit where the cluster manager can (YARN:
    /// --files) or named by its absolute path (standalone: the driver's host must see it).
    /// </summary>
    public string DeployBaseUri { get; set; } = "";
    /// <summary>SparkWorkerArchive as the build checked it (a full local path or a URI), or empty.</summary>
    public string WorkerArchive { get; set; } = "";
    /// <summary>The worker's version in it (its Microsoft.Spark.Worker-&lt;version&gt;/ folder).</summary>
    public string WorkerArchiveVersion { get; set; } = "";
    /// <summary>
    /// For a local master with <see cref="IncludeArchives"/>: the worker archive unpacked on this machine (the folder
    /// holding Microsoft.Spark.Worker-&lt;version&gt;/), or empty.
    /// </summary>
    public string LocalWorkerFolder { get; set; } = "";
}

/// <summary>Where a cluster-mode driver archive comes from, as the printed command ships it.</summary>
public enum DriverArchiveShipping
{
    /// <summary>Not a cluster-mode command with a driver archive.</summary>
    None,
    /// <summary>Under SparkDeployBaseUri: DotnetRunner downloads it (Hadoop FileSystem).</summary>
    FromBaseUri,
    /// <summary>YARN: --files puts it in the application master's working folder, DotnetRunner's argument is its name.</summary>
    YarnFiles,
    /// <summary>The local absolute path: DotnetRunner copies it where the driver runs, if that host sees the path.</summary>
    LocalPath,
}

/// <summary>The spark-submit command line for a built app (DotnetRunner, the matching jar, and, when asked, the bundle).</summary>
public static class SparkSubmitCommandBuilder
{
    public const string DotnetRunner = "org.apache.spark.deploy.dotnet.DotnetRunner";

    /// <summary>microsoft-spark-&lt;major&gt;-&lt;minor&gt;_&lt;scala&gt;-&lt;version&gt;.jar (Scala 2.11 for Spark 2.x, 2.12 for 3.x).</summary>
    public static string JarName(string sparkVersion, string microsoftSparkVersion)
    {
        var parts = sparkVersion.Trim().Split('.');
        if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
            throw new ArgumentException($"SparkVersion '{sparkVersion}' is not a Spark version such as 3.5.");
        var scala = major >= 3 ? "2.12" : "2.11";
        var version = string.IsNullOrEmpty(microsoftSparkVersion) ? "<Microsoft.Spark version>" : microsoftSparkVersion;
        return $"microsoft-spark-{major}-{minor}_{scala}-{version}.jar";
    }

    /// <summary>How <see cref="Build"/> ships the driver archive for these options.</summary>
    public static DriverArchiveShipping ShippingOf(SparkSubmitOptions o)
    {
        bool local = SparkConventions.Classify(o.Master) == SparkMasterKind.Local;
        bool cluster = string.Equals(o.DeployMode, "cluster", StringComparison.OrdinalIgnoreCase);
        if (local || !cluster || string.IsNullOrEmpty(o.DriverArchive)) return DriverArchiveShipping.None;
        if (!string.IsNullOrEmpty(o.DeployBaseUri)) return DriverArchiveShipping.FromBaseUri;
        return o.Master.StartsWith("yarn", StringComparison.Ordinal) ? DriverArchiveShipping.YarnFiles : DriverArchiveShipping.LocalPath;
    }

    /// <summary>The URI of a file uploaded under SparkDeployBaseUri.</summary>
    public static string UnderBaseUri(string baseUri, string fileName) => baseUri.TrimEnd('/') + "/" + fileName;

    /// <summary>
    /// Null when <paramref name="baseUri"/> is a folder DotnetRunner can download from (an absolute URI whose scheme
    /// is not file: or local:, which it does not fetch), else what is expected.
    /// </summary>
    public static string? CheckDeployBaseUri(string baseUri)
    {
        if (string.IsNullOrEmpty(baseUri)) return null;
        int colon = baseUri.IndexOf(':');
        var scheme = colon > 0 ? baseUri.Substring(0, colon) : "";
        bool valid = scheme.Length > 1 && char.IsLetter(scheme[0]) && scheme.All(c => char.IsLetterOrDigit(c) || c == '+' || c == '-' || c == '.')
            && baseUri.Length > colon + 1 && !baseUri.Any(char.IsWhiteSpace) && baseUri.IndexOfAny(new[] { '#', '?', '\'' }) < 0;
        if (!valid) return "an absolute URI with a scheme the cluster's Hadoop FileSystem reads (hdfs:, s3a:, abfss:, gs:, dbfs:, http:, https:), without spaces, '#', '?' or quotes";
        if (scheme.Equals("file", StringComparison.OrdinalIgnoreCase) || scheme.Equals("local", StringComparison.OrdinalIgnoreCase))
            return $"a {scheme}: URI, which DotnetRunner does not download (it opens a file: argument as a relative path named 'file:…'); use a shared file system's own scheme, or leave it empty to pass the archive's absolute path";
        return null;
    }

    public static string Build(SparkSubmitOptions o)
    {
        var shipping = ShippingOf(o);
        bool local = SparkConventions.Classify(o.Master) == SparkMasterKind.Local;
        bool cluster = string.Equals(o.DeployMode, "cluster", StringComparison.OrdinalIgnoreCase);
        var lines = new List<string>();
        string? envPrefix = null;

        lines.Add("spark-submit");
        lines.Add("--class " + DotnetRunner);
        lines.Add("--master " + Quote(o.Master));
        if (!local) lines.Add("--deploy-mode " + (cluster ? "cluster" : "client"));

        bool worker = o.WorkerArchive.Length > 0;
        var workerAlias = worker ? SparkWorkerRelease.AliasOfSpec(o.WorkerArchive) : "";
        var workerLocal = worker && SparkWorkerRelease.IsLocal(o.WorkerArchive);
        var uploads = new List<string>();
        if (o.IncludeArchives && o.Archives.Count > 0 && local)
        {
            if (o.LocalFolders.Count != o.Archives.Count)
                throw new ArgumentException("A local master needs the bundle's layers unpacked on this machine: one folder per archive.");
            // spark-submit's environment is the driver's, which copies the variable into every UDF (spark-facts §2).
            envPrefix = SparkConventions.SearchPathVariable + "=" + Quote(string.Join(",", o.LocalFolders));
            if (o.LocalWorkerFolder.Length > 0)
                envPrefix += " " + SparkWorkerRelease.DirectoryVariable + "=" + Quote(Path.Combine(o.LocalWorkerFolder, SparkWorkerRelease.FolderName(o.WorkerArchiveVersion)));
        }
        else if (!local)
        {
            // --archives: the layers when asked for (the shim does not run), and the worker archive where the driver
            // cannot reach the local file the build checked (cluster deploy mode) or the shim does not register it.
            var shipped = new List<string>();
            var driverEnvironment = new List<string>();
            if (o.IncludeArchives && o.Archives.Count > 0)
            {
                var aliases = o.Archives.Select(a => SparkBundleNames.AliasOf(Path.GetFileName(a))).ToList();
                shipped.AddRange(o.Archives.Select((a, i) => SparkConventions.ArchiveUri(a) + "#" + aliases[i]));
                // The driver copies its own DOTNET_ASSEMBLY_SEARCH_PATHS into every UDF: set it where the driver runs.
                driverEnvironment.Add(SparkConventions.SearchPathVariable + "=" + string.Join(",", aliases.Select(SparkConventions.ClusterSearchPathEntry)));
            }
            if (worker && (o.IncludeArchives || (shipping != DriverArchiveShipping.None && workerLocal)))
            {
                if (workerLocal && shipping == DriverArchiveShipping.FromBaseUri)
                {
                    shipped.Add(UnderBaseUri(o.DeployBaseUri, Uri.EscapeDataString(SparkWorkerRelease.FileNameOf(o.WorkerArchive))) + "#" + workerAlias);
                    uploads.Add(SparkWorkerRelease.LocalPath(o.WorkerArchive));
                }
                else shipped.Add(SparkWorkerRelease.ArchiveSpec(o.WorkerArchive));
                // The shim sets it itself; without the shim the command must.
                if (o.IncludeArchives)
                    driverEnvironment.Add(SparkWorkerRelease.DirectoryVariable + "=" + SparkWorkerRelease.ClusterDirectory(workerAlias, o.WorkerArchiveVersion));
            }
            if (shipped.Count > 0) lines.Add("--archives " + Quote(string.Join(",", shipped)));
            var driverEnv = DriverEnvironmentConf(o.Master, cluster);
            foreach (var variable in driverEnvironment)
            {
                if (driverEnv != null) lines.Add("--conf " + Quote(driverEnv + variable));
                else envPrefix = (envPrefix == null ? "" : envPrefix + " ") + variable;
            }
        }

        // Cluster deploy mode runs the driver on the cluster: DotnetRunner unzips the driver archive into
        // <working dir>/<base name>, finds the apphost by name, makes it executable and runs it (DotnetRunner.scala).
        string? driverArgument = null;
        var jar = o.JarPath ?? JarName(o.SparkVersion, o.MicrosoftSparkVersion);
        switch (shipping)
        {
            case DriverArchiveShipping.FromBaseUri:
                driverArgument = UnderBaseUri(o.DeployBaseUri, Path.GetFileName(o.DriverArchive!));
                // A Kubernetes driver pod sees nothing of this machine: the jar comes from the same folder.
                if (o.Master.StartsWith("k8s://", StringComparison.Ordinal)) jar = UnderBaseUri(o.DeployBaseUri, Path.GetFileName(jar));
                break;
            case DriverArchiveShipping.YarnFiles:
                // Localized into the application master's working folder, where DotnetRunner finds it by name.
                lines.Add("--files " + Quote(Path.GetFullPath(o.DriverArchive!)));
                driverArgument = Path.GetFileName(o.DriverArchive!);
                break;
            case DriverArchiveShipping.LocalPath:
                driverArgument = Path.GetFullPath(o.DriverArchive!);
                break;
        }

        lines.Add(Quote(jar));
        var app = driverArgument != null ? Quote(driverArgument) + " " + Quote(o.DriverExecutable) : "dotnet " + Quote(o.AppAssembly);
        lines.Add(app + string.Concat(o.AppArguments.Select(a => " " + Quote(a))));

        var command = new StringBuilder();
        if (shipping == DriverArchiveShipping.FromBaseUri)
        {
            // What the user uploads, as comment lines a shell ignores: the command names them under the base URI.
            command.Append("# upload to ").Append(o.DeployBaseUri).Append(": ").Append(Quote(Path.GetFullPath(o.DriverArchive!)));
            if (o.Master.StartsWith("k8s://", StringComparison.Ordinal)) command.Append(' ').Append(Quote(o.JarPath ?? JarName(o.SparkVersion, o.MicrosoftSparkVersion)));
            foreach (var upload in uploads) command.Append(' ').Append(Quote(upload));
            command.Append('\n');
        }
        if (envPrefix != null) command.Append(envPrefix).Append(' ');
        command.Append(string.Join(" \\\n  ", lines));
        return command.ToString();
    }

    // Where a cluster-mode driver takes environment variables from. Client mode, and standalone cluster mode
    // (whose driver command carries spark-submit's environment), inherit spark-submit's own.
    private static string? DriverEnvironmentConf(string master, bool cluster)
    {
        if (!cluster) return null;
        if (master.StartsWith("yarn", StringComparison.Ordinal)) return "spark.yarn.appMasterEnv.";
        if (master.StartsWith("k8s://", StringComparison.Ordinal)) return "spark.kubernetes.driverEnv.";
        if (master.StartsWith("mesos://", StringComparison.Ordinal)) return "spark.mesos.driverEnv.";
        return null;
    }

    // POSIX shell quoting, only where needed.
    internal static string Quote(string s) =>
        s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./:,=#@+%".IndexOf(c) >= 0)
            ? s : "'" + s.Replace("'", "'\\''") + "'";
}
