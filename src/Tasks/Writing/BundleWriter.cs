using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SparkShip.Tasks.Archives;
using SparkShip.Tasks.Hashing;
using SparkShip.Tasks.Planning;

namespace SparkShip.Tasks.Writing
{
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

            // The dependency layer first: the app layer's manifest records its archive's size and hash.
            if (depsFiles.Count > 0)
            {
                var layer = WriteLayer(request, DependencyLayerName, id.DependencyArchive, depsFiles, result);
                if (layer is null) return result;
                var entry = ManifestLayer(DependencyLayerName, id.DependencyArchive, id.DependencyFingerprint, depsFiles);
                entry.ArchiveSize = layer.ArchiveSize;
                entry.ArchiveHash = _files.GetHash(layer.ArchivePath);
                manifest.Layers.Add(entry);
            }
            manifest.Layers.Insert(0, ManifestLayer(AppLayerName, id.AppArchive, id.AppFingerprint, appFiles));

            result.ManifestPath = Path.Combine(request.StateDirectory, ManifestFileName);
            try { AtomicFile.WriteIfDifferent(result.ManifestPath, manifest.ToJson()); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                result.Diagnostics.Add(Diagnostics.WriteFailed(result.ManifestPath, e.Message));
                return result;
            }

            var appEntries = appFiles.Concat(new[] { new BundleFileRef(result.ManifestPath, BundleIdentity.ManifestEntryName, BundleLayer.App) }).ToList();
            if (WriteLayer(request, AppLayerName, id.AppArchive, appEntries, result) is null) return result;

            UpdateHistory(request, result);

            long total = result.Layers.Sum(l => l.ArchiveSize);
            if (request.SizeWarningThreshold > 0 && total > request.SizeWarningThreshold)
                result.Diagnostics.Add(Diagnostics.BundleTooLarge(request.BundleDirectory, total, request.SizeWarningThreshold));
            return result;
        }

        private static List<BundleFileRef> Sorted(IEnumerable<BundleFileRef> files) =>
            files.OrderBy(f => f.ArchivePath, StringComparer.Ordinal).ToList();

        private BundleManifest.Layer ManifestLayer(string name, string archive, string fingerprint, List<BundleFileRef> files)
        {
            var layer = new BundleManifest.Layer { Name = name, Archive = archive, Fingerprint = fingerprint };
            foreach (var f in files) layer.Files.Add(new BundleManifest.FileEntry(f.ArchivePath, new FileInfo(f.SourcePath).Length, _files.GetHash(f.SourcePath)));
            return layer;
        }

        private LayerResult? WriteLayer(BundleWriteRequest request, string name, string archiveName, List<BundleFileRef> files, BundleWriteResult result)
        {
            var path = Path.Combine(request.BundleDirectory, archiveName);
            var layer = new LayerResult { Name = name, ArchivePath = path, FileCount = files.Count };
            if (File.Exists(path))
            {
                // Content-addressed: the name already stands for these bytes. Refresh the time only, so that
                // MSBuild's Inputs/Outputs check sees the bundle as up to date.
                File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            }
            else
            {
                var temp = AtomicFile.NewTempPath(path);
                try
                {
                    using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
                    {
                        DeterministicZipWriter.Write(stream, files.Select(f => new ZipEntrySource(f.ArchivePath, f.SourcePath)).ToList(),
                            new ZipWriteOptions { MaxParallelism = request.MaxParallelism });
                        stream.Flush(true);
                    }
                    try { File.Move(temp, path); }
                    catch (IOException) when (File.Exists(path)) { /* a concurrent build published the same name: same bytes */ }
                    layer.Written = true;
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
}
