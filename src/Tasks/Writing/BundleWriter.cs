using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using SparkShip.Runtime;
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
    /// <summary>obj/…/sparkship/archives.txt: what this project wrote (<see cref="ArchiveRecords"/>).</summary>
    public string ArchivesFile { get; set; } = "";
    public BundleIdentity Identity { get; set; } = new();
    public IReadOnlyList<BundleFileRef> Files { get; set; } = Array.Empty<BundleFileRef>();
    /// <summary>How many archives of each layer to keep: older ones may still be in use by a running Spark job.</summary>
    public int RetainCount { get; set; } = 3;
    public long SizeWarningThreshold { get; set; }
    public int MaxParallelism { get; set; } = Environment.ProcessorCount;
    public CancellationToken CancellationToken { get; set; }
}

public sealed class LayerResult
{
    public BundleLayer Layer { get; set; }
    public string Name => Layer.Name();
    public string ArchivePath { get; set; } = "";
    public int FileCount { get; set; }
    public long ArchiveSize { get; set; }
    public bool Written { get; set; }
}

public sealed class BundleWriteResult
{
    public List<LayerResult> Layers { get; } = new();
    public List<Diagnostic> Diagnostics { get; } = new();
    /// <summary>The manifest the app layer holds (as <see cref="SparkBundleNames.ManifestEntry"/>).</summary>
    public string ManifestJson { get; set; } = "";
    /// <summary>Archives this project wrote and still keeps (current ones included), full paths.</summary>
    public List<string> RetainedArchives { get; } = new();
}

/// <summary>
/// Writes the layers of a bundle: an archive appears at its final (content-addressed) name complete or not at all,
/// an archive that already exists under its name is kept as it is, and only archives this project wrote are ever deleted.
/// </summary>
public sealed class BundleWriter
{
    private readonly FileHashCache _files;

    public BundleWriter(FileHashCache files) => _files = files;

    /// <exception cref="OperationCanceledException">The request's token was cancelled: nothing was published.</exception>
    public BundleWriteResult Write(BundleWriteRequest request)
    {
        var result = new BundleWriteResult();
        var id = request.Identity;
        FileSizeLimit.ReportInsteadOfDying();
        Directory.CreateDirectory(request.BundleDirectory);
        AtomicFile.DeleteAbandonedTempFiles(request.BundleDirectory);
        var records = ArchiveRecords.Load(request.ArchivesFile);

        var manifest = new BundleManifest
        {
            FormatVersion = BundleIdentity.FormatVersion,
            SdkVersion = id.SdkVersion,
            AssemblyName = id.AssemblyName,
            TargetFramework = id.TargetFramework,
            ClusterRuntimeIdentifier = id.ClusterRuntimeIdentifier,
            SparkVersion = id.SparkVersion,
        };

        // The dependency layer first: the app layer's manifest records its archive's size and hash. Each layer's
        // manifest entries (sizes, hashes) are read before its archive, which is published only if no input
        // changed in between (see WriteLayer).
        var depsFiles = Sorted(request.Files, BundleLayer.Dependencies);
        if (depsFiles.Count > 0)
        {
            var entry = ManifestLayer(BundleLayer.Dependencies, id, depsFiles, result, out var depsStamps);
            if (entry is null) return result;
            var layer = WriteLayer(request, BundleLayer.Dependencies, depsFiles, depsStamps, entry.Files, result);
            if (layer is null) return result;
            entry.ArchiveSize = layer.ArchiveSize;
            (entry.ArchiveHash, entry.ArchiveSha256) = ArchiveHashes(records, layer);
            manifest.Layers.Add(entry);
        }
        var appFiles = Sorted(request.Files, BundleLayer.App);
        var appLayer = ManifestLayer(BundleLayer.App, id, appFiles, result, out var appStamps);
        if (appLayer is null) return result;
        manifest.Layers.Insert(0, appLayer);
        result.ManifestJson = manifest.ToJson();

        var appEntries = appFiles.Select(f => new ZipEntrySource(f.ArchivePath, f.SourcePath))
            .Append(new ZipEntrySource(SparkBundleNames.ManifestEntry, new UTF8Encoding(false).GetBytes(result.ManifestJson))).ToList();
        if (WriteLayer(request, BundleLayer.App, appFiles, appStamps, appLayer.Files, result, appEntries) is null) return result;

        RecordAndPrune(request, records, result);

        long total = result.Layers.Sum(l => l.ArchiveSize);
        if (request.SizeWarningThreshold > 0 && total > request.SizeWarningThreshold)
            result.Diagnostics.Add(Diagnostics.BundleTooLarge(request.BundleDirectory, total, request.SizeWarningThreshold));
        return result;
    }

