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
            RetainCount = RetainCount,
        });
        cache.Save();
        Report(result.Diagnostics);
        if (result.Diagnostics.Count > 0) return;
        ArchivePath = result.ArchivePath;
        Log.LogMessage(MessageImportance.High,
            $"  {ProjectName} driver archive -> {result.ArchivePath} ({result.FileCount} files, {Diagnostics.FormatSize(result.Size)}{(result.Written ? "" : ", unchanged")})");
    }

    protected override Diagnostic Describe(Exception e)
    {
        var file = FileSystemErrors.FileOf(e);
        return file != null ? Diagnostics.InputUnreadable(file, e.Message) : Diagnostics.WriteFailed(OutputDirectory, e.Message);
    }
}
