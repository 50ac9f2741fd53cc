using System.Buffers.Binary;
using System.IO.Compression;
using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Shim;

/// <summary>
/// The driver's check (issue 10, door 6), on real builds run as drivers against the test-only Microsoft.Spark
/// stand-in (exact 2.3.1 signatures, simulated JVM; no Spark runs here): an archive altered in place is refused by
/// content, the verdict is cached per file identity, local-mode flat copies are checked and made again, and every
/// failure of the automatic attach is a coded message on stderr with exit code 3.
/// </summary>
public class DriverCheckTests
{
    private const int FailureExitCode = 3;   // SparkBundleException.ExitCode

    [Theory]
    [InlineData("app")]
    [InlineData("deps")]
    public void An_archive_altered_in_place_with_one_byte_flipped_and_the_same_size_is_refused_before_any_job(string layer)
    {
        var p = Scenarios.SparkDriverApp();
        p.Build("App/App.csproj").AssertSuccess();
        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        var archive = bundle.PathOf(layer == "app" ? bundle.AppArchive : bundle.DependencyArchive!);
        var size = new FileInfo(archive).Length;
        // Inside the compressed bytes of a file the worker loads: Lib.dll (the UDFs) or the native library.
        FlipOneByteInEntry(archive, layer == "app" ? "Lib.dll" : "libe_sqlite3.so");
        Assert.Equal(size, new FileInfo(archive).Length);

        var run = DriverRun.Start(p, "session", "yarn", AttachTests.Cache(p));

        AssertRefused(run, "SSHIP1003: ", archive);
        Assert.Contains("was altered after the build", run.Process.Error);
        Assert.Contains("Rebuild the app", run.Process.Error);
    }

    [Fact]
    public void The_verdict_is_cached_per_file_identity_a_warm_start_reads_no_content_and_a_rewritten_archive_is_checked_again()
    {
        var p = Scenarios.SparkDriverApp();
        p.Build("App/App.csproj").AssertSuccess();
        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        var deps = bundle.PathOf(bundle.DependencyArchive!);
        var cache = AttachTests.Cache(p);
        // An archive written within the last 2 s gets no verdict (a rewrite within the file system's time resolution
        // could keep its time): a real driver starts later than that after a build.
        WaitUntilOlderThan(TimeSpan.FromSeconds(2.5), bundle.PathOf(bundle.AppArchive), deps);

        var first = DriverRun.Start(p, "session", "yarn", cache);
        Assert.True(first.Process.ExitCode == 0, first.Process.ToString());
        var verdict = Assert.Single(Directory.GetFiles(Path.Combine(cache, "verdicts")));
        Assert.Contains(deps, File.ReadAllText(verdict));

        // Altered with its time put back (size and time are the identity): the warm start trusts the verdict and
        // reads no content, which is what keeps it under a millisecond (and the documented limit of the cache).
        var stamp = File.GetLastWriteTimeUtc(deps);
        FlipOneByteInEntry(deps, "libe_sqlite3.so");
        File.SetLastWriteTimeUtc(deps, stamp);
        var warm = DriverRun.Start(p, "session", "yarn", cache);
        Assert.True(warm.Process.ExitCode == 0, warm.Process.ToString());

        // The same bytes with the time any write gives them: a new identity, checked again, refused, every time.
        File.SetLastWriteTimeUtc(deps, stamp.AddSeconds(1));
        for (int i = 0; i < 2; i++)
            AssertRefused(DriverRun.Start(p, "session", "yarn", cache), "SSHIP1003: ", deps);
    }

