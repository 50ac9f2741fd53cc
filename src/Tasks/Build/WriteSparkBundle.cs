using System;
using System.IO;
using System.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SparkShip.Tasks.Hashing;
using SparkShip.Tasks.Planning;
using SparkShip.Tasks.Writing;

namespace SparkShip.Tasks.Build;

/// <summary>Bundle step (after compile): writes the layers' archives and the manifest, and says so in one line.</summary>
public sealed class WriteSparkBundle : BundleIdentityTask
{
    /// <summary>The plan written by the identify step (obj/…/sparkship/plan.tsv), which may have been skipped in this build.</summary>
    [Required] public string PlanFile { get; set; } = "";
    [Required] public string BundleDirectory { get; set; } = "";
    [Required] public string StateDirectory { get; set; } = "";
    public int RetainCount { get; set; } = 3;
    /// <summary>Warn above this many megabytes of archives (decimals allowed; 0 or empty: never).</summary>
    public string SizeWarningThresholdMB { get; set; } = "";
    public string ProjectName { get; set; } = "";

    [Output] public ITaskItem[] Archives { get; private set; } = Array.Empty<ITaskItem>();
    [Output] public ITaskItem[] RetainedArchives { get; private set; } = Array.Empty<ITaskItem>();
    [Output] public string ManifestFile { get; private set; } = "";

    public override bool Execute()
    {
        var cache = FileHashCache.Load(Path.Combine(StateDirectory, "hashes.cache"));
        var request = new BundleWriteRequest
        {
            BundleDirectory = Path.GetFullPath(BundleDirectory),
            StateDirectory = Path.GetFullPath(StateDirectory),
            RetainCount = RetainCount,
            SizeWarningThreshold = ParseMegabytes(SizeWarningThresholdMB),
            Identity = Identity(),
        };

        if (AppArchive.Length == 0 || AppFingerprint.Length == 0)
            TaskSupport.Report(Log, Diagnostics.InputUnreadable(Path.Combine(StateDirectory, "identity.txt"), "it names no app archive; rebuild the project"));
        if (Log.HasLoggedErrors) return false;
        BundleWriteResult result;
        try
        {
            request.Files = BundlePlanFile.Read(PlanFile);
            result = new BundleWriter(cache).Write(request);
            cache.Save();
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            var file = (e as FileNotFoundException)?.FileName ?? BundleDirectory;
            TaskSupport.Report(Log, e is FileNotFoundException ? Diagnostics.InputUnreadable(file, e.Message) : Diagnostics.WriteFailed(file, e.Message));
            return false;
        }
        foreach (var d in result.Diagnostics) TaskSupport.Report(Log, d);
        if (Log.HasLoggedErrors) return false;

        Archives = result.Layers.Select(l => (ITaskItem)new TaskItem(l.ArchivePath)).ToArray();
        RetainedArchives = result.RetainedArchives.Select(p => (ITaskItem)new TaskItem(p)).ToArray();
        ManifestFile = result.ManifestPath;

        var layers = string.Join(", ", result.Layers.OrderBy(l => l.Name == BundleWriter.AppLayerName ? 0 : 1).Select(l =>
            $"{Path.GetFileName(l.ArchivePath)} ({l.FileCount} file{(l.FileCount == 1 ? "" : "s")}, {Diagnostics.FormatSize(l.ArchiveSize)}{(l.Written ? "" : ", unchanged")})"));
        Log.LogMessage(MessageImportance.High, $"  {ProjectName} Spark bundle -> {EnsureSlash(request.BundleDirectory)}: {layers}");
        return true;
    }

    private long ParseMegabytes(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return 0;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var mb) && mb >= 0)
            return (long)(mb * 1024 * 1024);
        TaskSupport.Report(Log, Diagnostics.InvalidSetting("SparkBundleSizeWarningThresholdMB", text, "a number of megabytes, such as 512"));
        return 0;
    }

    private static string EnsureSlash(string dir) => dir.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? dir : dir + Path.DirectorySeparatorChar;
}
