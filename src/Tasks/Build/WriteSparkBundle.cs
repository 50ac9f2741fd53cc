using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.Build.Framework;
using SparkShip.Tasks.Hashing;
using SparkShip.Tasks.Planning;
using SparkShip.Tasks.Writing;

namespace SparkShip.Tasks.Build;

/// <summary>Bundle step (after compile): <see cref="BundleWriter"/> over identity.txt and plan.tsv, and one line that says what it wrote.</summary>
public sealed class WriteSparkBundle : SparkShipTask, ICancelableTask
{
    /// <summary>obj/…/sparkship/identity.txt, as the identify step wrote it (in this build or an earlier one).</summary>
    [Required] public string IdentityFile { get; set; } = "";
    /// <summary>obj/…/sparkship/plan.tsv, likewise.</summary>
    [Required] public string PlanFile { get; set; } = "";
    [Required] public string HashCacheFile { get; set; } = "";
    /// <summary>obj/…/sparkship/archives.txt: the archives this project wrote (see <see cref="ArchiveRecords"/>).</summary>
    [Required] public string ArchivesFile { get; set; } = "";
    [Required] public string BundleDirectory { get; set; } = "";
    public int RetainCount { get; set; } = 3;
    /// <summary>Warn above this many megabytes of archives (decimals allowed; 0 or empty: never).</summary>
    public string SizeWarningThresholdMB { get; set; } = "";
    public string ProjectName { get; set; } = "";

    private readonly CancellationTokenSource _cancel = new();

    /// <summary>Ctrl+C in MSBuild: the archive being written is abandoned (its temporary file deleted), nothing is published.</summary>
    public void Cancel() => _cancel.Cancel();

    protected override void ExecuteCore()
    {
        var threshold = ParseMegabytes(SizeWarningThresholdMB);
        if (Log.HasLoggedErrors) return;
        if (!TryRead(IdentityFile, BundleIdentityFile.Read, out var identity) || !TryRead(PlanFile, BundlePlanFile.Read, out var files)) return;
        var request = new BundleWriteRequest
        {
            BundleDirectory = Path.GetFullPath(BundleDirectory),
            ArchivesFile = Path.GetFullPath(ArchivesFile),
            RetainCount = RetainCount,
            SizeWarningThreshold = threshold,
            Identity = identity,
            Files = files,
            CancellationToken = _cancel.Token,
        };
        var cache = FileHashCache.Load(HashCacheFile);
        BundleWriteResult result;
        try
        {
            result = new BundleWriter(cache).Write(request);
        }
        catch (OperationCanceledException)
        {
            Log.LogMessage(MessageImportance.High, $"  {ProjectName} Spark bundle: cancelled, nothing published.");
            return;
        }
        cache.Save();
        Report(result.Diagnostics);
        if (Log.HasLoggedErrors) return;

        var layers = string.Join(", ", result.Layers.OrderBy(l => l.Layer).Select(l =>
            $"{Path.GetFileName(l.ArchivePath)} ({l.FileCount} file{(l.FileCount == 1 ? "" : "s")}, {Diagnostics.FormatSize(l.ArchiveSize)}{(l.Written ? "" : ", unchanged")})"));
        Log.LogMessage(MessageImportance.High, $"  {ProjectName} Spark bundle -> {EnsureSlash(request.BundleDirectory)}: {layers}");
    }

    protected override Diagnostic Describe(Exception e)
    {
        var file = FileSystemErrors.FileOf(e);
        return file != null ? Diagnostics.InputUnreadable(file, e.Message) : Diagnostics.WriteFailed(BundleDirectory, e.Message);
    }

    private long ParseMegabytes(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return 0;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var mb) && mb >= 0)
            return (long)(mb * 1024 * 1024);
        Report(Diagnostics.InvalidSetting("SparkBundleSizeWarningThresholdMB", text, "a number of megabytes, such as 512"));
        return 0;
    }

    private static string EnsureSlash(string dir) => dir.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? dir : dir + Path.DirectorySeparatorChar;
}
