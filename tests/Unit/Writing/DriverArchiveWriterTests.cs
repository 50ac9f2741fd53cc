using System.IO.Compression;
using SparkShip.Tests.Support;
using SparkShip.Tasks;
using SparkShip.Tasks.Hashing;
using SparkShip.Tasks.Writing;
using Xunit;

namespace SparkShip.Tests.Writing;

public class DriverArchiveWriterTests
{
    private static DriverArchiveRequest Request(TempFolder t, int retain = 3) => new()
    {
        Prefix = "App",
        OutputDirectory = t.Combine("bin/spark-driver"),
        RecordsFile = t.Combine("obj/sparkship/driver-archives.txt"),
        Files = new[] { ("App", t.Combine("obj/apphost")), ("App.dll", t.Combine("obj/App.dll")), ("spark-bundle/App.app-1.zip", t.Combine("bin/spark-bundle/App.app-1.zip")) },
        Executable = "App",
        SdkVersion = "1.0.0",
        RetainCount = retain,
    };

    private static TempFolder Published()
    {
        var t = new TempFolder("driver");
        t.Write("obj/apphost", "ELF");
        t.Write("obj/App.dll", "v1");
        t.Write("bin/spark-bundle/App.app-1.zip", "layer");
        return t;
    }

    [Fact]
    public void The_archive_is_named_after_its_content_holds_the_publish_paths_and_is_never_rewritten()
    {
        var t = Published();
        var first = new DriverArchiveWriter(FileHashCache.Load(null)).Write(Request(t));
        Assert.Empty(first.Diagnostics);
        Assert.True(first.Written);
        Assert.Matches(@"App\.driver-[0-9a-f]{16}\.zip$", first.ArchivePath);
        using (var zip = ZipFile.OpenRead(first.ArchivePath))
            Assert.Equal(new[] { "App", "App.dll", "spark-bundle/App.app-1.zip" }, zip.Entries.Select(e => e.FullName));
        var stamp = File.GetLastWriteTimeUtc(first.ArchivePath);
        var records = File.GetLastWriteTimeUtc(Request(t).RecordsFile);

        Thread.Sleep(20);
        var again = new DriverArchiveWriter(FileHashCache.Load(null)).Write(Request(t));
        Assert.Equal(first.ArchivePath, again.ArchivePath);
        Assert.False(again.Written);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(first.ArchivePath));
        Assert.Equal(records, File.GetLastWriteTimeUtc(Request(t).RecordsFile));   // nothing rewritten
        Assert.Empty(Directory.GetFiles(Request(t).OutputDirectory, "*" + AtomicFile.TempMarker));
    }

    [Fact]
    public void An_edit_gives_a_new_name_and_only_the_last_RetainCount_archives_it_wrote_are_kept()
    {
        var t = Published();
        var names = new List<string>();
        foreach (var version in new[] { "v1", "v2", "v3" })
        {
            t.Write("obj/App.dll", version);
            names.Add(new DriverArchiveWriter(FileHashCache.Load(null)).Write(Request(t, retain: 2)).ArchivePath);
        }
        Assert.Equal(3, names.Distinct().Count());
        Assert.Equal(names.Skip(1).OrderBy(n => n), Directory.GetFiles(Request(t).OutputDirectory).OrderBy(n => n));
        Assert.Equal(names.Skip(1).Select(Path.GetFileName), File.ReadAllLines(Request(t).RecordsFile));
    }

    [Fact]
    public void Without_the_apphost_nothing_is_written_and_SSHIP0018_says_why()
    {
        var t = Published();
        var request = Request(t);
        request.Executable = "App.exe";
        var result = new DriverArchiveWriter(FileHashCache.Load(null)).Write(request);
        Assert.Equal(("SSHIP0018", DiagnosticSeverity.Warning), (result.Diagnostics.Single().Code, result.Diagnostics.Single().Severity));
        Assert.False(Directory.Exists(request.OutputDirectory));
    }

    // A publish with a dependency layer: the app layer's manifest lists the layer's files (path, size, content hash).
    private static (TempFolder, DriverArchiveRequest) PublishedWithDependencies(string nativePath, string humanizerInPublish = "humanizer")
    {
        var t = Published();
        var humanizer = t.Write("pkg/Humanizer.dll", "humanizer");
        var native = t.Write("pkg/libe_sqlite3.so", "native");
        var hashes = FileHashCache.Load(null);
        var manifest = new BundleManifest { FormatVersion = 2, AssemblyName = "App" };
        manifest.Layers.Add(new BundleManifest.Layer { Name = "app", Archive = "App.app-1.zip", Fingerprint = "1" });
        var deps = new BundleManifest.Layer { Name = "deps", Archive = "App.deps-2.zip", Fingerprint = "2" };
        deps.Files.Add(new BundleManifest.FileEntry("Humanizer.dll", 9, hashes.GetHash(humanizer)));
        deps.Files.Add(new BundleManifest.FileEntry("libe_sqlite3.so", 6, hashes.GetHash(native)));
        manifest.Layers.Add(deps);
        var appLayer = t.Combine("bin/spark-bundle/App.app-1.zip");
        File.Delete(appLayer);
        using (var zip = ZipFile.Open(appLayer, ZipArchiveMode.Create))
        using (var writer = new StreamWriter(zip.CreateEntry("sparkship-manifest.json").Open()))
            writer.Write(manifest.ToJson());
        t.Write("bin/spark-bundle/App.deps-2.zip", "the layer");
        var request = Request(t);
        request.AppLayerEntry = "spark-bundle/App.app-1.zip";
        request.DependencyLayerEntry = "spark-bundle/App.deps-2.zip";
        request.Files = request.Files.Concat(new[]
        {
            ("spark-bundle/App.deps-2.zip", t.Combine("bin/spark-bundle/App.deps-2.zip")),
            ("Humanizer.dll", t.Write("publish/Humanizer.dll", humanizerInPublish)),
            (nativePath, t.Write("publish/" + nativePath, "native")),
        }).ToList();
        return (t, request);
    }

    private static List<string> EntriesOf(string archive)
    {
        using var zip = ZipFile.OpenRead(archive);
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    [Fact]
    public void A_publish_holding_every_dependency_file_at_its_layer_path_leaves_the_layer_archive_out()
    {
        var (_, request) = PublishedWithDependencies("libe_sqlite3.so");
        var result = new DriverArchiveWriter(FileHashCache.Load(null)).Write(request);

        Assert.Empty(result.Diagnostics);
        Assert.True(result.DependencyFilesCarried);
        Assert.Equal(new[] { "App", "App.dll", "Humanizer.dll", "libe_sqlite3.so", "spark-bundle/App.app-1.zip" }, EntriesOf(result.ArchivePath));
    }

    [Fact]
    public void A_dependency_file_the_publish_holds_elsewhere_is_added_at_its_layer_path()
    {
        var (_, request) = PublishedWithDependencies("runtimes/linux-x64/native/libe_sqlite3.so");
        var result = new DriverArchiveWriter(FileHashCache.Load(null)).Write(request);

        Assert.True(result.DependencyFilesCarried);
        Assert.Equal(new[] { "App", "App.dll", "Humanizer.dll", "libe_sqlite3.so", "runtimes/linux-x64/native/libe_sqlite3.so", "spark-bundle/App.app-1.zip" },
            EntriesOf(result.ArchivePath));
    }

    [Fact]
    public void A_dependency_file_that_differs_in_the_publish_keeps_the_layer_archive_inside()
    {
        var (_, request) = PublishedWithDependencies("libe_sqlite3.so", humanizerInPublish: "another humanizer");
        var result = new DriverArchiveWriter(FileHashCache.Load(null)).Write(request);

        Assert.Empty(result.Diagnostics);
        Assert.False(result.DependencyFilesCarried);
        Assert.Contains("Humanizer.dll", result.DependencyLayerNote);
        Assert.Contains("spark-bundle/App.deps-2.zip", EntriesOf(result.ArchivePath));
    }
}
