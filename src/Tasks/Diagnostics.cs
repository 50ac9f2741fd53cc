using System;

namespace SparkShip.Tasks;

public enum DiagnosticSeverity { Message, Warning, Error }

/// <summary>A coded SparkShip diagnostic. Every code is documented in docs/diagnostics.md.</summary>
public sealed class Diagnostic
{
    public Diagnostic(string code, DiagnosticSeverity severity, string? file, string message)
    {
        Code = code;
        Severity = severity;
        File = file;
        Message = message;
    }

    public string Code { get; }
    public DiagnosticSeverity Severity { get; }
    /// <summary>The file the diagnostic is about (shown as the location in build output), if any.</summary>
    public string? File { get; }
    public string Message { get; }

    public override string ToString() => $"{Code} ({Severity}) {File}: {Message}";
}

/// <summary>The one place where SparkShip's diagnostic codes and their texts live.</summary>
public static class Diagnostics
{
    public const string HelpLink = "https://github.com/sparkship/SparkShip.Sdk/blob/main/docs/diagnostics.md";

    public static Diagnostic FrameworkTooNew(string file, string assemblyFramework, string workerFramework) => new(
        "SSHIP0001", DiagnosticSeverity.Error, file,
        $"'{file}' targets {assemblyFramework}, newer than the Spark worker's {workerFramework}: Microsoft.Spark.Worker cannot load it, " +
        $"although a local run may work. Target {workerFramework} (or lower) for everything the executors run, or set " +
        "SparkWorkerTargetFramework if your cluster's worker really runs a newer framework.");

    public static Diagnostic NoNativeAssetsForRid(string packageId, string clusterRid, string availableRids) => new(
        "SSHIP0002", DiagnosticSeverity.Warning, null,
        $"Package '{packageId}' ships native libraries for {availableRids} but none for the cluster runtime '{clusterRid}': " +
        "code that needs them will fail on the executors with DllNotFoundException. Set SparkClusterRuntimeIdentifier to the " +
        "executors' runtime identifier, or reference a package version that supports it.");

    public static Diagnostic NameCollision(string archivePath, string firstSource, string secondSource) => new(
        "SSHIP0003", DiagnosticSeverity.Error, secondSource,
        $"Two different files would land at '{archivePath}' in the flat Spark bundle: '{firstSource}' and '{secondSource}'. " +
        "The worker searches folders flat, so only one can be loaded. Remove one of them with a SparkBundleExclude item, " +
        "or align the package versions so both are the same file.");

    public static Diagnostic SparkMajorMismatch(string sparkVersion, string workerVersion) => new(
        "SSHIP0004", DiagnosticSeverity.Error, null,
        $"The app references Microsoft.Spark {sparkVersion} but SparkWorkerVersion is {workerVersion}: driver and worker must share " +
        "the major version (checked by the worker at task start). Reference a Microsoft.Spark version with the worker's major " +
        "version, or correct SparkWorkerVersion.");

    public static Diagnostic BundleTooLarge(string folder, long bytes, long thresholdBytes) => new(
        "SSHIP0005", DiagnosticSeverity.Warning, folder,
        $"The Spark bundle is {FormatSize(bytes)}, above SparkBundleSizeWarningThresholdMB ({FormatSize(thresholdBytes)}): every " +
        "executor fetches it. Exclude what the executors do not need with SparkBundleExclude items, or raise the threshold.");

    public static Diagnostic WriteFailed(string file, string cause) => new(
        "SSHIP0006", DiagnosticSeverity.Error, file,
        $"Could not write '{file}': {cause}. Nothing was left at that name; the previous archives are untouched. " +
        "Free disk space or fix permissions on the output folder, then build again.");

    public static Diagnostic InputUnreadable(string file, string cause) => new(
        "SSHIP0007", DiagnosticSeverity.Error, file,
        $"Could not read '{file}', which belongs in the Spark bundle: {cause}. Make the file readable, or exclude it with a " +
        "SparkBundleExclude item.");

    public static Diagnostic NotDeterministic(string project) => new(
        "SSHIP0008", DiagnosticSeverity.Warning, project,
        "Deterministic is false: the compiler output changes on every compile, so a bundle name (derived from the inputs) " +
        "cannot stand for exact bytes. Remove <Deterministic>false</Deterministic>.");

    // The targets raise SSHIP0009 too, with the same shape of text, for the options they check before any task runs
    // (_SparkShipValidateOptions): a build where nothing changed must load no task.
    public static Diagnostic InvalidSetting(string property, string value, string expected) => new(
        "SSHIP0009", DiagnosticSeverity.Error, null,
        $"{property} is '{value}', which is not valid: {expected}.");

    public static Diagnostic UnsafeEntryName(string archivePath, string source) => new(
        "SSHIP0010", DiagnosticSeverity.Error, source,
        $"'{source}' would be stored as '{archivePath}', which is not a safe relative path inside an archive (absolute, '..', or empty). " +
        "Give the item a plain relative TargetPath or ArchivePath.");

