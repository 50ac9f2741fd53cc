using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using SparkShip.Runtime;

namespace SparkShip.Tasks.Writing;

/// <summary>
/// The JSON manifest that travels inside the app layer. Deterministic: no times, no absolute paths. Besides the
/// build's xxhash128 content hashes it records what the driver checks with the BCL alone (SparkBundleChecksum,
/// SHA-256): each app-layer file's checksum and CRC-32, the dependency archive's checksum, and its own checksum as
/// its first property. Format 2 (format 1 had no checksums); the shim reads only the format its SDK writes.
/// </summary>
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
        /// <summary>SHA-256 of the archive file, for the driver's check (the app layer cannot hold its own).</summary>
        public string? ArchiveSha256 { get; set; }
        public List<FileEntry> Files { get; } = new();
    }

    public sealed class FileEntry
    {
        public FileEntry(string path, long size, string hash, string? sha256 = null, uint? crc32 = null)
        {
            Path = path; Size = size; Hash = hash; Sha256 = sha256; Crc32 = crc32;
        }
        public string Path { get; }
        public long Size { get; }
        public string Hash { get; }
        /// <summary>App layer only: what the driver checks each entry's unpacked bytes and zip CRC-32 against.</summary>
        public string? Sha256 { get; }
        public uint? Crc32 { get; }
    }

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            // First, at a fixed offset: zeros now, the checksum of the whole text below.
            w.WriteString(SparkBundleChecksum.ManifestProperty, new string('0', SparkBundleChecksum.HexLength));
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
                if (layer.ArchiveSha256 != null) w.WriteString("archiveSha256", layer.ArchiveSha256);
                w.WriteStartArray("files");
                foreach (var file in layer.Files)
                {
                    w.WriteStartObject();
                    w.WriteString("path", file.Path);
                    w.WriteNumber("size", file.Size);
                    w.WriteString("hash", file.Hash);
                    if (file.Sha256 != null) w.WriteString("sha256", file.Sha256);
                    if (file.Crc32 is uint crc) w.WriteNumber("crc32", crc);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        var bytes = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n") + "\n");
        var checksum = Encoding.ASCII.GetBytes(SparkBundleChecksum.OfManifest(bytes)!);
        Array.Copy(checksum, 0, bytes, SparkBundleChecksum.ManifestValueOffset, checksum.Length);
        return Encoding.UTF8.GetString(bytes);
    }
}
