using System.IO.Compression;
using System.Text.Json;

namespace SparkShip.Sdk.IntegrationTests.Infrastructure;

/// <summary>A bundle folder as the build left it: its archives, their entries and the manifest.</summary>
public sealed class Bundle
{
    public Bundle(string folder)
    {
        Folder = folder;
        Archives = Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.zip").Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToList()!
            : new List<string>();
    }

    public string Folder { get; }
    public IReadOnlyList<string> Archives { get; }

    public string AppArchive => Archives.Single(a => a.Contains(".app-"));
    public string? DependencyArchive => Archives.SingleOrDefault(a => a.Contains(".deps-"));
    public string PathOf(string archive) => Path.Combine(Folder, archive);

    public static IReadOnlyList<string> Entries(string archivePath)
    {
        using var zip = ZipFile.OpenRead(archivePath);
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    public IReadOnlyList<string> AppEntries => Entries(PathOf(AppArchive));
    public IReadOnlyList<string> DependencyEntries => DependencyArchive is null ? Array.Empty<string>() : Entries(PathOf(DependencyArchive));

    public JsonDocument Manifest()
    {
        using var zip = ZipFile.OpenRead(PathOf(AppArchive));
        using var stream = zip.GetEntry("sparkship-manifest.json")!.Open();
        return JsonDocument.Parse(stream);
    }

    /// <summary>Unpacks every archive the way Spark does for spark.archives: each into its own folder named after it.</summary>
    public IReadOnlyList<string> UnpackLikeSpark(string sparkFilesRoot, IEnumerable<string>? archives = null)
    {
        var folders = new List<string>();
        foreach (var archive in archives ?? Archives)
        {
            var target = Path.Combine(sparkFilesRoot, archive);
            ZipFile.ExtractToDirectory(PathOf(archive), target);
            folders.Add(target);
        }
        return folders;
    }
}
