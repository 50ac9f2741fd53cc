using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using SparkShip.Sdk.IntegrationTests.Infrastructure;

namespace SparkShip.Sdk.IntegrationTests.Robustness;

public delegate void ChunkObserver(string archive, string entry, long offset, ReadOnlySpan<byte> data);

/// <summary>What an audit of one bundle folder found.</summary>
public sealed class AuditReport
{
    public int Archives { get; set; }
    public int Entries { get; set; }
    /// <summary>One line per defect: an archive at a final name that is not complete and consistent.</summary>
    public List<string> Problems { get; } = new();
    public bool Ok => Problems.Count == 0;

    public override string ToString() =>
        $"{Archives} archive(s), {Entries} entries" + (Ok ? ", all valid" : ":\n  " + string.Join("\n  ", Problems));
}

/// <summary>
/// Checks every archive at a final name (<c>*.zip</c>) in a bundle folder the way a reader on the cluster would:
/// it opens as a zip, every entry inflates to its recorded size and CRC-32, every entry name is a safe relative
/// path (no <c>..</c>, no absolute path, no backslash), and an app layer's entries and sizes are exactly those its
/// <c>sparkship-manifest.json</c> lists — as are those of the dependency layer it names, when that archive is present.
/// </summary>
public static class ArchiveAudit
{
    public const string ManifestEntry = "sparkship-manifest.json";

