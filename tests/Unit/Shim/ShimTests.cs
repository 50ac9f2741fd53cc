using System.IO.Compression;
using SparkShip.Runtime;
using SparkShip.Tasks.Hashing;
using SparkShip.Tasks.Planning;
using SparkShip.Tasks.Writing;
using Xunit;

namespace SparkShip.Sdk.Tests.Shim;

/// <summary>The runtime shim's Spark-agnostic logic: locating and checking a bundle, and the attach plan per master.</summary>
public sealed class ShimTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sparkship-shim-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("local", true)]
    [InlineData("local[4]", true)]
    [InlineData("local[*]", true)]
    [InlineData("local-cluster[2,1,1024]", false)]
    [InlineData("yarn", false)]
    [InlineData("spark://host:7077", false)]
    [InlineData("k8s://https://k8s:6443", false)]
    [InlineData("mesos://host:5050", false)]
    public void Masters_are_classified(string master, bool local) =>
        Assert.Equal(local ? SparkMasterKind.Local : SparkMasterKind.Cluster, SparkConventions.Classify(master));

    [Fact]
    public void A_cluster_plan_registers_each_archive_under_its_own_alias_and_searches_relative_folders()
    {
        var bundle = SparkBundleVerifier.Verify(WriteBundle());
        var plan = SparkAttachPlanner.Create(bundle, "yarn", Path.Combine(_root, "cache"));

        Assert.Equal(SparkMasterKind.Cluster, plan.Kind);
        Assert.Equal(new[] { "./App.app-0123456789abcdef", "./App.deps-fedcba9876543210" }, plan.SearchPathEntries);
        Assert.Equal(new[]
        {
            new Uri(bundle.Archives[0].FullPath).AbsoluteUri + "#App.app-0123456789abcdef",
            new Uri(bundle.Archives[1].FullPath).AbsoluteUri + "#App.deps-fedcba9876543210",
        }, plan.ArchivesToRegister);
        Assert.Empty(plan.LocalFolders);
    }

    [Fact]
    public void A_local_plan_registers_nothing_and_searches_flat_copies_by_absolute_path()
    {
        var bundle = SparkBundleVerifier.Verify(WriteBundle());
        var cache = Path.Combine(_root, "cache");
        foreach (var master in new[] { "local[*]", "" })
        {
            var plan = SparkAttachPlanner.Create(bundle, master, cache);
            Assert.Equal(SparkMasterKind.Local, plan.Kind);
            Assert.Empty(plan.ArchivesToRegister);
            Assert.Equal(new[] { Path.Combine(cache, "App.app-0123456789abcdef"), Path.Combine(cache, "App.deps-fedcba9876543210") }, plan.SearchPathEntries);
            Assert.Equal(bundle.Archives.Select(a => a.FullPath), plan.LocalFolders.Select(f => f.Key));
        }
    }

    [Fact]
    public void Archive_uris_are_percent_encoded_so_spark_keeps_the_alias_apart()
    {
        var path = Path.Combine(_root, "with space", "App.app-1.zip");
        Assert.Equal("file://" + _root.Replace(" ", "%20") + "/with%20space/App.app-1.zip", SparkConventions.ArchiveUri(path));
    }

    [Fact]
    public void Search_paths_and_archives_are_appended_to_the_users_own_without_duplicates()
    {
        var plan = new SparkAttachPlan(SparkMasterKind.Cluster, new[] { "file:///b/A.app-1.zip#A.app-1" }, new[] { "./A.app-1" }, Array.Empty<KeyValuePair<string, string>>());

        Assert.Equal("./A.app-1", plan.CombineSearchPath(null!));
        Assert.Equal("/opt/mine,./A.app-1", plan.CombineSearchPath("/opt/mine"));
        Assert.Equal("/opt/mine,./A.app-1", plan.CombineSearchPath(plan.CombineSearchPath("/opt/mine")));
        Assert.True(plan.IsAttached("/opt/mine, ./A.app-1"));
        Assert.False(plan.IsAttached("/opt/mine"));
        Assert.Equal("hdfs:///x.zip#x,file:///b/A.app-1.zip#A.app-1", plan.CombineArchives("hdfs:///x.zip#x"));
        // Shipped by the submission under spark.yarn.dist.archives (YARN's --archives): not registered again.
        Assert.Equal("hdfs:///x.zip#x", plan.CombineArchives("hdfs:///x.zip#x",
            SparkAttachPlan.SubmittedAliases("", "hdfs:///staging/A.app-1.zip#A.app-1")));
        // The same alias registered from elsewhere (a previous attach) is not registered twice.
        Assert.Equal("spark://d:1/files/A.app-1.zip#A.app-1", plan.CombineArchives("spark://d:1/files/A.app-1.zip#A.app-1"));
        Assert.Equal("A.app-1", SparkBundleNames.AliasOfSpec("/x/A.app-1.zip"));
    }

    [Fact]
    public void A_good_bundle_verifies()
    {
        var bundle = SparkBundleVerifier.Verify(WriteBundle());
        Assert.Equal(2, bundle.Archives.Count);
        Assert.Equal("App.app-0123456789abcdef", bundle.Archives[0].Alias);
    }

    [Fact]
    public void A_missing_archive_is_named_with_the_fix()
    {
        var info = WriteBundle();
        var deps = Path.Combine(info.BundleDirectory, info.DependencyArchive);
        File.Delete(deps);
        var e = Assert.Throws<SparkBundleException>(() => SparkBundleVerifier.Verify(info));
        Assert.Contains(deps, e.Message);
        Assert.Contains("missing", e.Message);
        Assert.Contains("Rebuild", e.Message);
    }

    [Theory]
    [InlineData("truncate-deps")]
    [InlineData("garbage-app")]
    [InlineData("entry-added")]
    public void An_altered_archive_is_refused(string fault)
    {
        var info = WriteBundle();
        var app = Path.Combine(info.BundleDirectory, info.AppArchive);
        var deps = Path.Combine(info.BundleDirectory, info.DependencyArchive);
        string culprit = deps;
        switch (fault)
        {
            case "truncate-deps":
                using (var f = new FileStream(deps, FileMode.Open)) f.SetLength(f.Length - 10);
                break;
            case "garbage-app":
                File.WriteAllText(app, "not a zip");
                culprit = app;
                break;
            case "entry-added":
                using (var zip = ZipFile.Open(deps, ZipArchiveMode.Update)) zip.CreateEntry("evil.dll");
                // The size no longer matches either; make the manifest's size check pass to reach the entry check.
                culprit = deps;
                break;
        }
        var e = Assert.Throws<SparkBundleException>(() => SparkBundleVerifier.Verify(info));
        Assert.Contains(culprit, e.Message);
        Assert.Contains("altered", e.Message);
    }

    [Fact]
    public void An_archive_of_another_build_under_this_builds_name_is_stale()
    {
        var info = WriteBundle();
        var other = new SparkBundleInfo(info.BaseDirectory, info.Directory, info.AppArchive, "ffffffffffffffffffffffffffffffff",
            info.DependencyArchive, info.DependencyFingerprint, info.ManifestEntry, false);
        var e = Assert.Throws<SparkBundleException>(() => SparkBundleVerifier.Verify(other));
        Assert.Contains("stale", e.Message);
    }

    [Fact]
    public void A_design_time_placeholder_has_no_bundle()
    {
        var info = WriteBundle();
        var placeholder = new SparkBundleInfo(info.BaseDirectory, info.Directory, info.AppArchive, info.AppFingerprint,
            info.DependencyArchive, info.DependencyFingerprint, info.ManifestEntry, true);
        Assert.Contains("design-time", Assert.Throws<SparkBundleException>(() => SparkBundleVerifier.Verify(placeholder)).Message);
    }

    [Fact]
    public void Flat_copies_are_made_once_completely_even_by_concurrent_drivers()
    {
        var info = WriteBundle();
        var archive = Path.Combine(info.BundleDirectory, info.DependencyArchive);
        var folder = Path.Combine(_root, "cache", "App.deps-fedcba9876543210");

        Parallel.For(0, 4, _ => FlatBundleCache.Ensure(archive, folder));

        Assert.Equal(new[] { FlatBundleCache.ListFile, "Dep.dll", "libdep.so" }, Directory.GetFiles(folder).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.True(FlatBundleCache.IsComplete(folder));
        Assert.Single(Directory.GetDirectories(Path.Combine(_root, "cache")));   // no temporary folder left behind
        var stamp = Directory.GetLastWriteTimeUtc(folder);
        FlatBundleCache.Ensure(archive, folder);
        Assert.Equal(stamp, Directory.GetLastWriteTimeUtc(folder));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("added")]
    [InlineData("altered")]
    [InlineData("unlisted")]
    public void A_flat_copy_with_a_file_missing_added_or_altered_is_made_again_and_only_our_files_are_deleted(string fault)
    {
        var info = WriteBundle();
        var archive = Path.Combine(info.BundleDirectory, info.DependencyArchive);
        var cache = Path.Combine(_root, "cache");
        var folder = Path.Combine(cache, "App.deps-fedcba9876543210");
        FlatBundleCache.Ensure(archive, folder);
        var dep = Path.Combine(folder, "Dep.dll");
        switch (fault)
        {
            case "missing": File.Delete(dep); break;
            case "added": File.WriteAllText(Path.Combine(folder, "mine.txt"), "a user's file"); break;
            case "altered": File.WriteAllText(dep, "dependencz"); break;   // same size, new time
            case "unlisted": File.Delete(Path.Combine(folder, FlatBundleCache.ListFile)); break;   // a folder an older SDK made
        }
        Assert.False(FlatBundleCache.IsComplete(folder));

        FlatBundleCache.Ensure(archive, folder);

        Assert.True(FlatBundleCache.IsComplete(folder));
        Assert.Equal("dependency", File.ReadAllText(dep));
        Assert.False(File.Exists(Path.Combine(folder, "mine.txt")));
        var left = Directory.GetDirectories(cache).Where(d => d != folder).ToList();
        if (fault == "added")
        {
            // The user's file was not SparkShip's to delete: it stays, alone, in the folder moved aside.
            var aside = Assert.Single(left);
            Assert.StartsWith(folder + ".displaced-", aside);
            Assert.Equal(new[] { "mine.txt" }, Directory.GetFiles(aside).Select(Path.GetFileName));
        }
        else Assert.Empty(left);
    }

    [Theory]
    [InlineData("app-entry")]
    [InlineData("deps-byte")]
    [InlineData("manifest")]
    [InlineData("app-crc")]
    public void A_same_size_alteration_anywhere_in_the_content_is_refused(string fault)
    {
        var info = WriteBundle();
        var app = Path.Combine(info.BundleDirectory, info.AppArchive);
        var deps = Path.Combine(info.BundleDirectory, info.DependencyArchive);
        var culprit = fault.StartsWith("deps") ? deps : app;
        long size = new FileInfo(culprit).Length;
        switch (fault)
        {
            case "app-entry": FlipFirst(app, AppContent); break;       // the bytes of App.dll, stored
            case "deps-byte": FlipFirst(deps, "dependency"); break;
            case "app-crc":
                // The CRC-32 in the central directory (what a reader checks unpacked bytes against), content untouched.
                var bytes = File.ReadAllBytes(app);
                int central = IndexOf(bytes, new byte[] { 0x50, 0x4b, 0x01, 0x02 }, 0);
                bytes[central + 16] ^= 0x01;
                File.WriteAllBytes(app, bytes);
                break;
            case "manifest":
                // Rewritten with one character changed in a field nothing else checks: only its own checksum tells.
                string text;
                using (var zip = ZipFile.OpenRead(app)) using (var r = new StreamReader(zip.GetEntry(SparkBundleNames.ManifestEntry)!.Open())) text = r.ReadToEnd();
                using (var zip = ZipFile.Open(app, ZipArchiveMode.Update))
                {
                    zip.GetEntry(SparkBundleNames.ManifestEntry)!.Delete();
                    using var w = new StreamWriter(zip.CreateEntry(SparkBundleNames.ManifestEntry).Open());
                    w.Write(text.Replace("\"sdkVersion\": \"1.0.0\"", "\"sdkVersion\": \"1.0.1\""));
                }
                break;
        }
        if (fault != "manifest") Assert.Equal(size, new FileInfo(culprit).Length);

        var e = Assert.Throws<SparkBundleException>(() => SparkBundleVerifier.Verify(info, Path.Combine(_root, "cache")));

        Assert.Equal(SparkBundleException.AlteredArchive, e.Code);
        Assert.StartsWith("SSHIP1003: ", e.Message);
        Assert.Contains(culprit, e.Message);
        Assert.Contains("altered", e.Message);
        Assert.Contains("Rebuild the app", e.Message);
    }

    [Fact]
    public void A_verdict_is_cached_per_file_identity_so_a_warm_start_reads_no_content_and_a_changed_archive_is_checked_again()
    {
        var info = WriteBundle();
        var cache = Path.Combine(_root, "cache");
        var deps = Path.Combine(info.BundleDirectory, info.DependencyArchive);
        var app = Path.Combine(info.BundleDirectory, info.AppArchive);
        // Archives written just now are not given a verdict (a rewrite within the file system's time resolution would
        // keep their time): age them, as any archive is by the time a later driver starts.
        var old = DateTime.UtcNow.AddMinutes(-5);
        File.SetLastWriteTimeUtc(deps, old);
        File.SetLastWriteTimeUtc(app, old);

        SparkBundleVerifier.Verify(info, cache);
        var verdicts = Directory.GetFiles(Path.Combine(cache, SparkBundleVerdictCache.Folder));
        Assert.Single(verdicts);
        Assert.Contains(deps, File.ReadAllText(verdicts[0]));

        // Same size, same time, other bytes: a warm start trusts the verdict and reads nothing (proof it skipped the check).
        FlipFirst(deps, "dependency");
        File.SetLastWriteTimeUtc(deps, old);
        SparkBundleVerifier.Verify(info, cache);

        // The same alteration with its own time (what any write gives): checked again, refused.
        File.SetLastWriteTimeUtc(deps, old.AddSeconds(1));
        Assert.Equal(SparkBundleException.AlteredArchive, Assert.Throws<SparkBundleException>(() => SparkBundleVerifier.Verify(info, cache)).Code);
        // …and still refused next time: a failed check leaves no verdict.
        Assert.Throws<SparkBundleException>(() => SparkBundleVerifier.Verify(info, cache));
    }

    [Fact]
    public void A_fresh_archive_gets_no_verdict_yet()
    {
        var info = WriteBundle();
        var cache = Path.Combine(_root, "cache");
        SparkBundleVerifier.Verify(info, cache);
        Assert.False(Directory.Exists(Path.Combine(cache, SparkBundleVerdictCache.Folder)));
    }

    [Fact]
    public void Every_failure_carries_its_code_first()
    {
        var info = WriteBundle();
        var placeholder = new SparkBundleInfo(info.BaseDirectory, info.Directory, info.AppArchive, info.AppFingerprint,
            info.DependencyArchive, info.DependencyFingerprint, info.ManifestEntry, true);
        Assert.StartsWith("SSHIP1004: ", Assert.Throws<SparkBundleException>(() => SparkBundleVerifier.Verify(placeholder)).Message);
        var stale = new SparkBundleInfo(info.BaseDirectory, info.Directory, info.AppArchive, new string('f', 32),
            info.DependencyArchive, info.DependencyFingerprint, info.ManifestEntry, false);
        Assert.StartsWith("SSHIP1002: ", Assert.Throws<SparkBundleException>(() => SparkBundleVerifier.Verify(stale)).Message);
        File.Delete(Path.Combine(info.BundleDirectory, info.DependencyArchive));
        Assert.StartsWith("SSHIP1001: ", Assert.Throws<SparkBundleException>(() => SparkBundleVerifier.Verify(info)).Message);
    }

    private const string AppContent = "app-entry-0123456789";

    /// <summary>Flips one bit of the first occurrence of <paramref name="text"/> in the file, in place: same size.</summary>
    private static void FlipFirst(string path, string text)
    {
        var bytes = File.ReadAllBytes(path);
        int at = IndexOf(bytes, System.Text.Encoding.ASCII.GetBytes(text), 0);
        Assert.True(at >= 0, $"'{text}' is not stored as is in {path}");
        bytes[at + 2] ^= 0x01;
        using var f = new FileStream(path, FileMode.Open, FileAccess.Write);
        f.Write(bytes, 0, bytes.Length);
    }

    private static int IndexOf(byte[] haystack, byte[] needle, int from)
    {
        for (int i = from; i <= haystack.Length - needle.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }

    /// <summary>A real bundle written by the SDK's own writer: App.app-… (App.dll) and App.deps-… (Dep.dll, libdep.so).</summary>
    private SparkBundleInfo WriteBundle(string baseName = "bin", string workerArchive = "")
    {
        var src = Directory.CreateDirectory(Path.Combine(_root, "src")).FullName;
        File.WriteAllText(Path.Combine(src, "App.dll"), AppContent);
        File.WriteAllText(Path.Combine(src, "Dep.dll"), "dependency");
        File.WriteAllText(Path.Combine(src, "libdep.so"), "native");
        var baseDir = Directory.CreateDirectory(Path.Combine(_root, baseName)).FullName;
        var identity = new BundleIdentity
        {
            SdkVersion = "1.0.0", AssemblyName = "App", TargetFramework = "net8.0", Directory = "spark-bundle", ClusterRuntimeIdentifier = "linux-x64",
            AppArchive = "App.app-0123456789abcdef.zip", AppFingerprint = new string('a', 32),
            DependencyArchive = "App.deps-fedcba9876543210.zip", DependencyFingerprint = new string('d', 32),
        };
        new BundleWriter(FileHashCache.Load(null)).Write(new BundleWriteRequest
        {
            BundleDirectory = Path.Combine(baseDir, "spark-bundle"),
            ArchivesFile = Path.Combine(_root, "obj", "archives.txt"),
            Identity = identity,
            Files = new[]
            {
                new BundleFileRef(Path.Combine(src, "App.dll"), "App.dll", BundleLayer.App),
                new BundleFileRef(Path.Combine(src, "Dep.dll"), "Dep.dll", BundleLayer.Dependencies),
                new BundleFileRef(Path.Combine(src, "libdep.so"), "libdep.so", BundleLayer.Dependencies),
            },
        });
        return new SparkBundleInfo(baseDir, identity.Directory, identity.AppArchive, identity.AppFingerprint,
            identity.DependencyArchive, identity.DependencyFingerprint, SparkBundleNames.ManifestEntry, false, workerArchive, workerArchive.Length > 0 ? "2.3.1" : "");
    }

    // A driver started by DotnetRunner from a driver archive written without the dependency layer (the publish holds
    // its files): <dir>/<name>.zip unpacked into <dir>/<name>/. The executors get that archive in the layer's place.
    private SparkBundleInfo UnpackedDriver(params (string Name, string Content)[] entries)
    {
        const string name = "App.driver-00112233445566aa";
        var info = WriteBundle(name);
        File.Delete(Path.Combine(info.BundleDirectory, info.DependencyArchive));
        using (var zip = ZipFile.Open(Path.Combine(_root, name + ".zip"), ZipArchiveMode.Create))
            foreach (var (entry, content) in entries)
                using (var w = new StreamWriter(zip.CreateEntry(entry).Open())) w.Write(content);
        return info;
    }

    [Fact]
    public void A_driver_unpacked_from_a_driver_archive_that_carries_the_dependency_files_gives_the_executors_that_archive()
    {
        var info = UnpackedDriver(("App", "ELF"), ("Dep.dll", "dependency"), ("libdep.so", "native"));

        var bundle = SparkBundleVerifier.Verify(info);

        Assert.Equal(new[] { info.AppArchive, "App.driver-00112233445566aa.zip" }, bundle.Archives.Select(a => a.Name));
        Assert.True(bundle.Archives[1].IsDriverArchive);
        var plan = SparkAttachPlanner.Create(bundle, "yarn", Path.Combine(_root, "cache"));
        Assert.EndsWith("/App.driver-00112233445566aa.zip#App.driver-00112233445566aa", plan.ArchivesToRegister[1]);
        Assert.Equal(new[] { "./App.app-0123456789abcdef", "./App.driver-00112233445566aa" }, plan.SearchPathEntries);
    }

    [Fact]
    public void A_driver_archive_without_a_dependency_file_of_the_layer_is_refused_with_SSHIP1003()
    {
        var missing = UnpackedDriver(("App", "ELF"), ("Dep.dll", "dependency"));
        var e = Assert.Throws<SparkBundleException>(() => SparkBundleVerifier.Verify(missing));
        Assert.Equal(SparkBundleException.AlteredArchive, e.Code);
        Assert.Contains("libdep.so", e.Message);
        Assert.Contains("App.driver-00112233445566aa.zip", e.Message);
    }

    [Fact]
    public void Without_the_driver_archive_beside_it_a_missing_dependency_layer_is_SSHIP1001()
    {
        var info = WriteBundle("App.driver-00112233445566aa");   // named like one, but no zip beside it
        File.Delete(Path.Combine(info.BundleDirectory, info.DependencyArchive));
        var e = Assert.Throws<SparkBundleException>(() => SparkBundleVerifier.Verify(info));
        Assert.Equal(SparkBundleException.MissingArchive, e.Code);
        Assert.Contains("App.driver-00112233445566aa.zip", e.Message);   // what to keep beside the folder
    }

    // Cluster deploy mode: the printed command ships the worker archive (--archives), so the driver's host need not
    // have the local file the build checked; the plan points DOTNET_WORKER_DIR into it and does not register it again.
    [Fact]
    public void A_worker_archive_the_submission_ships_need_not_be_on_the_drivers_host_and_is_not_registered_again()
    {
        const string alias = "Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1";
        var info = WriteBundle(workerArchive: Path.Combine(_root, "gone", alias + ".tar.gz"));
        var submitted = SparkAttachPlan.SubmittedAliases("", $"hdfs:///staging/{alias}.tar.gz#{alias}");

        var bundle = SparkBundleVerifier.Verify(info, null, submitted);

        Assert.True(bundle.Worker!.ShippedBySubmission);
        var plan = SparkAttachPlanner.Create(bundle, "yarn", Path.Combine(_root, "cache"));
        Assert.Equal(2, plan.ArchivesToRegister.Count);   // the two layers, not the worker
        Assert.DoesNotContain(plan.ArchivesToRegister, a => a.Contains(alias));
        Assert.Equal($"./{alias}/Microsoft.Spark.Worker-2.3.1", plan.WorkerDirectory);
        // Another alias shipped does not stand for it: the file is missing, SSHIP1008.
        Assert.Equal(SparkBundleException.MissingWorkerArchive, Assert.Throws<SparkBundleException>(
            () => SparkBundleVerifier.Verify(info, null, SparkAttachPlan.SubmittedAliases("hdfs:///w/other.tar.gz#other"))).Code);
    }
}

/// <summary>The attach plan for every master and deploy mode: the mode never changes it, the master decides.</summary>
public sealed class AttachPlanMatrixTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sparkship-plan-").FullName;
    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("local", "client", true)]
    [InlineData("local[8]", "client", true)]
    [InlineData("local-cluster[2,1,1024]", "client", false)]
    [InlineData("spark://m:7077", "client", false)]
    [InlineData("spark://m:7077", "cluster", false)]
    [InlineData("yarn", "client", false)]
    [InlineData("yarn", "cluster", false)]
    [InlineData("k8s://https://k:6443", "client", false)]
    [InlineData("k8s://https://k:6443", "cluster", false)]
    public void Plan(string master, string deployMode, bool local)
    {
        _ = deployMode; // spark.submit.deployMode is not an input: in Kubernetes cluster mode the driver even reports "client"
        File.WriteAllText(Path.Combine(_root, "App.app-1.zip"), "");
        File.WriteAllText(Path.Combine(_root, "App.deps-2.zip"), "");
        var bundle = new VerifiedBundle(
            new SparkBundleInfo(_root, ".", "App.app-1.zip", "", "App.deps-2.zip", "", "m.json", false),
            new[] { new VerifiedArchive("App.app-1.zip", Path.Combine(_root, "App.app-1.zip"), 0), new VerifiedArchive("App.deps-2.zip", Path.Combine(_root, "App.deps-2.zip"), 0) });

        var plan = SparkAttachPlanner.Create(bundle, master, Path.Combine(_root, "cache"));

        if (local)
        {
            Assert.Empty(plan.ArchivesToRegister);
            Assert.All(plan.SearchPathEntries, e => Assert.True(Path.IsPathRooted(e)));
            Assert.Equal(2, plan.LocalFolders.Count);
        }
        else
        {
            Assert.Equal(new[] { "./App.app-1", "./App.deps-2" }, plan.SearchPathEntries);
            Assert.All(plan.ArchivesToRegister, a => Assert.StartsWith("file:///", a));
            Assert.Empty(plan.LocalFolders);
        }
    }
}
