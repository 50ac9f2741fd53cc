using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Text.Json;
using SparkShip.Runtime;
using SparkShip.Tasks.Archives;
using SparkShip.Tasks.Hashing;

namespace SparkShip.Tasks.Writing;

public sealed class DriverArchiveRequest
{
    /// <summary>First part of the name (SparkBundleArchivePrefix).</summary>
    public string Prefix { get; set; } = "";
    /// <summary>The folder the archive goes to (under bin/).</summary>
    public string OutputDirectory { get; set; } = "";
    /// <summary>obj/…/sparkship/driver-archives.txt: the driver archives this project wrote, oldest first.</summary>
    public string RecordsFile { get; set; } = "";
    /// <summary>The publish output: (path inside the archive, source file). The last of two entries with one path wins, as the copy to the publish folder does.</summary>
    public IReadOnlyList<(string ArchivePath, string SourcePath)> Files { get; set; } = Array.Empty<(string, string)>();
    /// <summary>The file DotnetRunner runs (the apphost): it must be in <see cref="Files"/>.</summary>
    public string Executable { get; set; } = "";
    public string SdkVersion { get; set; } = "";
    /// <summary>The app layer's path in the publish output ("spark-bundle/App.app-….zip"): its manifest lists the dependency layer's files.</summary>
    public string AppLayerEntry { get; set; } = "";
    /// <summary>The dependency layer's path in the publish output, or empty (no package assets).</summary>
    public string DependencyLayerEntry { get; set; } = "";
    public int RetainCount { get; set; } = 3;
    public int MaxParallelism { get; set; } = Environment.ProcessorCount;
}

public sealed class DriverArchiveResult
{
    public string ArchivePath { get; set; } = "";
    public int FileCount { get; set; }
    public long Size { get; set; }
    public bool Written { get; set; }
    /// <summary>
    /// True when the archive carries the dependency layer's files as the publish's own (the layer archive left out);
    /// false when the layer travels inside it (<see cref="DependencyLayerNote"/> says why).
    /// </summary>
    public bool DependencyFilesCarried { get; set; }
    public string DependencyLayerNote { get; set; } = "";
    public List<Diagnostic> Diagnostics { get; } = new();
}

/// <summary>
/// The driver archive, "&lt;prefix&gt;.driver-&lt;hash&gt;.zip": what DotnetRunner accepts as its first argument in cluster
/// mode (unzipped into &lt;working dir&gt;/&lt;base name&gt;, the apphost found by name and run). The publish output as it is,
/// spark-bundle/ included, so the shim in a driver started from it finds the bundle next to the app as it does in
/// bin/. Content-addressed from its entries (path, size, content hash) and how they are compressed; written
/// atomically; an archive that exists under its name is never rewritten; only archives listed in the records file
/// are ever deleted.
/// One submission ships the dependency files once: the driver needs them loose, and when the publish holds every
/// file of the dependency layer at its layer path (a publish for the cluster's runtime does), the layer archive is
/// left out and the shim in the driver gives the executors the driver archive in its place (SparkBundleVerifier).
/// A layer file the publish holds elsewhere (a portable publish's runtimes/&lt;rid&gt;/native/) is added at its layer
/// path; if one is missing or differs, the layer archive stays inside, as before.
/// </summary>
public sealed class DriverArchiveWriter
{
    public const string RecordsFileName = "driver-archives.txt";
    private readonly FileHashCache _files;

    public DriverArchiveWriter(FileHashCache files) => _files = files;

    public DriverArchiveResult Write(DriverArchiveRequest request)
    {
        var result = new DriverArchiveResult();
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (archivePath, source) in request.Files)
        {
            var name = archivePath.Replace('\\', '/').TrimStart('/');
            if (name.Length == 0 || name.Split('/').Any(s => s == ".." || s == "."))
            {
                result.Diagnostics.Add(Diagnostics.UnsafeEntryName(archivePath, source));
                return result;
            }
            entries[name] = source;
        }
        if (!entries.ContainsKey(request.Executable))
        {
            result.Diagnostics.Add(Diagnostics.DriverArchiveNotWritten(request.Executable,
                $"the publish output has no '{request.Executable}' at its root, the executable DotnetRunner runs (UseAppHost is false?)"));
            return result;
        }

