using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using SparkShip.Tasks.Archives;
using SparkShip.Tasks.Hashing;
using SparkShip.Tasks.Planning;

namespace SparkShip.Tasks.Writing;

public sealed class BundleFileRef
{
    public BundleFileRef(string sourcePath, string archivePath, BundleLayer layer) { SourcePath = sourcePath; ArchivePath = archivePath; Layer = layer; }
    public string SourcePath { get; }
    public string ArchivePath { get; }
    public BundleLayer Layer { get; }
}

public sealed class BundleWriteRequest
{
    public string BundleDirectory { get; set; } = "";
    /// <summary>SparkShip's own folder under obj/: manifest, history of archives written, hash cache.</summary>
    public string StateDirectory { get; set; } = "";
    public BundleIdentity Identity { get; set; } = new();
    public IReadOnlyList<BundleFileRef> Files { get; set; } = Array.Empty<BundleFileRef>();
    /// <summary>How many archives of each layer to keep: older ones may still be in use by a running Spark job.</summary>
    public int RetainCount { get; set; } = 3;
    public long SizeWarningThreshold { get; set; }
    public int MaxParallelism { get; set; } = Environment.ProcessorCount;
}

public sealed class LayerResult
{
    public string Name { get; set; } = "";
    public string ArchivePath { get; set; } = "";
    public int FileCount { get; set; }
    public long ArchiveSize { get; set; }
    public bool Written { get; set; }
}

public sealed class BundleWriteResult
{
    public List<LayerResult> Layers { get; } = new();
    public List<Diagnostic> Diagnostics { get; } = new();
    public string ManifestPath { get; set; } = "";
    /// <summary>Archives this project wrote and still keeps (current ones included), full paths.</summary>
    public List<string> RetainedArchives { get; } = new();
}

/// <summary>
/// Writes the layers of a bundle: an archive appears at its final (content-addressed) name complete or not at all,
/// an archive that already exists under its name is kept as it is, and only archives this project wrote are ever deleted.
/// </summary>
public sealed class BundleWriter
{
    public const string AppLayerName = "app";
    public const string DependencyLayerName = "deps";
    public const string HistoryFileName = "archives.txt";
    public const string ManifestFileName = "manifest.json";

    private readonly FileHashCache _files;

    public BundleWriter(FileHashCache files) => _files = files;

    public BundleWriteResult Write(BundleWriteRequest request)
    {
        var result = new BundleWriteResult();
        var id = request.Identity;
        FileSizeLimit.ReportInsteadOfDying();
        Directory.CreateDirectory(request.BundleDirectory);
        Directory.CreateDirectory(request.StateDirectory);
        AtomicFile.DeleteAbandonedTempFiles(request.BundleDirectory);

        var manifest = new BundleManifest
        {
            FormatVersion = BundleIdentity.FormatVersion,
            SdkVersion = id.SdkVersion,
            AssemblyName = id.AssemblyName,
            TargetFramework = id.TargetFramework,
            ClusterRuntimeIdentifier = id.ClusterRuntimeIdentifier,
            SparkVersion = id.SparkVersion,
        };

        var depsFiles = Sorted(request.Files.Where(f => f.Layer == BundleLayer.Dependencies));
        var appFiles = Sorted(request.Files.Where(f => f.Layer == BundleLayer.App));

        // The dependency layer first: the app layer's manifest records its archive's size and hash. Each layer's
        // manifest entries (sizes, hashes) are read before its archive, which is published only if no input
        // changed in between (see WriteLayer).
        if (depsFiles.Count > 0)
        {
            var entry = ManifestLayer(DependencyLayerName, id.DependencyArchive, id.DependencyFingerprint, depsFiles, result, out var depsStamps);
            if (entry is null) return result;
            var layer = WriteLayer(request, DependencyLayerName, id.DependencyArchive, depsFiles, depsStamps, entry.Files, result);
            if (layer is null) return result;
            entry.ArchiveSize = layer.ArchiveSize;
            entry.ArchiveHash = ArchiveHash(request.StateDirectory, layer);
            manifest.Layers.Add(entry);
        }
        var appLayer = ManifestLayer(AppLayerName, id.AppArchive, id.AppFingerprint, appFiles, result, out var appStamps);
        if (appLayer is null) return result;
        manifest.Layers.Insert(0, appLayer);

        result.ManifestPath = Path.Combine(request.StateDirectory, ManifestFileName);
        try { AtomicFile.WriteIfDifferent(result.ManifestPath, manifest.ToJson()); }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            result.Diagnostics.Add(Diagnostics.WriteFailed(result.ManifestPath, e.Message));
            return result;
        }

