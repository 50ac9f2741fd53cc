using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
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
    public int RetainCount { get; set; } = 3;
    public int MaxParallelism { get; set; } = Environment.ProcessorCount;
}

public sealed class DriverArchiveResult
{
    public string ArchivePath { get; set; } = "";
    public int FileCount { get; set; }
    public long Size { get; set; }
    public bool Written { get; set; }
    public List<Diagnostic> Diagnostics { get; } = new();
}

/// <summary>
/// The driver archive, "&lt;prefix&gt;.driver-&lt;hash&gt;.zip": what DotnetRunner accepts as its first argument in cluster
/// mode (unzipped into &lt;working dir&gt;/&lt;base name&gt;, the apphost found by name and run). The publish output as it is,
/// spark-bundle/ included, so the shim in a driver started from it finds the bundle next to the app as it does in
/// bin/. Content-addressed from its entries (path, size, content hash) and how they are compressed; written
/// atomically; an archive that exists under its name is never rewritten; only archives listed in the records file
/// are ever deleted.
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

        if (!File.Exists(path))
        {
            var temp = AtomicFile.NewTempPath(path);
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
                {
                    DeterministicZipWriter.Write(stream, entries.Select(e => new ZipEntrySource(e.Key, e.Value)).ToList(), BundleCompression.Options(request.MaxParallelism));
                    stream.Flush(true);
                }
                // An input rewritten while zipping: the bytes may not be the ones the name stands for.
                int i = 0;
                foreach (var source in entries.Values)
                {
                    if (!FileStamp.Of(source).Equals(stamps[i++]))
                    {
                        result.Diagnostics.Add(Diagnostics.InputUnreadable(source,
                            "it changed while the driver archive was being written (is another build or process writing it?), so nothing was published; publish again"));
                        return result;
                    }
                }
                try { File.Move(temp, path); }
                catch (IOException) when (File.Exists(path)) { /* a concurrent publish wrote the same name: same bytes */ }
                result.Written = true;
            }
            catch (ZipSourceException e)
            {
                result.Diagnostics.Add(Diagnostics.InputUnreadable(e.SourcePath, (e.InnerException ?? e).Message));
                return result;
            }
            catch (Exception e) when (FileSystemErrors.Is(e))
            {
                result.Diagnostics.Add(Diagnostics.WriteFailed(path, e.Message));
                return result;
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
        result.Size = new FileInfo(path).Length;
        RecordAndPrune(request, archiveName);
        return result;
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
