using System;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SparkShip.Tasks.Submit;

namespace SparkShip.Tasks.Build;

/// <summary>Prints the spark-submit command line for the built app (target SparkSubmitCommand).</summary>
public sealed class PrintSparkSubmitCommand : SparkShipTask
{
    [Required] public string Master { get; set; } = "";
    public string DeployMode { get; set; } = "client";
    [Required] public string SparkVersion { get; set; } = "";
    public string MicrosoftSparkVersion { get; set; } = "";
    /// <summary>Folders where the microsoft-spark jar may be (the output, the Microsoft.Spark package's jars/).</summary>
    public string[] JarFolders { get; set; } = Array.Empty<string>();
    [Required] public string AppAssembly { get; set; } = "";
    public ITaskItem[] Archives { get; set; } = Array.Empty<ITaskItem>();
    public bool IncludeArchives { get; set; }
    public string[] AppArguments { get; set; } = Array.Empty<string>();

    protected override void ExecuteCore()
    {
        string command;
        try
        {
            var jarName = SparkSubmitCommandBuilder.JarName(SparkVersion, MicrosoftSparkVersion);
            var jar = JarFolders.Select(f => System.IO.Path.Combine(f, jarName)).FirstOrDefault(System.IO.File.Exists);
            command = SparkSubmitCommandBuilder.Build(new SparkSubmitOptions
            {
                Master = Master,
                DeployMode = DeployMode,
                SparkVersion = SparkVersion,
                MicrosoftSparkVersion = MicrosoftSparkVersion,
                JarPath = jar,
                AppAssembly = AppAssembly,
                Archives = Archives.Select(a => a.GetMetadata("FullPath")).ToList(),
                IncludeArchives = IncludeArchives,
                AppArguments = AppArguments,
            });
        }
        catch (ArgumentException e)
        {
            Report(Diagnostics.InvalidSetting("SparkVersion", SparkVersion, e.Message));
            return;
        }
        Log.LogMessage(MessageImportance.High, command);
    }

    protected override Diagnostic Describe(Exception e) => Diagnostics.InputUnreadable(AppAssembly, e.Message);
}
