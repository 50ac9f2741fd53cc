using System;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using SparkShip.Tasks.Hashing;
using SparkShip.Tasks.Writing;

namespace SparkShip.Tasks.Build;

/// <summary>Publish step: <see cref="DriverArchiveWriter"/> over the publish list, and one line that says what it wrote.</summary>
public sealed class WriteSparkDriverArchive : SparkShipTask
{
    /// <summary>What the publish copies (ResolvedFileToPublish), each with its RelativePath.</summary>
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string Prefix { get; set; } = "";
    [Required] public string OutputDirectory { get; set; } = "";
    [Required] public string RecordsFile { get; set; } = "";
    [Required] public string HashCacheFile { get; set; } = "";
    /// <summary>The apphost's file name, which DotnetRunner finds and runs.</summary>
    [Required] public string Executable { get; set; } = "";
    /// <summary>The layers' paths in the publish output (SparkBundleDir/name); the dependency layer's empty without one.</summary>
    public string AppLayerEntry { get; set; } = "";
    public string DependencyLayerEntry { get; set; } = "";
    public int RetainCount { get; set; } = 3;
    public string ProjectName { get; set; } = "";

    [Output] public string ArchivePath { get; set; } = "";

    protected override void ExecuteCore()
    {
        var cache = FileHashCache.Load(HashCacheFile);
        var result = new DriverArchiveWriter(cache).Write(new DriverArchiveRequest
        {
            Prefix = Prefix,
            OutputDirectory = Path.GetFullPath(OutputDirectory),
            RecordsFile = Path.GetFullPath(RecordsFile),
            Files = Files.Select(f => (f.GetMetadata("RelativePath"), f.GetMetadata("FullPath"))).ToList(),
            Executable = Executable,
            SdkVersion = SdkVersion,
            AppLayerEntry = AppLayerEntry,
            DependencyLayerEntry = DependencyLayerEntry,
            RetainCount = RetainCount,
        });
        cache.Save();
        Report(result.Diagnostics);
        if (result.Diagnostics.Count > 0) return;
        ArchivePath = result.ArchivePath;
        Log.LogMessage(MessageImportance.High,
            $"  {ProjectName} driver archive -> {result.ArchivePath} ({result.FileCount} files, {Diagnostics.FormatSize(result.Size)}{(result.Written ? "" : ", unchanged")})");
        Log.LogMessage(MessageImportance.Normal, result.DependencyFilesCarried
            ? $"SparkShip: the driver archive carries the dependency layer's files itself, and the executors get it in the layer's place{(result.DependencyLayerNote.Length > 0 ? " (" + result.DependencyLayerNote + ")" : "")}."
            : $"SparkShip: the driver archive holds the dependency layer archive ({result.DependencyLayerNote}).");
    }

    protected override Diagnostic Describe(Exception e)
    {
        var file = FileSystemErrors.FileOf(e);
        return file != null ? Diagnostics.InputUnreadable(file, e.Message) : Diagnostics.WriteFailed(OutputDirectory, e.Message);
    }
}