    private static List<BundleFileRef> Sorted(IEnumerable<BundleFileRef> files, BundleLayer layer) =>
        files.Where(f => f.Layer == layer).OrderBy(f => f.ArchivePath, StringComparer.Ordinal).ToList();

    /// <param name="stamps">Each file's stamp, taken before it was hashed: what the archive must still find.</param>
    private BundleManifest.Layer? ManifestLayer(BundleLayer layer, BundleIdentity id, List<BundleFileRef> files, BundleWriteResult result,
        out FileStamp[] stamps)
    {
        var entry = new BundleManifest.Layer { Name = layer.Name(), Archive = id.ArchiveOf(layer), Fingerprint = id.FingerprintOf(layer) };
        stamps = new FileStamp[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            var f = files[i];
            try
            {
                stamps[i] = FileStamp.Of(f.SourcePath);
                var hash = _files.GetHash(f.SourcePath);
                if (layer == BundleLayer.App)
                {
                    // What the driver checks each unpacked entry against: the app layer cannot hold its own checksum.
                    var read = ReadDigests(f.SourcePath);
                    entry.Files.Add(new BundleManifest.FileEntry(f.ArchivePath, stamps[i].Length, hash, read.Sha256, read.Crc));
                }
                else entry.Files.Add(new BundleManifest.FileEntry(f.ArchivePath, stamps[i].Length, hash));
            }
            catch (Exception e) when (FileSystemErrors.Is(e))
            {
                // An input that vanished or became unreadable since identify: that input's problem, not the output folder's.
                result.Diagnostics.Add(Diagnostics.InputUnreadable(f.SourcePath, e.Message));
                return null;
            }
        }
        return entry;
    }

    /// <summary>
    /// The content hash and driver checksum of an archive this project wrote: recorded in archives.txt once, read
    /// back while the size matches (an app-only edit never re-reads the dependency archive).
    /// </summary>
    private (string Hash, string Sha256) ArchiveHashes(ArchiveRecords records, LayerResult layer)
    {
        var name = Path.GetFileName(layer.ArchivePath);
        var (hash, sha256) = records.HashesOf(name, layer.ArchiveSize);
        if (hash != null && sha256 != null) return (hash, sha256);
        var read = ReadDigests(layer.ArchivePath);
        records.Touch(name, layer.ArchiveSize, read.Hash, read.Sha256);
        return (read.Hash, read.Sha256);
    }

    /// <param name="stamps">For the layer's files: their stamps when the manifest read them.</param>
    /// <param name="described">For the same files: what the manifest says about them.</param>
    /// <param name="entries">What the archive holds, when more than the files (the app layer's manifest, last).</param>
    private LayerResult? WriteLayer(BundleWriteRequest request, BundleLayer layerKind, List<BundleFileRef> files, FileStamp[] stamps,
        IReadOnlyList<BundleManifest.FileEntry> described, BundleWriteResult result, IReadOnlyList<ZipEntrySource>? entries = null)
    {
        entries ??= files.Select(f => new ZipEntrySource(f.ArchivePath, f.SourcePath)).ToList();
        var path = Path.Combine(request.BundleDirectory, request.Identity.ArchiveOf(layerKind));
        var layer = new LayerResult { Layer = layerKind, ArchivePath = path, FileCount = entries.Count };
        // Content-addressed: an archive that exists already holds these bytes. It is never rewritten, re-stamped or
        // touched while it is kept, so sync tools (aws s3 sync, azcopy sync, rsync's quick check) see it unchanged;
        // archives.txt, not the archives, is the bundle step's up-to-date stamp.
        var options = BundleCompression.Options(request.MaxParallelism);
        options.CancellationToken = request.CancellationToken;
        // An input rewritten meanwhile (by another build, a generator, an editor) would give the archive other bytes
        // than the manifest describes, under a name a later build keeps and the runtime refuses: publish only if every
        // input still has the stamp it had when hashed, or still holds exactly the bytes described and zipped.
        var outcome = ArchivePublisher.Write(path, entries, options, written => ChangedInput(files, stamps, described, written),
            "bundle", "build again", result.Diagnostics);
        if (outcome == ArchivePublisher.Outcome.Failed) return null;
        layer.Written = outcome == ArchivePublisher.Outcome.Written;
        layer.ArchiveSize = new FileInfo(path).Length;
        result.Layers.Add(layer);
        return layer;
    }

