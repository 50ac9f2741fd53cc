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
}