        var appEntries = appFiles.Concat(new[] { new BundleFileRef(result.ManifestPath, BundleIdentity.ManifestEntryName, BundleLayer.App) }).ToList();
        if (WriteLayer(request, AppLayerName, id.AppArchive, appEntries, appStamps, appLayer.Files, result) is null) return result;

        UpdateHistory(request, result);

        long total = result.Layers.Sum(l => l.ArchiveSize);
        if (request.SizeWarningThreshold > 0 && total > request.SizeWarningThreshold)
            result.Diagnostics.Add(Diagnostics.BundleTooLarge(request.BundleDirectory, total, request.SizeWarningThreshold));
        return result;
    }

    private static List<BundleFileRef> Sorted(IEnumerable<BundleFileRef> files) =>
        files.OrderBy(f => f.ArchivePath, StringComparer.Ordinal).ToList();

    /// <param name="stamps">Each file's size and time, taken before it was hashed: what the archive must still find.</param>
    private BundleManifest.Layer? ManifestLayer(string name, string archive, string fingerprint, List<BundleFileRef> files, BundleWriteResult result,
        out InputStamp[] stamps)
    {
        var layer = new BundleManifest.Layer { Name = name, Archive = archive, Fingerprint = fingerprint };
        stamps = new InputStamp[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            var f = files[i];
            try
            {
                stamps[i] = InputStamp.Of(f.SourcePath);
                layer.Files.Add(new BundleManifest.FileEntry(f.ArchivePath, stamps[i].Length, _files.GetHash(f.SourcePath)));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // An input that vanished or became unreadable since identify is that input's problem (SSHIP0007,
                // naming it); escaping from here, anything but "file not found" was reported as SSHIP0006 about
                // the output folder ("free disk space").
                result.Diagnostics.Add(Diagnostics.InputUnreadable(f.SourcePath, e.Message));
                return null;
            }
        }
        return layer;
    }

    /// <param name="stamps">For the first <c>stamps.Length</c> files: size and time when the manifest read them.</param>
    /// <param name="described">For the same files: what the manifest says about them.</param>
    public const string ArchiveHashesFileName = "archive-hashes.txt";

    /// <summary>
    /// The hash of an archive this project wrote, recorded once ("name TAB size TAB hash" lines). Names are
    /// content-addressed, so a recorded hash stays true while the size matches; reading it back spares re-reading
    /// the whole (unchanged) archive after its timestamp was refreshed, which the path/size/time cache cannot.
    /// </summary>
    private string ArchiveHash(string stateDirectory, LayerResult layer)
    {
        var name = Path.GetFileName(layer.ArchivePath);
        var file = Path.Combine(stateDirectory, ArchiveHashesFileName);
        var lines = File.Exists(file) ? File.ReadAllLines(file).Where(l => l.Length > 0).ToList() : new List<string>();
        foreach (var parts in lines.Select(l => l.Split('\t')))
            if (parts.Length == 3 && parts[0] == name && parts[1] == layer.ArchiveSize.ToString(CultureInfo.InvariantCulture))
                return parts[2];
        var hash = _files.GetHash(layer.ArchivePath);
        lines.RemoveAll(l => l.StartsWith(name + "\t", StringComparison.Ordinal));
        lines.Add(name + "\t" + layer.ArchiveSize.ToString(CultureInfo.InvariantCulture) + "\t" + hash);
        AtomicFile.WriteIfDifferent(file, string.Join("\n", lines.Skip(Math.Max(0, lines.Count - 32))) + "\n");
        return hash;
    }

    private LayerResult? WriteLayer(BundleWriteRequest request, string name, string archiveName, List<BundleFileRef> files, InputStamp[] stamps,
        IReadOnlyList<BundleManifest.FileEntry> described, BundleWriteResult result)
    {
        var path = Path.Combine(request.BundleDirectory, archiveName);
        var layer = new LayerResult { Name = name, ArchivePath = path, FileCount = files.Count };
        if (File.Exists(path))
        {
            // Content-addressed: the name already stands for these bytes. Refresh the time only, so that
            // MSBuild's Inputs/Outputs check sees the bundle as up to date. Best effort: on a read-only volume
            // this failed the build, blaming the bundle folder, over an archive that needed no writing (the
            // archive is complete and current; at worst the target runs again next time).
            try { File.SetLastWriteTimeUtc(path, DateTime.UtcNow); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
        }
        else
        {
            var temp = AtomicFile.NewTempPath(path);
            try
            {
                IReadOnlyList<ZipEntryResult> written;
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
                {
                    written = DeterministicZipWriter.Write(stream, files.Select(f => new ZipEntrySource(f.ArchivePath, f.SourcePath)).ToList(),
                        BundleCompression.Options(request.MaxParallelism));
                    stream.Flush(true);
                }
                // An input rewritten meanwhile (by another build, a generator, an editor) gave the archive other bytes
                // than the manifest describes: such an archive was published under a name that a later build keeps, and
                // the runtime refuses it. Publish only if every input still has the size and time it had when hashed,
                // or, rewritten, still holds exactly the bytes described and zipped.
                var changed = ChangedInput(files, stamps, described, written);
                if (changed != null)
                {
                    result.Diagnostics.Add(Diagnostics.InputUnreadable(changed,
                        "it changed while the bundle was being written (is another build or process writing it?), so nothing was published; build again"));
                    return null;
                }
                try { File.Move(temp, path); }
                catch (IOException) when (File.Exists(path)) { /* a concurrent build published the same name: same bytes */ }
                layer.Written = true;
            }
            catch (ZipSourceException e)
            {
                // An input that could not be read while zipping (vanished, replaced by a named pipe, I/O error) is
                // SSHIP0007 about that input; it was reported as SSHIP0006 about the archive, with "free disk space".
                result.Diagnostics.Add(Diagnostics.InputUnreadable(e.SourcePath, (e.InnerException ?? e).Message));
                return null;
            }
            catch (ArgumentOutOfRangeException e) when (e.ParamName == "value")
            {
                // .NET reports EFBIG (the write went past the file-size limit, `ulimit -f`, or the file system's
                // largest file) as ArgumentOutOfRangeException("value"); it escaped as a task crash.
                result.Diagnostics.Add(Diagnostics.WriteFailed(path, "the file is too large for the file system or for the file-size limit of the build (ulimit -f)"));
                return null;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                var culprit = e is FileNotFoundException fnf && fnf.FileName != null ? fnf.FileName : path;
                result.Diagnostics.Add(Diagnostics.WriteFailed(path, e.Message + (culprit != path ? $" ('{culprit}')" : "")));
                return null;
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
        layer.ArchiveSize = new FileInfo(path).Length;
        result.Layers.Add(layer);
        return layer;
    }

    /// <summary>The first input whose bytes in the archive may not be the ones its manifest entry describes, or null.</summary>
    private static string? ChangedInput(List<BundleFileRef> files, InputStamp[] stamps, IReadOnlyList<BundleManifest.FileEntry> described,
        IReadOnlyList<ZipEntryResult> written)
    {
        for (int i = 0; i < stamps.Length; i++)
        {
            var path = files[i].SourcePath;
            if (written[i].Size != described[i].Size) return path;
            try
            {
                if (InputStamp.Of(path).Equals(stamps[i])) continue;
                // Rewritten since it was hashed — a concurrent build of the same project recompiles or copies the
                // same deterministic bytes. Fine if it still holds exactly what the manifest describes and what was
                // zipped: same length, same content hash, same CRC-32.
                var (length, hash, crc) = ReadHashAndCrc(path);
                if (length != described[i].Size || hash != described[i].Hash || crc != written[i].Crc32) return path;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return path; }
        }
        return null;
    }

    private static (long Length, string Hash, uint Crc) ReadHashAndCrc(string path)
    {
        RegularFile.EnsureRegular(path);
        var hash = new System.IO.Hashing.XxHash128();
        var crc = new System.IO.Hashing.Crc32();
        long length = 0;
        var buffer = new byte[1 << 16];
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.SequentialScan))
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                hash.Append(new ReadOnlySpan<byte>(buffer, 0, read));
                crc.Append(new ReadOnlySpan<byte>(buffer, 0, read));
                length += read;
            }
        }
        return (length, ContentHash.ToHex(hash.GetCurrentHash()), crc.GetCurrentHashAsUInt32());
    }

    /// <summary>Size and modification time of an input: every write changes the time, as the hash cache also assumes.</summary>
    private readonly struct InputStamp : IEquatable<InputStamp>
    {
        private InputStamp(long length, long ticks) { Length = length; Ticks = ticks; }
        public long Length { get; }
        public long Ticks { get; }

        public static InputStamp Of(string path)
        {
            var info = LinkedFile.Resolve(path); // what a reader gets: a link's target
            return new InputStamp(info.Length, info.LastWriteTimeUtc.Ticks); // Length throws FileNotFoundException if it is gone
        }

        public bool Equals(InputStamp other) => Length == other.Length && Ticks == other.Ticks;
        public override bool Equals(object? obj) => obj is InputStamp other && Equals(other);
        public override int GetHashCode() => Length.GetHashCode() ^ Ticks.GetHashCode();
    }

    /// <summary>
    /// Records the archives this project wrote (obj/…/archives.txt, oldest first) and deletes the ones beyond
    /// RetainCount per layer. Only names in that history are ever deleted: never a file SparkShip did not write.
    /// </summary>
    private static void UpdateHistory(BundleWriteRequest request, BundleWriteResult result)
    {
        var historyPath = Path.Combine(request.StateDirectory, HistoryFileName);
        var history = File.Exists(historyPath) ? File.ReadAllLines(historyPath).Where(l => l.Length > 0).ToList() : new List<string>();
        foreach (var layer in result.Layers)
        {
            var name = Path.GetFileName(layer.ArchivePath);
            history.RemoveAll(h => string.Equals(h, name, StringComparison.Ordinal));
            history.Add(name);
        }

        var keep = new List<string>();
        foreach (var group in history.GroupBy(LayerOf))
        {
            var names = group.ToList();
            int drop = Math.Max(0, names.Count - Math.Max(1, request.RetainCount));
            foreach (var old in names.Take(drop))
            {
                var oldPath = Path.Combine(request.BundleDirectory, old);
                try { if (File.Exists(oldPath)) File.Delete(oldPath); }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { keep.Add(old); continue; }
            }
            keep.AddRange(names.Skip(drop));
        }
        var ordered = history.Where(keep.Contains).ToList();
        AtomicFile.WriteIfDifferent(historyPath, string.Join("\n", ordered) + "\n");
        result.RetainedArchives.AddRange(ordered.Select(n => Path.Combine(request.BundleDirectory, n)).Where(File.Exists));
    }

    // "<prefix>.app-<hash>.zip" → "app"; history lines of other shapes form their own group.
    private static string LayerOf(string archiveName)
    {
        int dash = archiveName.LastIndexOf('-');
        int dot = dash > 0 ? archiveName.LastIndexOf('.', dash) : -1;
        return dot >= 0 ? archiveName.Substring(dot + 1, dash - dot - 1) : archiveName;
    }
}

