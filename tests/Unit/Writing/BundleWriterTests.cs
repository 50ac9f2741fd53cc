using SparkShip.Runtime;
using System.IO.Compression;
using System.Text.Json;
using SparkShip.Tasks;
using SparkShip.Tasks.Hashing;
using SparkShip.Tasks.Planning;
using SparkShip.Tasks.Writing;
using SparkShip.Tests.Support;
using Xunit;

namespace SparkShip.Tests.Writing;

public sealed class BundleWriterTests : IDisposable
{
    private readonly TempFolder _dir = new("writer");

    public void Dispose() => _dir.Dispose();

    private string BundleDir => _dir.Combine("bin/sparkship");
    private string StateDir => _dir.Combine("obj/sparkship");

    private static string Hex(char c, int build) => new string(c, 15) + build.ToString("x");

    private static BundleIdentity Identity(int build = 1, bool deps = true) => new()
    {
        SdkVersion = "0.1.0",
        AssemblyName = "App",
        TargetFramework = "net8.0",
        Directory = "sparkship",
        ClusterRuntimeIdentifier = "linux-x64",
        SparkVersion = "2.3.1",
        AppArchive = $"App.app-{Hex('a', build)}.zip",
        AppFingerprint = Hex('a', build) + new string('0', 16),
        DependencyArchive = deps ? $"App.deps-{Hex('d', build)}.zip" : "",
        DependencyFingerprint = deps ? Hex('d', build) + new string('0', 16) : "",
    };

    private List<BundleFileRef> Files(string tag = "v1", bool deps = true)
    {
        var files = new List<BundleFileRef>
        {
            new(_dir.Write($"src/{tag}/App.dll", "app " + tag), "App.dll", BundleLayer.App),
            new(_dir.Write($"src/{tag}/words.txt", "hello words"), "data/words.txt", BundleLayer.App),
            new(_dir.Write($"src/{tag}/App.resources.dll", "fr " + tag), "fr/App.resources.dll", BundleLayer.App),
        };
        if (deps)
        {
            files.Add(new(_dir.Write($"pkg/{tag}/Humanizer.dll", new string('h', 5000)), "Humanizer.dll", BundleLayer.Dependencies));
            files.Add(new(_dir.Write($"pkg/{tag}/libe_sqlite3.so", "native " + tag), "libe_sqlite3.so", BundleLayer.Dependencies));
        }
        return files;
    }

    private BundleWriteRequest Request(int build = 1, bool deps = true, string tag = "v1", int retain = 3, long threshold = 0) => new()
    {
        BundleDirectory = BundleDir,
        ArchivesFile = Path.Combine(StateDir, "archives.txt"),
        Identity = Identity(build, deps),
        Files = Files(tag, deps),
        RetainCount = retain,
        SizeWarningThreshold = threshold,
        MaxParallelism = 2,
    };

    private static BundleWriteResult Write(BundleWriteRequest request) => new BundleWriter(FileHashCache.Load(null)).Write(request);