    [Theory]
    [InlineData("altered")]
    [InlineData("missing")]
    [InlineData("added")]
    public void A_flat_copy_in_the_user_cache_that_is_incomplete_or_altered_is_detected_and_made_again(string fault)
    {
        var p = Scenarios.SparkDriverApp();
        p.Build("App/App.csproj").AssertSuccess();
        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        var cache = AttachTests.Cache(p);
        var first = DriverRun.Start(p, "session", "local[*]", cache);
        Assert.True(first.Process.ExitCode == 0, first.Process.ToString());
        var appFolder = first["SEARCH"].Split(',')[0];
        var lib = Path.Combine(appFolder, "Lib.dll");
        var original = File.ReadAllBytes(lib);
        switch (fault)
        {
            case "altered":
                var flipped = (byte[])original.Clone();
                flipped[flipped.Length / 2] ^= 0x01;
                File.WriteAllBytes(lib, flipped);   // same size
                break;
            case "missing": File.Delete(lib); break;
            case "added": File.WriteAllText(Path.Combine(appFolder, "notes.txt"), "a file SparkShip did not write"); break;
        }

        var again = DriverRun.Start(p, "session", "local[*]", cache);

        Assert.True(again.Process.ExitCode == 0, again.Process.ToString());
        Assert.Equal(first["SEARCH"], again["SEARCH"]);
        Assert.Equal(original, File.ReadAllBytes(lib));
        Assert.False(File.Exists(Path.Combine(appFolder, "notes.txt")));
        using (var zip = ZipFile.OpenRead(bundle.PathOf(bundle.AppArchive)))
            Assert.Equal(zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal),
                Directory.GetFiles(appFolder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(appFolder, f))
                    .Where(f => f != ".sparkship-files").Order(StringComparer.Ordinal));
        // Never delete what SparkShip did not write: the added file stays, in the folder moved aside.
        var aside = Directory.GetDirectories(cache, Path.GetFileName(appFolder) + ".displaced-*");
        if (fault == "added") Assert.Equal("a file SparkShip did not write", File.ReadAllText(Path.Combine(Assert.Single(aside), "notes.txt")));
        else Assert.Empty(aside);
        // The worker (its lookup rules reproduced by the harness) runs the UDF from the copy made again.
        Assert.Contains("RESULT: Hello World|sqlite3|v1", Harness.Run(p, again["UDFENV"], "Lib.dll", "Lib.TextUdfs", "Describe", "hello_world").Output);
    }

    [Fact]
    public void Any_other_failure_of_the_automatic_attach_is_a_coded_message_and_a_plain_exit_not_a_crash()
    {
        var p = Scenarios.SparkDriverApp();
        p.Build("App/App.csproj").AssertSuccess();

        // A backend port the (stand-in) bridge cannot use: the JVM call in the module initializer throws.
        var run = DriverRun.Start(p, "session", "yarn", AttachTests.Cache(p), backendPort: "0");

        AssertRefused(run, "SSHIP1007: ", "SPARKSHIP_AUTO_ATTACH=0");
    }

    [Fact]
    public void The_explicit_api_throws_the_coded_exception_to_the_caller()
    {
        var p = Scenarios.SparkDriverApp(extraAppProperties: "<SparkShipAutoAttach>false</SparkShipAutoAttach>");
        p.Build("App/App.csproj").AssertSuccess();
        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        var deps = bundle.PathOf(bundle.DependencyArchive!);
        FlipOneByteInEntry(deps, "libe_sqlite3.so");

        var run = DriverRun.Start(p, "builder-catch", "yarn", AttachTests.Cache(p));

        Assert.True(run.Process.ExitCode == 0, run.Process.ToString());   // the caller decided what to do with it
        Assert.StartsWith("SSHIP1003|SSHIP1003: ", run["CAUGHT"]);
        Assert.Contains(deps, run["CAUGHT"]);
    }

    private static void AssertRefused(DriverRun run, string codePrefix, string mentioned)
    {
        Assert.True(run.Process.ExitCode == FailureExitCode, run.Process.ToString());
        Assert.StartsWith(codePrefix, run.Process.Error);
        Assert.Contains(mentioned, run.Process.Error);
        Assert.DoesNotContain("ARCHIVES=", run.Process.Output);          // no session, no job
        Assert.DoesNotContain("Unhandled exception", run.Process.Output); // no crash, no stack trace
        Assert.DoesNotContain("   at ", run.Process.Error);
    }

    /// <summary>
    /// Flips one bit in the middle of an entry's stored (compressed) bytes, in place: same size, same time class of
    /// damage as a bad disk or a botched copy. Walks the local headers (SparkShip writes sizes in them).
    /// </summary>
    internal static void FlipOneByteInEntry(string archive, string entryName)
    {
        var bytes = File.ReadAllBytes(archive);
        int at = 0;
        while (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)) == 0x04034b50)
        {
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 18));
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 26));
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 28));
            var name = System.Text.Encoding.UTF8.GetString(bytes, at + 30, nameLength);
            int data = at + 30 + nameLength + extraLength;
            if (compressed == uint.MaxValue) throw new InvalidOperationException("zip64 entry: not expected in this test app");
            if (name == entryName)
            {
                Assert.True(compressed > 16, $"'{entryName}' has {compressed} stored bytes");
                using var f = new FileStream(archive, FileMode.Open, FileAccess.ReadWrite);
                f.Position = data + compressed / 2;
                int b = f.ReadByte();
                f.Position = data + compressed / 2;
                f.WriteByte((byte)(b ^ 0x10));
                return;
            }
            at = data + (int)compressed;
        }
        throw new InvalidOperationException($"'{entryName}' not found in {archive}");
    }

    private static void WaitUntilOlderThan(TimeSpan age, params string[] files)
    {
        var newest = files.Max(File.GetLastWriteTimeUtc);
        var wait = newest + age - DateTime.UtcNow;
        if (wait > TimeSpan.Zero) Thread.Sleep(wait);
    }
}
