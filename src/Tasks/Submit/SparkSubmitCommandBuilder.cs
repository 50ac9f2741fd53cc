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

    public static string Build(SparkSubmitOptions o)
    {
        bool local = SparkConventions.Classify(o.Master) == SparkMasterKind.Local;
        bool cluster = string.Equals(o.DeployMode, "cluster", StringComparison.OrdinalIgnoreCase);
        var lines = new List<string>();
        string? envPrefix = null;

        lines.Add("spark-submit");
        lines.Add("--class " + DotnetRunner);
        lines.Add("--master " + Quote(o.Master));
        if (!local) lines.Add("--deploy-mode " + (cluster ? "cluster" : "client"));

        if (o.IncludeArchives && o.Archives.Count > 0 && local)
        {
            if (o.LocalFolders.Count != o.Archives.Count)
                throw new ArgumentException("A local master needs the bundle's layers unpacked on this machine: one folder per archive.");
            // spark-submit's environment is the driver's, which copies the variable into every UDF (spark-facts §2).
            envPrefix = SparkConventions.SearchPathVariable + "=" + Quote(string.Join(",", o.LocalFolders));
        }
        else if (o.IncludeArchives && o.Archives.Count > 0)
        {
            var aliases = o.Archives.Select(a => SparkBundleNames.AliasOf(Path.GetFileName(a))).ToList();
            lines.Add("--archives " + Quote(string.Join(",", o.Archives.Select((a, i) => SparkConventions.ArchiveUri(a) + "#" + aliases[i]))));
            // The driver copies its own DOTNET_ASSEMBLY_SEARCH_PATHS into every UDF: set it where the driver runs.
            var value = string.Join(",", aliases.Select(SparkConventions.ClusterSearchPathEntry));
            var driverEnv = DriverEnvironmentConf(o.Master, cluster);
            if (driverEnv != null) lines.Add("--conf " + Quote(driverEnv + SparkConventions.SearchPathVariable + "=" + value));
            else envPrefix = SparkConventions.SearchPathVariable + "=" + value;
        }

        lines.Add(Quote(o.JarPath ?? JarName(o.SparkVersion, o.MicrosoftSparkVersion)));
        lines.Add("dotnet " + Quote(o.AppAssembly) + string.Concat(o.AppArguments.Select(a => " " + Quote(a))));

        var command = new StringBuilder();
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