    public static Diagnostic LikelySecret(string file, string archivePath) => new(
        "SSHIP0011", DiagnosticSeverity.Warning, file,
        $"'{file}' looks like a secret (certificate, private key, user secrets or .env file) and would be shipped to every " +
        $"executor as '{archivePath}'. If it must not leave this machine, exclude it: <SparkBundleExclude Include=\"{archivePath}\" />; " +
        "if it is meant to be shipped, silence this warning with NoWarn.");

    public static Diagnostic SymlinkOutsideInputs(string file, string target) => new(
        "SSHIP0012", DiagnosticSeverity.Warning, file,
        $"'{file}' is a symbolic link to '{target}', outside the project and its packages: SparkShip does not follow it, and " +
        "left it out of the bundle. Copy the file into the project, or add its real path with a SparkBundleInclude item.");

    // The worker's own assemblies win (spark-facts §1): a higher version in the bundle is never what the executors run.
    public static Diagnostic HigherThanWorkerPackage(string packageId, string appVersion, string workerVersion, string sparkVersion, string? file, bool leftOut) => new(
        "SSHIP0013", DiagnosticSeverity.Warning, file,
        $"The app resolves {packageId} {appVersion}, higher than the {workerVersion} that Microsoft.Spark {sparkVersion} declares: " +
        $"Microsoft.Spark.Worker carries {packageId} {workerVersion} itself and always loads its own copy, so on the executors " +
        $"code built against {appVersion} runs against {workerVersion} (members added since fail with MissingMethodException or " +
        $"TypeLoadException, or the assembly fails to load).{(leftOut ? $" SparkShip left {packageId} out of the bundle." : "")} Reference {packageId} " +
        $"{workerVersion}, or run a worker that carries {appVersion}; silence with NoWarn if the code the executors run never needs it.");

    public static Diagnostic HigherThanWorkerFramework(string assemblyName, string appVersion, string frameworkVersion, string framework, string file) => new(
        "SSHIP0013", DiagnosticSeverity.Warning, file,
        $"The app resolves {assemblyName} {appVersion} ('{file}'), higher than the {frameworkVersion} of the shared framework " +
        $"{framework} that Microsoft.Spark.Worker runs on: the worker's framework copy wins, so on the executors code built against " +
        $"{appVersion} runs against {frameworkVersion} (members added since fail with MissingMethodException), or {assemblyName} " +
        $"fails to load. Reference a package version whose assembly is {frameworkVersion} or lower (the framework's own copy " +
        "suffices), or set SparkWorkerTargetFramework if your cluster's worker runs a newer framework.");

    public static Diagnostic SharedFrameworkMissingOnWorker(string framework, string broughtBy, string workerFramework, string? file) => new(
        "SSHIP0014", DiagnosticSeverity.Error, file,
        $"{broughtBy} needs the shared framework {framework} (a FrameworkReference), which Microsoft.Spark.Worker does not have: " +
        $"it runs on Microsoft.NETCore.App ({workerFramework}) only, so the executors cannot load code that uses {framework}. " +
        $"Nothing was written. Move the code the executors run into a library without that FrameworkReference (or use a package " +
        "that does not need it), and reference that library instead.");

    public static Diagnostic WorkerArchiveMajorMismatch(string archive, string archiveVersion, string sparkVersion) => new(
        "SSHIP0015", DiagnosticSeverity.Error, archive,
        $"The worker archive '{archive}' (SparkWorkerArchive) holds Microsoft.Spark.Worker {archiveVersion}, but the app references " +
        $"Microsoft.Spark {sparkVersion}: driver and worker must share the major version (the worker checks it at task start and fails " +
        "every task). Nothing was written. Download the worker release of your Microsoft.Spark version " +
        $"(Microsoft.Spark.Worker.<tfm>.<rid>-{sparkVersion}.tar.gz or .zip), or reference the Microsoft.Spark version of that worker.");

    public static Diagnostic WorkerArchiveVersionUnknown(string archive) => new(
        "SSHIP0015", DiagnosticSeverity.Error, archive,
        $"The version of the worker archive '{archive}' (SparkWorkerArchive) cannot be told from its name, and a URI's content is not " +
        "read at build time: it must share Microsoft.Spark's major version, and it names the folder the driver points DOTNET_WORKER_DIR at. " +
        "Nothing was written. Keep the release's file name, Microsoft.Spark.Worker.<tfm>.<rid>-<version>.tar.gz (or .zip).");

    public static Diagnostic WorkerArchiveNotFound(string path) => new(
        "SSHIP0016", DiagnosticSeverity.Error, path,
        $"The worker archive '{path}' (SparkWorkerArchive) does not exist. Nothing was written. Set SparkWorkerArchive to the " +
        "Microsoft.Spark.Worker release archive you downloaded (a path, relative to the project, or a URI the cluster can read).");