    /// <summary>The first input whose bytes in the archive may not be the ones its manifest entry describes, or null.</summary>
    private static string? ChangedInput(List<BundleFileRef> files, FileStamp[] stamps, IReadOnlyList<BundleManifest.FileEntry> described,
        IReadOnlyList<ZipEntryResult> written)
    {
        for (int i = 0; i < stamps.Length; i++)
        {
            var path = files[i].SourcePath;
            if (written[i].Size != described[i].Size) return path;
            try
            {
                if (FileStamp.Of(path).Equals(stamps[i])) continue;
                // Rewritten since it was hashed: a concurrent build of the same project recompiles or copies the same
                // deterministic bytes. Fine if it still holds exactly what the manifest describes and what was zipped.
                var read = ReadDigests(path);
                if (read.Length != described[i].Size || read.Hash != described[i].Hash || read.Crc != written[i].Crc32) return path;
                if (described[i].Sha256 != null && read.Sha256 != described[i].Sha256) return path;
            }
            catch (Exception e) when (FileSystemErrors.Is(e)) { return path; }
        }
        return null;
    }

    /// <summary>One read of a file: its length, content hash, CRC-32 and driver checksum (<see cref="SparkBundleChecksum"/>'s SHA-256).</summary>
    private static (long Length, string Hash, uint Crc, string Sha256) ReadDigests(string path)
    {
        RegularFile.EnsureRegular(path);
        var hash = new System.IO.Hashing.XxHash128();
        var crc = new System.IO.Hashing.Crc32();
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        long length = 0;
        var buffer = new byte[1 << 16];
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.SequentialScan))
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                hash.Append(new ReadOnlySpan<byte>(buffer, 0, read));
                crc.Append(new ReadOnlySpan<byte>(buffer, 0, read));
                sha.AppendData(buffer, 0, read);
                length += read;
            }
        }
        return (length, ContentHash.ToHex(hash.GetCurrentHash()), crc.GetCurrentHashAsUInt32(), ContentHash.ToHex(sha.GetHashAndReset()));
    }

    /// <summary>
    /// Records the archives written or kept by this build as the newest in archives.txt, and deletes the ones beyond
    /// RetainCount per layer: only names listed there, so never a file SparkShip did not write.
    /// </summary>
    private static void RecordAndPrune(BundleWriteRequest request, ArchiveRecords records, BundleWriteResult result)
    {
        foreach (var layer in result.Layers) records.Touch(Path.GetFileName(layer.ArchivePath));
        foreach (var group in records.Names.GroupBy(n => SparkBundleNames.LayerOf(n) ?? n).ToList())
        {
            var names = group.ToList();
            foreach (var old in names.Take(Math.Max(0, names.Count - Math.Max(1, request.RetainCount))))
            {
                try
                {
                    var oldPath = Path.Combine(request.BundleDirectory, old);
                    if (File.Exists(oldPath)) File.Delete(oldPath);
                    records.Remove(old);
                }
                catch (Exception e) when (FileSystemErrors.Is(e)) { /* kept, and listed, until a later build can delete it */ }
            }
        }
        records.Save(request.ArchivesFile);
        result.RetainedArchives.AddRange(records.Names.Select(n => Path.Combine(request.BundleDirectory, n)).Where(File.Exists));
    }
}

/// <summary>
/// A write past the file-size limit (`ulimit -f`) makes the kernel send SIGXFSZ, whose default action kills the
/// process: the build would die with exit code 153 and no message. With a handler installed the write fails with
/// EFBIG instead, which SparkShip reports as SSHIP0006 naming the archive. The handler is process-wide and kept for the life of the process: a signal
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