        try { CarryDependencyFiles(request, entries, result); }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            result.Diagnostics.Add(Diagnostics.InputUnreadable(FileSystemErrors.FileOf(e) ?? request.AppLayerEntry, e.Message));
            return result;
        }

        var text = new StringBuilder();
        text.Append("sparkship driver archive\nsdk\t").Append(request.SdkVersion).Append("\ndeflate\t").Append(BundleCompression.Describe()).Append('\n');
        var stamps = new List<FileStamp>();
        foreach (var pair in entries)
        {
            string name = pair.Key, source = pair.Value;
            try
            {
                var stamp = FileStamp.Of(source);
                stamps.Add(stamp);
                text.Append(name).Append('\t').Append(stamp.Length).Append('\t').Append(_files.GetHash(source)).Append('\n');
            }
            catch (Exception e) when (FileSystemErrors.Is(e))
            {
                result.Diagnostics.Add(Diagnostics.InputUnreadable(source, e.Message));
                return result;
            }
        }
        var archiveName = SparkBundleNames.Archive(request.Prefix, SparkBundleNames.DriverLayer, ContentHash.OfText(text.ToString()));
        Directory.CreateDirectory(request.OutputDirectory);
        AtomicFile.DeleteAbandonedTempFiles(request.OutputDirectory);
        var path = Path.Combine(request.OutputDirectory, archiveName);
        result.ArchivePath = path;
        result.FileCount = entries.Count;

        var sources = entries.Values.ToList();
        var outcome = ArchivePublisher.Write(path, entries.Select(e => new ZipEntrySource(e.Key, e.Value)).ToList(),
            BundleCompression.Options(request.MaxParallelism),
            // An input rewritten while zipping: the bytes may not be the ones the name stands for.
            _ => sources.Where((source, i) => !FileStamp.Of(source).Equals(stamps[i])).FirstOrDefault(),
            "driver archive", "publish again", result.Diagnostics);
        if (outcome == ArchivePublisher.Outcome.Failed) return result;
        result.Written = outcome == ArchivePublisher.Outcome.Written;
        result.Size = new FileInfo(path).Length;
        RecordAndPrune(request, archiveName);
        return result;
    }

    // Replaces the dependency layer archive in entries with the layer's files (by the app layer manifest's paths and
    // content hashes), where the publish has them all; otherwise leaves entries as they are and says why.
    private void CarryDependencyFiles(DriverArchiveRequest request, SortedDictionary<string, string> entries, DriverArchiveResult result)
    {
        var depsEntry = request.DependencyLayerEntry.Replace('\\', '/').TrimStart('/');
        var appEntry = request.AppLayerEntry.Replace('\\', '/').TrimStart('/');
        if (depsEntry.Length == 0 || !entries.ContainsKey(depsEntry)) { result.DependencyLayerNote = "no dependency layer"; return; }
        if (!entries.TryGetValue(appEntry, out var appLayer)) { result.DependencyLayerNote = "the publish output has no app layer"; return; }

        List<(string Path, string Hash)>? files;
        try { files = DependencyLayerFiles(appLayer, Path.GetFileName(depsEntry)); }
        catch (Exception e) when (e is InvalidDataException || e is JsonException || e is KeyNotFoundException || e is InvalidOperationException)
        {
            result.DependencyLayerNote = $"the app layer's manifest could not be read ({e.Message})";
            return;
        }
        if (files == null) { result.DependencyLayerNote = "the app layer's manifest does not describe this dependency layer"; return; }

        Dictionary<string, string>? byHash = null;
        var additions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, hash) in files)
        {
            if (entries.TryGetValue(path, out var source))
            {
                if (_files.GetHash(source) == hash) continue;
                result.DependencyLayerNote = $"'{path}' of the publish output is not the dependency layer's";
                return;
            }
            byHash ??= HashesOf(entries.Values);
            if (!byHash.TryGetValue(hash, out var copy))
            {
                result.DependencyLayerNote = $"the dependency layer's '{path}' is not in the publish output";
                return;
            }
            additions[path] = copy;
        }
        entries.Remove(depsEntry);
        foreach (var pair in additions) entries[pair.Key] = pair.Value;
        result.DependencyFilesCarried = true;
        result.DependencyLayerNote = additions.Count == 0 ? "" : $"{additions.Count} of its files added at their layer paths";
    }

    private Dictionary<string, string> HashesOf(IEnumerable<string> sources)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var hash = _files.GetHash(source);
            if (!map.ContainsKey(hash)) map[hash] = source;
        }
        return map;
    }

    // (path, content hash) of every file of the dependency layer, from the manifest in the app layer; null if it names another archive.
    private static List<(string, string)>? DependencyLayerFiles(string appLayer, string depsArchive)
    {
        using var zip = ZipFile.OpenRead(appLayer);
        var entry = zip.GetEntry(SparkBundleNames.ManifestEntry) ?? throw new InvalidDataException("no " + SparkBundleNames.ManifestEntry);
        using var stream = entry.Open();
        using var manifest = JsonDocument.Parse(stream);
        foreach (var layer in manifest.RootElement.GetProperty("layers").EnumerateArray())
        {
            if (layer.GetProperty("name").GetString() != SparkBundleNames.DependencyLayer) continue;
            if (layer.GetProperty("archive").GetString() != depsArchive) return null;
            return layer.GetProperty("files").EnumerateArray()
                .Select(f => (f.GetProperty("path").GetString()!, f.GetProperty("hash").GetString()!)).ToList();
        }
        return null;
    }

    // driver-archives.txt: one name a line, oldest first; rewritten only when it changes (a publish with no change writes nothing).
    private static void RecordAndPrune(DriverArchiveRequest request, string current)
    {
        var names = File.Exists(request.RecordsFile)
            ? File.ReadAllLines(request.RecordsFile).Select(l => l.Trim()).Where(l => l.Length > 0 && l != current).ToList()
            : new List<string>();
        names.Add(current);
        while (names.Count > Math.Max(1, request.RetainCount))
        {
            var old = Path.Combine(request.OutputDirectory, names[0]);
            try { if (File.Exists(old)) File.Delete(old); }
            catch (Exception e) when (FileSystemErrors.Is(e)) { break; /* kept, and listed, until a later publish can delete it */ }
            names.RemoveAt(0);
        }
        AtomicFile.WriteIfDifferent(request.RecordsFile, string.Concat(names.Select(n => n + "\n")));
    }
}
