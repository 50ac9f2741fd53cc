using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace SparkShip.Tasks.Writing;

/// <summary>The JSON manifest that travels inside the app layer. Deterministic: no times, no absolute paths.</summary>
public sealed class BundleManifest
{
    public int FormatVersion { get; set; }
    public string SdkVersion { get; set; } = "";
    public string AssemblyName { get; set; } = "";
    public string TargetFramework { get; set; } = "";
    public string ClusterRuntimeIdentifier { get; set; } = "";
    public string? SparkVersion { get; set; }
    public List<Layer> Layers { get; } = new();

    public sealed class Layer
    {
        public string Name { get; set; } = "";
        public string Archive { get; set; } = "";
        public string Fingerprint { get; set; } = "";
        /// <summary>Size and hash of the archive file itself; known for the dependency layer, which is written first.</summary>
        public long? ArchiveSize { get; set; }
        public string? ArchiveHash { get; set; }
        public List<FileEntry> Files { get; } = new();
    }

    public sealed class FileEntry
    {
        public FileEntry(string path, long size, string hash) { Path = path; Size = size; Hash = hash; }
        public string Path { get; }
        public long Size { get; }
        public string Hash { get; }
    }

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("formatVersion", FormatVersion);
            w.WriteString("sdkVersion", SdkVersion);
            w.WriteString("assemblyName", AssemblyName);
            w.WriteString("targetFramework", TargetFramework);
            w.WriteString("clusterRuntimeIdentifier", ClusterRuntimeIdentifier);
            if (SparkVersion is null) w.WriteNull("sparkVersion"); else w.WriteString("sparkVersion", SparkVersion);
            w.WriteString("hashAlgorithm", "xxhash128");
            w.WriteStartArray("layers");
            foreach (var layer in Layers)
            {
                w.WriteStartObject();
                w.WriteString("name", layer.Name);
                w.WriteString("archive", layer.Archive);
                w.WriteString("fingerprint", layer.Fingerprint);
                if (layer.ArchiveSize is long size) w.WriteNumber("archiveSize", size);
                if (layer.ArchiveHash != null) w.WriteString("archiveHash", layer.ArchiveHash);
                w.WriteStartArray("files");
                foreach (var file in layer.Files)
                {
                    w.WriteStartObject();
                    w.WriteString("path", file.Path);
                    w.WriteNumber("size", file.Size);
                    w.WriteString("hash", file.Hash);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n") + "\n";
    }
}