    private static Dictionary<string, byte[]> ReadZip(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        });
    }

    private string[] BundleNames() => Directory.GetFiles(BundleDir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray()!;

    // ---- layers and manifest ------------------------------------------------------------------------------

    [Fact]
    public void Writes_both_layers_under_the_given_names_with_their_files()
    {
        var request = Request();
        var result = Write(request);

        Assert.Empty(result.Diagnostics);
        Assert.Equal(new[] { "App.app-aaaaaaaaaaaaaaa1.zip", "App.deps-ddddddddddddddd1.zip" }, BundleNames());

        var deps = ReadZip(Path.Combine(BundleDir, request.Identity.DependencyArchive));
        Assert.Equal(new[] { "Humanizer.dll", "libe_sqlite3.so" }, deps.Keys);
        Assert.Equal(new string('h', 5000), System.Text.Encoding.UTF8.GetString(deps["Humanizer.dll"]));

        var app = ReadZip(Path.Combine(BundleDir, request.Identity.AppArchive));
        Assert.Equal(new[] { "App.dll", "data/words.txt", "fr/App.resources.dll", SparkBundleNames.ManifestEntry }, app.Keys);
        Assert.Equal("hello words", System.Text.Encoding.UTF8.GetString(app["data/words.txt"]));

        Assert.Equal(2, result.Layers.Count);
        var appLayer = Assert.Single(result.Layers, l => l.Name == SparkBundleNames.AppLayer);
        Assert.True(appLayer.Written);
        Assert.Equal(4, appLayer.FileCount);
        Assert.Equal(new FileInfo(appLayer.ArchivePath).Length, appLayer.ArchiveSize);
        var depsLayer = Assert.Single(result.Layers, l => l.Name == SparkBundleNames.DependencyLayer);
        Assert.Equal(2, depsLayer.FileCount);
        Assert.Equal(Path.Combine(BundleDir, request.Identity.DependencyArchive), depsLayer.ArchivePath);
    }

    [Fact]
    public void Manifest_inside_the_app_layer_describes_both_layers()
    {
        var request = Request();
        var result = Write(request);

        var bytes = ReadZip(Path.Combine(BundleDir, request.Identity.AppArchive))[SparkBundleNames.ManifestEntry];
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(result.ManifestJson), bytes); // from memory: no manifest file under obj/
        Assert.Empty(Directory.GetFiles(StateDir, "*.json"));

        using var doc = JsonDocument.Parse(bytes);
        var root = doc.RootElement;
        Assert.Equal(BundleIdentity.FormatVersion, root.GetProperty("formatVersion").GetInt32());
        Assert.Equal("0.1.0", root.GetProperty("sdkVersion").GetString());
        Assert.Equal("App", root.GetProperty("assemblyName").GetString());
        Assert.Equal("net8.0", root.GetProperty("targetFramework").GetString());
        Assert.Equal("linux-x64", root.GetProperty("clusterRuntimeIdentifier").GetString());
        Assert.Equal("2.3.1", root.GetProperty("sparkVersion").GetString());
        Assert.Equal("xxhash128", root.GetProperty("hashAlgorithm").GetString());

        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(new[] { "app", "deps" }, layers.Select(l => l.GetProperty("name").GetString()));

        var app = layers[0];
        Assert.Equal(request.Identity.AppArchive, app.GetProperty("archive").GetString());
        Assert.Equal(request.Identity.AppFingerprint, app.GetProperty("fingerprint").GetString());
        Assert.False(app.TryGetProperty("archiveSize", out _)); // the app layer cannot describe the archive it is in
        var appFiles = app.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(new[] { "App.dll", "data/words.txt", "fr/App.resources.dll" }, appFiles.Select(f => f.GetProperty("path").GetString()));
        var words = request.Files.Single(f => f.ArchivePath == "data/words.txt").SourcePath;
        Assert.Equal(new FileInfo(words).Length, appFiles[1].GetProperty("size").GetInt64());
        Assert.Equal(ContentHash.OfFile(words), appFiles[1].GetProperty("hash").GetString());
        // What the driver checks with the BCL alone: each app file's SHA-256 and CRC-32 (its zip entry's).
        Assert.Equal(SparkBundleChecksum.OfFile(words), appFiles[1].GetProperty("sha256").GetString());
        using (var zip = System.IO.Compression.ZipFile.OpenRead(Path.Combine(BundleDir, request.Identity.AppArchive)))
            Assert.Equal(zip.GetEntry("data/words.txt")!.Crc32, appFiles[1].GetProperty("crc32").GetUInt32());
        // …and the manifest's own, first, over its text with that value zeroed.
        Assert.Equal(SparkBundleChecksum.OfManifest(bytes), root.GetProperty("manifestSha256").GetString());
        Assert.Equal(SparkBundleChecksum.ManifestProperty, root.EnumerateObject().First().Name);

        var deps = layers[1];
        var depsArchive = Path.Combine(BundleDir, request.Identity.DependencyArchive);
        Assert.Equal(request.Identity.DependencyArchive, deps.GetProperty("archive").GetString());
        Assert.Equal(request.Identity.DependencyFingerprint, deps.GetProperty("fingerprint").GetString());
        Assert.Equal(new FileInfo(depsArchive).Length, deps.GetProperty("archiveSize").GetInt64());
        Assert.Equal(ContentHash.OfFile(depsArchive), deps.GetProperty("archiveHash").GetString());
        Assert.Equal(SparkBundleChecksum.OfFile(depsArchive), deps.GetProperty("archiveSha256").GetString());
        Assert.All(deps.GetProperty("files").EnumerateArray(), f => Assert.False(f.TryGetProperty("sha256", out _))); // the archive's checksum covers them
        Assert.Equal(new[] { "Humanizer.dll", "libe_sqlite3.so" }, deps.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()));

        Assert.DoesNotContain(_dir.Path, System.Text.Encoding.UTF8.GetString(bytes)); // no absolute paths
    }

    [Fact]
    public void Without_dependencies_only_the_app_layer_is_written()
    {
        var result = Write(Request(deps: false));

        Assert.Empty(result.Diagnostics);
        Assert.Equal(new[] { "App.app-aaaaaaaaaaaaaaa1.zip" }, BundleNames());
        using var doc = JsonDocument.Parse(result.ManifestJson);
        Assert.Equal(new[] { "app" }, doc.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()));
        Assert.Single(result.Layers);
    }

    [Fact]
    public void Same_inputs_give_the_same_bytes()
    {
        var first = Request();
        Write(first);
        var app1 = File.ReadAllBytes(Path.Combine(BundleDir, first.Identity.AppArchive));
        var deps1 = File.ReadAllBytes(Path.Combine(BundleDir, first.Identity.DependencyArchive));
        Directory.Delete(BundleDir, true);
        Directory.Delete(StateDir, true);

        var again = Request();
        Write(again);
        Assert.Equal(app1, File.ReadAllBytes(Path.Combine(BundleDir, again.Identity.AppArchive)));
        Assert.Equal(deps1, File.ReadAllBytes(Path.Combine(BundleDir, again.Identity.DependencyArchive)));
    }

    // ---- content addressing -------------------------------------------------------------------------------

    [Fact]
    public void Existing_archive_at_the_final_name_is_kept_byte_for_byte()
    {
        var request = Request();
        var existing = Path.Combine(BundleDir, request.Identity.DependencyArchive);
        Directory.CreateDirectory(BundleDir);
        File.WriteAllText(existing, "a previous build wrote these bytes under this name");

        var result = Write(request);

        Assert.Empty(result.Diagnostics);
        Assert.Equal("a previous build wrote these bytes under this name", File.ReadAllText(existing));
        Assert.False(result.Layers.Single(l => l.Name == SparkBundleNames.DependencyLayer).Written);
        Assert.True(result.Layers.Single(l => l.Name == SparkBundleNames.AppLayer).Written);
    }

    [Fact]
    public void Second_write_of_the_same_bundle_rewrites_nothing()
    {
        var request = Request();
        Write(request);
        var app = Path.Combine(BundleDir, request.Identity.AppArchive);
        var before = File.ReadAllBytes(app);

        var again = Write(Request());

        Assert.All(again.Layers, l => Assert.False(l.Written));
        Assert.Equal(before, File.ReadAllBytes(app));
    }

    [Fact]
    public void No_temporary_files_are_left_and_abandoned_ones_are_cleaned_up()
    {
        Directory.CreateDirectory(BundleDir);
        var abandoned = Path.Combine(BundleDir, "App.app-aaaaaaaaaaaaaaa0.zip.999999999-0123456789ab" + AtomicFile.TempMarker);
        File.WriteAllText(abandoned, "left by a killed build");

        Write(Request());

        Assert.Empty(Directory.GetFiles(_dir.Path, "*" + AtomicFile.TempMarker, SearchOption.AllDirectories));
    }

    // ---- retention ----------------------------------------------------------------------------------------

    [Fact]
    public void Retention_deletes_only_archives_it_wrote_beyond_retain_count()
    {
        Directory.CreateDirectory(BundleDir);
        var lookAlike = Path.Combine(BundleDir, "App.app-ffffffffffffffff.zip");
        File.WriteAllText(lookAlike, "someone else's file with our naming scheme");
        var unrelated = Path.Combine(BundleDir, "notes.txt");
        File.WriteAllText(unrelated, "keep me");

        BundleWriteResult? last = null;
        for (int build = 1; build <= 4; build++) last = Write(Request(build, tag: "v" + build, retain: 2));

        Assert.Equal(new[]
        {
            "App.app-aaaaaaaaaaaaaaa3.zip", "App.app-aaaaaaaaaaaaaaa4.zip", "App.app-ffffffffffffffff.zip",
            "App.deps-ddddddddddddddd3.zip", "App.deps-ddddddddddddddd4.zip", "notes.txt",
        }, BundleNames());
        Assert.Equal("someone else's file with our naming scheme", File.ReadAllText(lookAlike));

        var history = ArchiveRecords.Load(Path.Combine(StateDir, "archives.txt")).Names;
        Assert.Equal(new[] { "App.deps-ddddddddddddddd3.zip", "App.app-aaaaaaaaaaaaaaa3.zip", "App.deps-ddddddddddddddd4.zip", "App.app-aaaaaaaaaaaaaaa4.zip" }, history);
        Assert.Equal(history.Select(n => Path.Combine(BundleDir, n)), last!.RetainedArchives);
    }

    [Fact]
    public void Retention_rebuilding_an_old_bundle_makes_it_the_newest()
    {
        Write(Request(1, tag: "v1", retain: 2));
        Write(Request(2, tag: "v2", retain: 2));
        Write(Request(1, tag: "v1", retain: 2)); // back to the first bundle (e.g. a revert)
        Write(Request(3, tag: "v3", retain: 2));

        Assert.Equal(new[] { "App.app-aaaaaaaaaaaaaaa1.zip", "App.app-aaaaaaaaaaaaaaa3.zip", "App.deps-ddddddddddddddd1.zip", "App.deps-ddddddddddddddd3.zip" }, BundleNames());
    }

    [Fact]
    public void Retention_counts_layers_separately()
    {
        // Two app-only builds after one full build: the only deps archive stays.
        Write(Request(1, tag: "v1", retain: 1));
        Write(Request(2, deps: false, tag: "v2", retain: 1));
        Write(Request(3, deps: false, tag: "v3", retain: 1));

        Assert.Equal(new[] { "App.app-aaaaaaaaaaaaaaa3.zip", "App.deps-ddddddddddddddd1.zip" }, BundleNames());
    }

    // ---- size warning -------------------------------------------------------------------------------------

    [Fact]
    public void Size_above_threshold_warns_SSHIP0005()
    {
        var result = Write(Request(threshold: 100));

        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal("SSHIP0005", warning.Code);
        Assert.Equal(SparkShip.Tasks.DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(BundleDir, warning.File);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10_000_000)]
    public void Size_below_threshold_or_no_threshold_does_not_warn(long threshold)
    {
        Assert.Empty(Write(Request(threshold: threshold)).Diagnostics);
    }

    [Fact]
    public void Size_threshold_counts_both_layers()
    {
        var probe = Write(Request());
        long app = probe.Layers.Single(l => l.Name == "app").ArchiveSize;
        long total = probe.Layers.Sum(l => l.ArchiveSize);

        Assert.Empty(Write(Request(threshold: total)).Diagnostics);         // equal: not above
        Assert.Single(Write(Request(threshold: app + 1)).Diagnostics);      // only the sum is above
    }
}