    public static Diagnostic WorkerArchiveWithoutExecutable(string path, string? cause) => new(
        "SSHIP0016", DiagnosticSeverity.Error, path,
        $"The worker archive '{path}' (SparkWorkerArchive) is not a Microsoft.Spark.Worker release: " +
        (cause != null ? $"it cannot be read as an archive ({cause})" : "it holds no Microsoft.Spark.Worker-<version>/Microsoft.Spark.Worker (or .exe)") +
        ", so the executors would have no worker to start. Nothing was written. Use the release archive as downloaded " +
        "(Microsoft.Spark.Worker.<tfm>.<rid>-<version>.tar.gz or .zip from dotnet/spark's releases), not a repacked folder.");

    public static Diagnostic WorkerArchiveUnreadableBySpark(string archive, string what) => new(
        "SSHIP0017", DiagnosticSeverity.Error, archive,
        $"The worker archive '{archive}' (SparkWorkerArchive) cannot be shipped by Spark: {what}. Nothing was written. Give a local " +
        $"path or a URI with a scheme Spark fetches ({string.Join(", ", SparkShip.Runtime.SparkWorkerRelease.Schemes)}), naming a " +
        ".tar.gz, .tgz, .tar or .zip file.");
    public static Diagnostic WorkerArchiveWrongRuntime(string archive, string releaseRid, string source, string clusterRid, string releaseName) => new(
        "SSHIP0020", DiagnosticSeverity.Error, archive,
        $"The worker archive '{archive}' (SparkWorkerArchive) is a Microsoft.Spark.Worker release for {releaseRid} ({source}), " +
        $"which the executors' runtime {clusterRid} (SparkClusterRuntimeIdentifier) cannot run: every task with a UDF would fail " +
        $"to start the worker. Nothing was written. Download the release for {clusterRid} ({releaseName}) and point " +
        "SparkWorkerArchive at it, or, if the executors really run that runtime, set SparkClusterRuntimeIdentifier to their " +
        "runtime identifier.");

    // The targets raise SSHIP0018 too, with the same shape of text, when the publish is not for the cluster's runtime.
    public static Diagnostic DriverArchiveNotWritten(string file, string cause) => new(
        "SSHIP0018", DiagnosticSeverity.Warning, file,
        $"No driver archive was written for this publish: {cause}. Cluster deploy modes need it (DotnetRunner runs the app's " +
        "apphost for the cluster's runtime from it): publish with -r <SparkClusterRuntimeIdentifier> --self-contained false " +
        "and UseAppHost left on, or set SparkDriverArchive to false if you do not submit in cluster mode.");

    public static Diagnostic DriverArchiveOnlyWhereThePathIsSeen(string master, string archive) => new(
        "SSHIP0019", DiagnosticSeverity.Warning, archive,
        $"The printed cluster-mode command for {master} names the driver archive by its path on this machine, '{archive}': " +
        "the driver runs on a cluster host, and DotnetRunner can copy the archive from there only if that host sees this path " +
        "(a shared file system)" + (master.StartsWith("k8s://", StringComparison.Ordinal) ? ", which a Kubernetes driver pod does not" : "") +
        ". Set SparkDeployBaseUri to a folder the cluster reads (for example hdfs:///apps/wordcount/ or s3a://bucket/apps/) and " +
        "upload the archive there: the command then names it under that URI.");

    public static Diagnostic DatabricksDeployBaseUriInvalid(string? project, string problem) => new(
        "SSHIP0021", DiagnosticSeverity.Error, project,
        $"The Databricks job (SparkMaster=databricks) names the driver archive and the microsoft-spark jar under SparkDeployBaseUri, but {problem}. " +
        "Set SparkDeployBaseUri to the DBFS folder you upload them to (for example dbfs:/apps/wordcount/), or to an abfss:, s3a: or " +
        "gs: folder the cluster reads.");

    public static Diagnostic DatabricksWithoutDriverArchive(string? project, string clusterRid) => new(
        "SSHIP0021", DiagnosticSeverity.Error, project,
        "The Databricks job (SparkMaster=databricks) runs the app from the driver archive, and the publish wrote none (SSHIP0018: " +
        $"its apphost is not for the cluster's runtime {clusterRid}, or SparkDriverArchive is false). Build with -r {clusterRid} " +
        "(on a Windows or macOS machine) and with SparkDriverArchive left true.");

    public static string FormatSize(long bytes)
    {
        if (bytes < 1024) return bytes + " B";
        double value = bytes;
        string[] units = { "KB", "MB", "GB", "TB" };
        int unit = -1;
        while (value >= 1024 && unit < units.Length - 1) { value /= 1024; unit++; }
        return value.ToString(value >= 100 ? "0" : "0.0", System.Globalization.CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
