using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SparkShip.Runtime;
using SparkShip.Tasks.Submit;
using SparkShip.Tasks.Writing;

namespace SparkShip.Tasks.Build;

/// <summary>Prints the spark-submit command line for the built app (target SparkSubmitCommand).</summary>
public sealed class PrintSparkSubmitCommand : SparkShipTask
{
    [Required] public string Master { get; set; } = "";
    /// <summary>SparkMaster=databricks: the running cluster the job runs on (SparkDatabricksClusterId).</summary>
    public string DatabricksClusterId { get; set; } = "";
    public string ProjectFile { get; set; } = "";
    public string ClusterRuntimeIdentifier { get; set; } = "";
    public string DeployMode { get; set; } = "client";
    [Required] public string SparkVersion { get; set; } = "";
    public string MicrosoftSparkVersion { get; set; } = "";
    /// <summary>Folders where the microsoft-spark jar may be (the output, the Microsoft.Spark package's jars/).</summary>
    public string[] JarFolders { get; set; } = Array.Empty<string>();
    [Required] public string AppAssembly { get; set; } = "";
    public ITaskItem[] Archives { get; set; } = Array.Empty<ITaskItem>();
    public bool IncludeArchives { get; set; }
    public string[] AppArguments { get; set; } = Array.Empty<string>();
    /// <summary>Where a local master's flat copies of the layers go (under obj/): one folder per archive name.</summary>
    public string LocalFolderRoot { get; set; } = "";
    /// <summary>archives.txt: the archives the bundle step keeps; flat copies of any other archive are removed.</summary>
    public string ArchivesFile { get; set; } = "";
    /// <summary>Cluster deploy mode: the driver archive publish wrote (SparkDriverArchivePath), or empty.</summary>
    public string DriverArchive { get; set; } = "";
    /// <summary>The apphost's file name in the driver archive.</summary>
    public string DriverExecutable { get; set; } = "";
    /// <summary>SparkDeployBaseUri: where the user uploads the driver archive.</summary>
    public string DeployBaseUri { get; set; } = "";
    /// <summary>SparkWorkerArchive as the build checked it (a full local path or a URI), or empty.</summary>
    public string WorkerArchive { get; set; } = "";
    public string WorkerArchiveVersion { get; set; } = "";

    protected override void ExecuteCore()
    {
        if (DatabricksJobSettings.IsDatabricks(Master)) { PrintDatabricksJob(); return; }
        string command;
        var archives = Archives.Select(a => a.GetMetadata("FullPath")).ToList();
        var localFolders = new List<string>();
        var localWorker = "";
        if (IncludeArchives && SparkConventions.Classify(Master) == SparkMasterKind.Local)
        {
            // A local master's executors search absolute folders only (spark-facts §4): unpack the layers here, as the
            // shim does in the user cache, so that the printed command runs as printed.
            foreach (var archive in archives)
            {
                var folder = Path.Combine(LocalFolderRoot, SparkBundleNames.AliasOf(Path.GetFileName(archive)));
                try { FlatBundleCache.Ensure(archive, folder); }
                catch (SparkBundleException e)
                {
                    Report(Diagnostics.WriteFailed(folder, e.InnerException?.Message ?? e.Message));
                    return;
                }
                localFolders.Add(folder);
            }
            // The worker archive too, as the shim does in the user cache: the command's DOTNET_WORKER_DIR names it.
            if (WorkerArchive.Length > 0 && SparkWorkerRelease.IsLocal(WorkerArchive))
            {
                localWorker = Path.Combine(LocalFolderRoot, SparkWorkerRelease.AliasOfSpec(WorkerArchive));
                try { FlatBundleCache.Ensure(SparkWorkerRelease.LocalPath(WorkerArchive), localWorker, SparkWorkerRelease.Extract, SparkWorkerRelease.EntryNames); }
                catch (SparkBundleException e)
                {
                    Report(Diagnostics.WriteFailed(localWorker, e.InnerException?.Message ?? e.Message));
                    return;
                }
            }
            RemoveFlatCopiesOfArchivesNoLongerKept();
        }
        var baseUriProblem = SparkSubmitCommandBuilder.CheckDeployBaseUri(DeployBaseUri);
        if (baseUriProblem != null)
        {
            Report(Diagnostics.InvalidSetting("SparkDeployBaseUri", DeployBaseUri, baseUriProblem));
            return;
        }
        try
        {
            var jarName = SparkSubmitCommandBuilder.JarName(SparkVersion, MicrosoftSparkVersion);
            var jar = JarFolders.Select(f => Path.Combine(f, jarName)).FirstOrDefault(File.Exists);
            var options = new SparkSubmitOptions
            {
                Master = Master,
                DeployMode = DeployMode,
                SparkVersion = SparkVersion,
                MicrosoftSparkVersion = MicrosoftSparkVersion,
                JarPath = jar,
                AppAssembly = AppAssembly,
                Archives = archives,
                IncludeArchives = IncludeArchives,
                LocalFolders = localFolders,
                AppArguments = AppArguments,
                DriverArchive = DriverArchive.Length > 0 ? DriverArchive : null,
                DriverExecutable = DriverExecutable,
                DeployBaseUri = DeployBaseUri,
                WorkerArchive = WorkerArchive,
                WorkerArchiveVersion = WorkerArchiveVersion,
                LocalWorkerFolder = localWorker,
            };
            if (SparkSubmitCommandBuilder.ShippingOf(options) == DriverArchiveShipping.LocalPath)
                Report(Diagnostics.DriverArchiveOnlyWhereThePathIsSeen(Master, Path.GetFullPath(DriverArchive)));
            command = SparkSubmitCommandBuilder.Build(options);
        }
        catch (ArgumentException e)
        {
            Report(Diagnostics.InvalidSetting("SparkVersion", SparkVersion, e.Message));
            return;
        }
        Log.LogMessage(MessageImportance.High, command);
    }

