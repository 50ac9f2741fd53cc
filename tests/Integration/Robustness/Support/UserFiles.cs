using System.IO.Compression;
using System.Security.Cryptography;

namespace SparkShip.Sdk.IntegrationTests.Robustness;

/// <summary>
/// Files a user put in bin/ and obj/ (next to the outputs, inside spark-bundle/ — one named exactly like an archive
/// of the app's layers — and inside SparkShip's own obj/…/sparkship/ folder). SparkShip must never change or delete
/// any of them, whatever happens to the build; <see cref="Touched"/> counts the ones that changed.
/// </summary>
public sealed class UserFiles
{
    private readonly Dictionary<string, (string Hash, DateTime Time)> _planted = new(StringComparer.Ordinal);

    /// <summary>Names of the files planted inside spark-bundle/ (for <see cref="ArchiveAudit.Folder"/> to skip).</summary>
    public IReadOnlyList<string> BundleFolderNames { get; }

    public IReadOnlyCollection<string> Paths => _planted.Keys;

    private UserFiles(IReadOnlyList<string> bundleFolderNames) => BundleFolderNames = bundleFolderNames;

    /// <param name="projectDirectory">The folder of the project file.</param>
    /// <param name="archivePrefix">The project's archive prefix (its assembly name), for the look-alike archive.</param>
    /// <param name="targetFrameworks">One set of output folders per target framework.</param>
    /// <param name="bundleFolder">Plant in spark-bundle/ (false when the test mounts something over it later).</param>
    public static UserFiles Plant(string projectDirectory, string archivePrefix, IEnumerable<string>? targetFrameworks = null,
        string configuration = "Debug", bool bundleFolder = true)
    {
        var lookAlike = archivePrefix + ".app-00000000000000aa.zip";
        var files = new UserFiles(bundleFolder ? new[] { "user-notes.txt", lookAlike } : Array.Empty<string>());
        files.Write(Path.Combine(projectDirectory, "bin", "user-notes.txt"));
        files.Write(Path.Combine(projectDirectory, "obj", "user-notes.txt"));
        foreach (var tfm in targetFrameworks ?? new[] { "net8.0" })
        {
            var bin = Path.Combine(projectDirectory, "bin", configuration, tfm);
            var obj = Path.Combine(projectDirectory, "obj", configuration, tfm);
            files.Write(Path.Combine(bin, "user-notes.txt"));
            files.Write(Path.Combine(obj, "user-notes.txt"));
            files.Write(Path.Combine(obj, "sparkship", "user-notes.txt"));
            if (bundleFolder) files.PlantInBundleFolder(Path.Combine(bin, "spark-bundle"), lookAlike);
        }
        return files;
    }

    /// <summary>Plants the spark-bundle/ files into <paramref name="folder"/> (after a test mounted a volume there).</summary>
    public void PlantInBundleFolder(string folder, string lookAlikeName)
    {
        Write(Path.Combine(folder, "user-notes.txt"));
        // A zip of the user's, named like one of SparkShip's archives but never written by it: retention must keep it.
        var zipPath = Path.Combine(folder, lookAlikeName);
        Directory.CreateDirectory(folder);
        using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
        {
            using var w = new StreamWriter(zip.CreateEntry("readme.txt").Open());
            w.Write("a user's own archive; not SparkShip's\n");
        }
        Remember(zipPath);
    }

    private void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"user file {Guid.NewGuid()}: SparkShip must not touch me\n");
        Remember(path);
    }

    private void Remember(string path)
    {
        // A time in the past, so that any rewrite (even with the same bytes) shows.
        var time = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, time);
        _planted[path] = (Hash(path), time);
    }

    /// <summary>How many planted files are missing, or have other bytes or another modification time.</summary>
    public int Touched() => Describe().Count;

    public IReadOnlyList<string> Describe()
    {
        var touched = new List<string>();
        foreach (var (path, (hash, time)) in _planted)
        {
            if (!File.Exists(path)) touched.Add(path + ": deleted");
            else if (Hash(path) != hash) touched.Add(path + ": bytes changed");
            else if (File.GetLastWriteTimeUtc(path) != time) touched.Add(path + ": modification time changed");
        }
        return touched;
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