    /// <param name="folder">A spark-bundle folder (a missing one audits as empty).</param>
    /// <param name="skip">File names to leave out (user files planted by the test, checked separately).</param>
    /// <param name="unzip">Also ask Info-ZIP's <c>unzip -t</c> (when installed) about archives up to this size.</param>
    /// <param name="observe">Sees every entry's inflated bytes, chunk by chunk, as the audit reads them.</param>
    public static AuditReport Folder(string folder, IEnumerable<string>? skip = null, long unzip = 0, ChunkObserver? observe = null)
    {
        var report = new AuditReport();
        if (!Directory.Exists(folder)) return report;
        var skipped = new HashSet<string>(skip ?? Array.Empty<string>(), StringComparer.Ordinal);
        var archives = Directory.GetFiles(folder, "*.zip").Where(p => !skipped.Contains(Path.GetFileName(p)))
            .OrderBy(p => p, StringComparer.Ordinal).ToList();
        var layers = new Dictionary<string, List<(string Path, long Size)>>(StringComparer.Ordinal);
        // Dependency archive name → what an app layer's manifest says it holds.
        var expectedDependencyLayers = new Dictionary<string, List<(string Path, long Size)>>(StringComparer.Ordinal);

        foreach (var archive in archives)
        {
            report.Archives++;
            var name = Path.GetFileName(archive);
            try
            {
                var entries = ReadAndVerify(archive, report, observe);
                if (name.Contains(".app-", StringComparison.Ordinal))
                    CheckAppLayer(archive, entries, report, expectedDependencyLayers);
                else
                    layers[name] = entries;
            }
            catch (Exception e) when (e is InvalidDataException || e is IOException || e is JsonException || e is KeyNotFoundException || e is InvalidOperationException)
            {
                report.Problems.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
            if (unzip > 0 && new FileInfo(archive).Length <= unzip && UnzipAvailable.Value)
            {
                var t = ProcessRunner.Run("unzip", new[] { "-tqq", archive }, folder, timeout: TimeSpan.FromMinutes(2));
                if (t.ExitCode != 0) report.Problems.Add($"{name}: unzip -t says (exit {t.ExitCode}): {t.Output.Trim()}");
            }
        }

        // A dependency layer named by an app layer's manifest must be exactly what that manifest lists.
        foreach (var (archive, expected) in expectedDependencyLayers)
            if (layers.TryGetValue(archive, out var actual))
                Compare(archive, expected, actual, report);
        return report;
    }

    private static readonly Lazy<bool> UnzipAvailable = new(() =>
        Environment.GetEnvironmentVariable("PATH")?.Split(':').Any(d => File.Exists(Path.Combine(d, "unzip"))) == true);

    /// <summary>Opens the archive, inflates every entry and checks its size and CRC-32; returns (name, size) per entry.</summary>
    private static List<(string Path, long Size)> ReadAndVerify(string archive, AuditReport report, ChunkObserver? observe)
    {
        var name = Path.GetFileName(archive);
        var result = new List<(string, long)>();
        using var zip = ZipFile.OpenRead(archive);
        var buffer = new byte[1 << 20];
        foreach (var entry in zip.Entries)
        {
            report.Entries++;
            foreach (var problem in EntryNameProblems(entry.FullName)) report.Problems.Add($"{name}: entry '{entry.FullName}' {problem}");
            long length = 0;
            uint crc = 0;
            using (var s = entry.Open())
            {
                int read;
                while ((read = s.Read(buffer, 0, buffer.Length)) > 0)
                {
                    crc = Crc32.Append(crc, buffer.AsSpan(0, read));
                    observe?.Invoke(name, entry.FullName, length, buffer.AsSpan(0, read));
                    length += read;
                }
            }
            if (length != entry.Length) report.Problems.Add($"{name}: entry '{entry.FullName}' inflates to {length} bytes, header says {entry.Length}");
            if (crc != entry.Crc32) report.Problems.Add($"{name}: entry '{entry.FullName}' has CRC-32 {crc:x8}, header says {entry.Crc32:x8}");
            result.Add((entry.FullName, length));
        }
        return result;
    }

    private static void CheckAppLayer(string archive, List<(string Path, long Size)> entries, AuditReport report,
        Dictionary<string, List<(string Path, long Size)>> expectedDependencyLayers)
    {
        var name = Path.GetFileName(archive);
        if (!entries.Any(e => e.Path == ManifestEntry))
        {
            report.Problems.Add($"{name}: no {ManifestEntry}");
            return;
        }
        using var manifest = JsonDocument.Parse(ReadEntry(archive, ManifestEntry));
        foreach (var layer in manifest.RootElement.GetProperty("layers").EnumerateArray())
        {
            var layerName = layer.GetProperty("name").GetString();
            var layerArchive = layer.GetProperty("archive").GetString()!;
            var files = layer.GetProperty("files").EnumerateArray()
                .Select(f => (f.GetProperty("path").GetString()!, f.GetProperty("size").GetInt64())).ToList();
            if (layerName == "app")
            {
                if (layerArchive != name) report.Problems.Add($"{name}: its manifest names the app layer '{layerArchive}'");
                Compare(name, files, entries.Where(e => e.Path != ManifestEntry).ToList(), report);
            }
            else
            {
                long? size = layer.TryGetProperty("archiveSize", out var s) ? s.GetInt64() : null;
                expectedDependencyLayers[layerArchive] = files;
                var path = Path.Combine(Path.GetDirectoryName(archive)!, layerArchive);
                if (size is long expected && File.Exists(path) && new FileInfo(path).Length != expected)
                    report.Problems.Add($"{layerArchive}: {new FileInfo(path).Length} bytes, {name}'s manifest says {expected}");
            }
        }
    }

    private static void Compare(string archive, List<(string Path, long Size)> expected, List<(string Path, long Size)> actual, AuditReport report)
    {
        var want = expected.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
        var have = actual.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
        if (!want.SequenceEqual(have))
        {
            var missing = want.Except(have).Take(3).Select(e => $"{e.Path} ({e.Size} B)");
            var extra = have.Except(want).Take(3).Select(e => $"{e.Path} ({e.Size} B)");
            report.Problems.Add($"{archive}: entries differ from the manifest; manifest only: [{string.Join(", ", missing)}], archive only: [{string.Join(", ", extra)}]");
        }
    }

    /// <summary>Why an entry name is unsafe to unpack (empty when it is fine).</summary>
    public static IEnumerable<string> EntryNameProblems(string entryName)
    {
        if (entryName.Length == 0) yield return "is empty";
        if (entryName.Contains('\\')) yield return "contains a backslash";
        if (entryName.StartsWith('/') || (entryName.Length > 1 && entryName[1] == ':') || Path.IsPathRooted(entryName)) yield return "is absolute";
        if (entryName.Split('/').Any(s => s == ".." || s == ".")) yield return "contains a '..' or '.' segment";
    }

    public static byte[] ReadEntry(string archive, string entryName)
    {
        using var zip = ZipFile.OpenRead(archive);
        var entry = zip.GetEntry(entryName) ?? throw new KeyNotFoundException($"{Path.GetFileName(archive)} has no entry '{entryName}'");
        using var s = entry.Open();
        var copy = new MemoryStream();
        s.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The archives the last build compiled into the app (from obj/…/SparkBundle.g.cs): app, then deps if any.</summary>
    public static IReadOnlyList<string> CurrentArchives(string generatedSourceFile)
    {
        var text = File.ReadAllText(generatedSourceFile);
        var names = new List<string>();
        foreach (var constant in new[] { "AppArchive", "DependencyArchive" })
        {
            var m = System.Text.RegularExpressions.Regex.Match(text, constant + @"\s*=\s*""([^""]*)""");
            if (m.Success && m.Groups[1].Value.Length > 0) names.Add(m.Groups[1].Value);
        }
        return names;
    }
}

/// <summary>CRC-32 (IEEE, as zip uses), slice-by-8: .NET's ZipArchive does not check it when reading.</summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var t = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        for (int n = 0; n < 256; n++)
            for (int k = 1; k < 8; k++)
                t[k * 256 + n] = (t[(k - 1) * 256 + n] >> 8) ^ t[t[(k - 1) * 256 + n] & 0xFF];
        return t;
    }

    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var t = Table;
        crc = ~crc;
        int i = 0;
        for (; data.Length - i >= 8; i += 8)
        {
            uint one = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i)) ^ crc;
            uint two = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i + 4));
            crc = t[7 * 256 + (one & 0xFF)] ^ t[6 * 256 + ((one >> 8) & 0xFF)] ^ t[5 * 256 + ((one >> 16) & 0xFF)] ^ t[4 * 256 + (one >> 24)]
                ^ t[3 * 256 + (two & 0xFF)] ^ t[2 * 256 + ((two >> 8) & 0xFF)] ^ t[1 * 256 + ((two >> 16) & 0xFF)] ^ t[two >> 24];
        }
        for (; i < data.Length; i++) crc = t[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }
}
