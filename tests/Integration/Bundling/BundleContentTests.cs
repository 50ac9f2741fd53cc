using System.IO.Compression;
using System.Text.RegularExpressions;
using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Bundling;

public class BundleContentTests
{
    [Fact]
    public void Build_writes_a_flat_layered_bundle_and_compiles_its_names_into_the_app()
    {
        var p = Scenarios.AppWithLibrary();
        var build = p.Build("App/App.csproj").AssertSuccess();

        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        Assert.Equal(2, bundle.Archives.Count);
        Assert.Matches(@"^App\.app-[0-9a-f]{16}\.zip$", bundle.AppArchive);
        Assert.Matches(@"^App\.deps-[0-9a-f]{16}\.zip$", bundle.DependencyArchive);

        // App layer: the app, its project reference, content of both; nothing of the driver process (apphost, deps.json).
        Assert.Equal(new[] { "App.dll", "App.pdb", "Lib.dll", "Lib.pdb", "data/words.txt", "lib-data.txt", "sparkship-manifest.json" },
            bundle.AppEntries.OrderBy(e => e, StringComparer.Ordinal));
        // Dependency layer: packages, flat, the linux-x64 native library at the root, no other RID.
        Assert.Equal(new[] { "Humanizer.dll", "SQLitePCLRaw.batteries_v2.dll", "SQLitePCLRaw.core.dll", "SQLitePCLRaw.provider.e_sqlite3.dll", "libe_sqlite3.so" },
            bundle.DependencyEntries.OrderBy(e => e, StringComparer.Ordinal));

        // The linux-x64 native library is exactly the package's runtimes/linux-x64/native one.
        var packaged = Path.Combine(p.Env.PackageCache, "sqlitepclraw.lib.e_sqlite3", Scenarios.SqliteVersion, "runtimes", "linux-x64", "native", "libe_sqlite3.so");
        using (var zip = ZipFile.OpenRead(bundle.PathOf(bundle.DependencyArchive!)))
        {
            using var stream = zip.GetEntry("libe_sqlite3.so")!.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.Equal(File.ReadAllBytes(packaged), copy.ToArray());
            // Deterministic entries: ordinal order, fixed timestamp.
            Assert.Equal(zip.Entries.Select(e => e.FullName).OrderBy(n => n, StringComparer.Ordinal), zip.Entries.Select(e => e.FullName));
            Assert.All(zip.Entries, e => Assert.Equal(new DateTime(1980, 1, 1), e.LastWriteTime.DateTime));
        }

        // The generated constants name exactly these archives, and the compiled app carries them.
        var generated = p.Read("App/obj/Debug/net8.0/SparkBundle.g.cs");
        Assert.Contains($"AppArchive = \"{bundle.AppArchive}\"", generated);
        Assert.Contains($"DependencyArchive = \"{bundle.DependencyArchive}\"", generated);
        var run = ProcessRunner.Run("dotnet", new[] { p.PathOf("App/bin/Debug/net8.0/App.dll") }, p.Root,
            new Dictionary<string, string?> { ["DOTNET_ROLL_FORWARD"] = "Major" });
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("app=" + bundle.AppArchive, run.Output);
        Assert.Contains("deps=" + bundle.DependencyArchive, run.Output);
        Assert.Contains("dir=spark-bundle", run.Output);

        // Manifest: what, for whom, every file with size and hash.
        using var manifest = bundle.Manifest();
        var root = manifest.RootElement;
        Assert.Equal(2, root.GetProperty("formatVersion").GetInt32());
        Assert.Equal("App", root.GetProperty("assemblyName").GetString());
        Assert.Equal("net8.0", root.GetProperty("targetFramework").GetString());
        Assert.Equal("linux-x64", root.GetProperty("clusterRuntimeIdentifier").GetString());
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(new[] { bundle.AppArchive, bundle.DependencyArchive }, layers.Select(l => l.GetProperty("archive").GetString()));
        var depsFiles = layers[1].GetProperty("files").EnumerateArray().ToList();
        var so = depsFiles.Single(f => f.GetProperty("path").GetString() == "libe_sqlite3.so");
        Assert.Equal(new FileInfo(packaged).Length, so.GetProperty("size").GetInt64());
        Assert.Matches("^[0-9a-f]{32}$", so.GetProperty("hash").GetString());
        Assert.Equal(new FileInfo(bundle.PathOf(bundle.DependencyArchive!)).Length, layers[1].GetProperty("archiveSize").GetInt64());

        // One concise line at normal verbosity says what was written.
        var line = build.Output.Split('\n').Single(l => l.Contains("Spark bundle ->"));
        Assert.Matches(new Regex(@"App Spark bundle -> .*spark-bundle/: App\.app-[0-9a-f]{16}\.zip \(7 files, [0-9.]+ KB\), App\.deps-[0-9a-f]{16}\.zip \(5 files, [0-9.]+ (KB|MB)\)"), line);
    }
}