/// <summary>
/// A write past the file-size limit (`ulimit -f`) makes the kernel send SIGXFSZ, whose default action kills the
/// process: the whole build died with exit code 153 and no message at all (the partial temporary file was left for
/// the next build to delete). With a handler installed the write fails with EFBIG instead, which SparkShip reports
/// as SSHIP0006 naming the archive. The handler is process-wide and kept for the life of the process: a signal
/// that arrived just before an unregistration would still take the default action.
/// </summary>
internal static class FileSizeLimit
{
#if NET
    private static System.Runtime.InteropServices.PosixSignalRegistration? _registration;
    private const int SigXfsz = 25; // Linux (all but MIPS) and macOS
#endif

    public static void ReportInsteadOfDying()
    {
#if NET
        if (_registration != null || !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())) return;
        try
        {
            var registration = System.Runtime.InteropServices.PosixSignalRegistration.Create(
                (System.Runtime.InteropServices.PosixSignal)SigXfsz, context => context.Cancel = true);
            if (System.Threading.Interlocked.CompareExchange(ref _registration, registration, null) != null) registration.Dispose();
        }
        catch (Exception e) when (e is PlatformNotSupportedException || e is IOException || e is ArgumentOutOfRangeException)
        {
            // Not possible here: a limit then ends the build as before, with no partial archive at a final name.
        }
#endif
    }
}
