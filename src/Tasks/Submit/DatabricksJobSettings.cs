using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SparkShip.Tasks.Submit;

public sealed class DatabricksJobOptions
{
    /// <summary>The job's name and task key (the assembly name).</summary>
    public string AppName { get; set; } = "";
    /// <summary>Full path of the driver archive publish wrote (&lt;prefix&gt;.driver-&lt;hash&gt;.zip).</summary>
    public string DriverArchive { get; set; } = "";
    /// <summary>The apphost's file name in the driver archive (DotnetRunner's second argument).</summary>
    public string DriverExecutable { get; set; } = "";
    /// <summary>The microsoft-spark jar on this machine, if found.</summary>
    public string? JarPath { get; set; }
    /// <summary>The jar's file name (<see cref="SparkSubmitCommandBuilder.JarName"/>).</summary>
    public string JarName { get; set; } = "";
    /// <summary>SparkDeployBaseUri: where the user uploads the driver archive and the jar (dbfs:/apps/wordcount/).</summary>
    public string DeployBaseUri { get; set; } = "";
    /// <summary>SparkDatabricksClusterId: the running cluster the job runs on; empty prints a placeholder.</summary>
    public string ClusterId { get; set; } = "";
    public IReadOnlyList<string> AppArguments { get; set; } = Array.Empty<string>();
    /// <summary>SparkWorkerArchive as the build checked it (a full local path or a URI), or empty.</summary>
    public string WorkerArchive { get; set; } = "";
}

/// <summary>
/// The Databricks job that runs the app (SparkMaster=databricks): Jobs API 2.1 settings (POST /api/2.1/jobs/create,
/// `databricks jobs create --json`), a spark_jar_task on an existing cluster with DotnetRunner as its main class, the
/// microsoft-spark jar as its library, and DotnetRunner's arguments as parameters: the driver archive, the apphost's
/// name, the app's arguments. Databricks starts the JVM driver (the SparkContext exists before the app), DotnetRunner
/// unzips the driver archive and runs the apphost, whose shim then attaches the bundle with SparkContext.AddArchive.
/// Both files are named under SparkDeployBaseUri, where the user uploads them: the driver archive is fetched by
/// DotnetRunner through Hadoop's FileSystem (a dbfs: URI goes to DBFS; a path without a scheme would go to the
/// cluster's default file system, not to the /dbfs mount), and a job library must be a URI Databricks reads.
/// Not run against Databricks here: the JSON follows the Jobs API's documented fields.
/// </summary>
public static class DatabricksJobSettings
{
    /// <summary>The SparkMaster value that prints the Databricks job (not a Spark master URL: Databricks owns the cluster).</summary>
    public const string Master = "databricks";
    public const string ClusterIdPlaceholder = "<your cluster id: SparkDatabricksClusterId>";

    /// <summary>Schemes a Databricks job library and DotnetRunner's Hadoop download both read.</summary>
    public static readonly string[] Schemes = { "dbfs", "abfss", "abfs", "wasbs", "s3", "s3a", "gs" };

    public static bool IsDatabricks(string master) => string.Equals((master ?? "").Trim(), Master, StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when the base URI is one the job can name its files under, else what is expected.</summary>
    public static string? CheckDeployBaseUri(string baseUri)
    {
        var value = (baseUri ?? "").Trim();
        if (value.Length == 0) return "it is empty, and a Databricks job can only name files the cluster reads";
        var scheme = SparkShip.Runtime.SparkWorkerRelease.SchemeOf(value) ?? "";
        if (!Schemes.Contains(scheme, StringComparer.Ordinal) || SparkSubmitCommandBuilder.CheckDeployBaseUri(value) != null)
            return $"'{value}' is not a dbfs: URI (or {string.Join(", ", Schemes.Skip(1).Select(s => s + ":"))} the cluster reads)";
        return null;
    }

    /// <summary>The URIs the job names, and the local files to upload there.</summary>
    public static (string DriverArchiveUri, string JarUri) Uris(DatabricksJobOptions o) =>
        (SparkSubmitCommandBuilder.UnderBaseUri(o.DeployBaseUri, Path.GetFileName(o.DriverArchive)),
         SparkSubmitCommandBuilder.UnderBaseUri(o.DeployBaseUri, o.JarName));

    /// <summary>The Jobs API 2.1 job settings, as JSON (System.Text.Json: every value escaped as JSON wants it).</summary>
    public static string Json(DatabricksJobOptions o)
    {
        var (driverUri, jarUri) = Uris(o);
        var buffer = new MemoryStream();
        // Relaxed escaping: the text is printed for a person to read and paste, never embedded in HTML.
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("name", o.AppName);
            w.WriteStartArray("tasks");
            w.WriteStartObject();
            w.WriteString("task_key", TaskKey(o.AppName));
            w.WriteString("existing_cluster_id", o.ClusterId.Length > 0 ? o.ClusterId : ClusterIdPlaceholder);
            w.WriteStartObject("spark_jar_task");
            w.WriteString("main_class_name", SparkSubmitCommandBuilder.DotnetRunner);
            w.WriteStartArray("parameters");
            w.WriteStringValue(driverUri);
            w.WriteStringValue(o.DriverExecutable);
            foreach (var argument in o.AppArguments) w.WriteStringValue(argument);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartArray("libraries");
            w.WriteStartObject();
            w.WriteString("jar", jarUri);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>What the build prints: the files to upload (comment lines), how to create the job, then the JSON.</summary>
    public static string Print(DatabricksJobOptions o)
    {
        var jar = o.JarPath ?? o.JarName + " (from the Microsoft.Spark package's jars/ folder)";
        var text = new StringBuilder();
        text.Append("# Databricks job (Jobs API 2.1). Upload to ").Append(o.DeployBaseUri).Append(": ")
            .Append(SparkSubmitCommandBuilder.Quote(Path.GetFullPath(o.DriverArchive))).Append(' ').Append(jar).Append('\n');
        text.Append("# then create the job with these settings: databricks jobs create --json @<file>, or POST /api/2.1/jobs/create\n");
        if (o.ClusterId.Length == 0) text.Append("# (existing_cluster_id: set SparkDatabricksClusterId, or fill it in)\n");
        // The executors need the worker; a local SparkWorkerArchive is compiled in by its path here, which the
        // Databricks driver does not have (SSHIP1008 there).
        if (o.WorkerArchive.Length == 0)
            text.Append("# the executors need Microsoft.Spark.Worker: set SparkWorkerArchive to the release uploaded to DBFS (a dbfs: URI), or install it with dotnet/spark's db-init.sh\n");
        else if (SparkShip.Runtime.SparkWorkerRelease.IsLocal(o.WorkerArchive))
            text.Append("# SparkWorkerArchive is a file on this machine, which the Databricks driver does not have (SSHIP1008): upload it to DBFS and set SparkWorkerArchive to its dbfs: URI\n");
        text.Append(Json(o));
        return text.ToString();
    }

    // A task key is letters, digits, '_' and '-' (the Jobs API's pattern).
    private static string TaskKey(string name)
    {
        var key = new string((name ?? "").Select(c => c < 128 && (char.IsLetterOrDigit(c) || c == '_' || c == '-') ? c : '_').ToArray());
        return key.Length > 0 ? key : "app";
    }
}