    // Not a spark-submit command: the Jobs API settings of a job on a running Databricks cluster (DatabricksJobSettings).
    private void PrintDatabricksJob()
    {
        var project = ProjectFile.Length > 0 ? ProjectFile : null;
        if (DriverArchive.Length == 0) { Report(Diagnostics.DatabricksWithoutDriverArchive(project, ClusterRuntimeIdentifier)); return; }
        var problem = DatabricksJobSettings.CheckDeployBaseUri(DeployBaseUri);
        if (problem != null) { Report(Diagnostics.DatabricksDeployBaseUriInvalid(project, problem)); return; }
        string jarName;
        try { jarName = SparkSubmitCommandBuilder.JarName(SparkVersion, MicrosoftSparkVersion); }
        catch (ArgumentException e) { Report(Diagnostics.InvalidSetting("SparkVersion", SparkVersion, e.Message)); return; }
        Log.LogMessage(MessageImportance.High, DatabricksJobSettings.Print(new DatabricksJobOptions
        {
            AppName = Path.GetFileNameWithoutExtension(AppAssembly),
            DriverArchive = DriverArchive,
            DriverExecutable = DriverExecutable,
            JarPath = JarFolders.Select(f => Path.Combine(f, jarName)).FirstOrDefault(File.Exists),
            JarName = jarName,
            DeployBaseUri = DeployBaseUri,
            ClusterId = DatabricksClusterId,
            AppArguments = AppArguments,
            WorkerArchive = WorkerArchive,
        }));
    }

    // Only folders SparkShip unpacked (named as an archive, holding its file list), of archives retention removed.
    private void RemoveFlatCopiesOfArchivesNoLongerKept()
    {
        var kept = new HashSet<string>(ArchiveRecords.Load(ArchivesFile).Names.Select(SparkBundleNames.AliasOf), StringComparer.Ordinal);
        foreach (var folder in Directory.EnumerateDirectories(LocalFolderRoot))
        {
            var name = Path.GetFileName(folder);   // a temporary folder of a concurrent unpack has a longer name
            if (kept.Contains(name) || SparkBundleNames.LayerOf(name + ".zip") is null || !File.Exists(Path.Combine(folder, FlatBundleCache.ListFile))) continue;
            try { Directory.Delete(folder, recursive: true); }
            catch (Exception e) when (FileSystemErrors.Is(e)) { Log.LogMessage(MessageImportance.Low, $"SparkShip: could not remove '{folder}': {e.Message}"); }
        }
    }

    protected override Diagnostic Describe(Exception e) => Diagnostics.InputUnreadable(AppAssembly, e.Message);
}
