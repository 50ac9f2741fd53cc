using System.Formats.Tar;
using System.IO.Compression;
using SparkShip.Runtime;
using SparkShip.Tasks;
using SparkShip.Tasks.Hashing;
using SparkShip.Tasks.Planning;
using SparkShip.Tests.Support;
using Xunit;

namespace SparkShip.Tests.Shim;

/// <summary>
/// The worker release archive that travels with the job (SparkWorkerArchive): its names, the shim's tar reader and
/// unpacking, the build's check, and the attach plan. The archives here are test-only fakes with the release's
/// layout (Microsoft.Spark.Worker-&lt;version&gt;/Microsoft.Spark.Worker), written by System.Formats.Tar and ZipFile.
/// </summary>
public sealed class WorkerReleaseTests : IDisposable
{
    private readonly TempFolder _dir = new("worker");

    public void Dispose() => _dir.Dispose();

    internal static string WriteRelease(string folder, string version, string extension = ".tar.gz", bool withExecutable = true,
        string? folderVersion = null, string? name = null)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name ?? $"Microsoft.Spark.Worker.net8.0.linux-x64-{version}{extension}");
        var root = "Microsoft.Spark.Worker-" + (folderVersion ?? version) + "/";
        var files = new List<(string Name, string Text, UnixFileMode Mode)>
        {
            (root + "Microsoft.Spark.dll", "assembly", (UnixFileMode)0x1A4),
            (root + "a/deeply/nested/folder/with/a/name/long/enough/to/need/more/than/one/hundred/characters/in/a/tar/header/file.txt", "deep", (UnixFileMode)0x1A4),
        };
        if (withExecutable) files.Add((root + "Microsoft.Spark.Worker", "#!/bin/sh\necho worker\n", (UnixFileMode)0x1ED));
        if (extension == ".zip")
        {
            using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
            foreach (var f in files)
            {
                var entry = zip.CreateEntry(f.Name);   // no Unix mode: as a zip written on Windows
                using var w = new StreamWriter(entry.Open());
                w.Write(f.Text);
            }
            return path;
        }
        using (var file = File.Create(path))
        using (Stream stream = extension == ".tar" ? file : new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(stream, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, root) { Mode = (UnixFileMode)0x1ED });
            foreach (var f in files)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, f.Name) { Mode = f.Mode, DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(f.Text)) });
        }
        return path;
    }

    [Theory]
    [InlineData("Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz", "2.3.1", "Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1", ".tar.gz")]
    [InlineData("Microsoft.Spark.Worker.net8.0.win-x64-2.3.1.zip", "2.3.1", "Microsoft.Spark.Worker.net8.0.win-x64-2.3.1", ".zip")]
    [InlineData("Microsoft.Spark.Worker.net48.win-x64-1.0.0.zip", "1.0.0", "Microsoft.Spark.Worker.net48.win-x64-1.0.0", ".zip")]
    [InlineData("Microsoft.Spark.Worker.net8.0.linux-arm64-2.4.0-preview1.tgz", "2.4.0-preview1", "Microsoft.Spark.Worker.net8.0.linux-arm64-2.4.0-preview1", ".tgz")]
    [InlineData("worker.tar", null, "worker", ".tar")]
    [InlineData("Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.7z", null, "Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.7z", null)]
    public void Release_names_give_the_version_the_alias_and_the_format(string name, string? version, string alias, string? extension)
    {
        Assert.Equal(version, SparkWorkerRelease.VersionFromFileName(name));
        Assert.Equal(alias, SparkWorkerRelease.AliasOf(name));
        Assert.Equal(extension, SparkWorkerRelease.ExtensionOf(name));
    }

    [Fact]
    public void Paths_and_uris_are_told_apart_and_a_local_archive_becomes_a_file_uri_with_its_alias()
    {
        Assert.Null(SparkWorkerRelease.SchemeOf("/opt/w.tar.gz"));
        Assert.Null(SparkWorkerRelease.SchemeOf(@"C:\w\w.zip"));
        Assert.Equal("hdfs", SparkWorkerRelease.SchemeOf("HDFS:///w/w.tar.gz"));
        Assert.True(SparkWorkerRelease.IsLocal("file:///opt/w.tar.gz"));
        Assert.False(SparkWorkerRelease.IsLocal("s3a://bucket/w.tar.gz"));
        Assert.False(SparkWorkerRelease.IsSupportedScheme("local"));
        Assert.False(SparkWorkerRelease.IsSupportedScheme("sftp"));
        Assert.True(SparkWorkerRelease.IsSupportedScheme("abfss"));
        Assert.Equal("Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz",
            SparkWorkerRelease.FileNameOf("https://github.com/x/releases/download/v2.3.1/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz?raw=1"));

        var local = Path.Combine(_dir.Path, "with space", "Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz");
        Assert.Equal(new Uri(local).AbsoluteUri + "#Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1", SparkWorkerRelease.ArchiveSpec(local));
        Assert.Contains("%20", SparkWorkerRelease.ArchiveSpec(local));
        Assert.Equal("hdfs:///w/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz#Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1",
            SparkWorkerRelease.ArchiveSpec("hdfs:///w/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz"));
        Assert.Equal("./A/Microsoft.Spark.Worker-2.3.1", SparkWorkerRelease.ClusterDirectory("A", "2.3.1"));
        Assert.Equal(new[] { "DOTNET_WORKER_2_3_1_DIR", "DOTNET_WORKER_2_3_DIR", "DOTNET_WORKER_2_DIR" }, SparkWorkerRelease.VersionSpecificVariables("2.3.1"));
    }

    [Theory]
    [InlineData(".tar.gz")]
    [InlineData(".tar")]
    [InlineData(".zip")]
    public void The_shim_lists_and_unpacks_a_release_keeping_the_worker_executable(string extension)
    {
        var archive = WriteRelease(_dir.Combine("dl"), "2.3.1", extension);

        var names = SparkWorkerRelease.EntryNames(archive);
        Assert.Equal("2.3.1", SparkWorkerRelease.VersionFromEntries(names));
        Assert.Contains(names, n => n.EndsWith("/header/file.txt", StringComparison.Ordinal) && n.Length > 100);   // a pax long name

        var folder = _dir.Combine("out");
        SparkWorkerRelease.Extract(archive, folder);
        var exe = Path.Combine(folder, "Microsoft.Spark.Worker-2.3.1", "Microsoft.Spark.Worker");
        Assert.Equal("#!/bin/sh\necho worker\n", File.ReadAllText(exe));
        Assert.Equal("deep", File.ReadAllText(Directory.GetFiles(folder, "file.txt", SearchOption.AllDirectories).Single()));
        if (!OperatingSystem.IsWindows())
        {
            Assert.True(File.GetUnixFileMode(exe).HasFlag(UnixFileMode.UserExecute), "the worker executable lost its executable bit");
            if (extension != ".zip")
                Assert.False(File.GetUnixFileMode(Path.Combine(folder, "Microsoft.Spark.Worker-2.3.1", "Microsoft.Spark.dll")).HasFlag(UnixFileMode.UserExecute));
        }
    }

    [Theory]
    [InlineData(TarEntryFormat.Gnu)]      // what GNU tar writes by default: long names in 'L' entries, no ustar prefix
    [InlineData(TarEntryFormat.Ustar)]    // long names split into prefix and name
    [InlineData(TarEntryFormat.V7)]
    public void Tar_formats_release_tools_write_are_read_with_their_full_names(TarEntryFormat format)
    {
        var name = "Microsoft.Spark.Worker-2.3.1/" + string.Join("/", Enumerable.Repeat("folder", format switch { TarEntryFormat.V7 => 5, TarEntryFormat.Ustar => 12, _ => 20 })) + "/Microsoft.Spark.Worker";
        var path = _dir.Combine("release.tar");
        using (var file = File.Create(path))
        using (var tar = new TarWriter(file, format))
        {
            TarEntry entry = format switch
            {
                TarEntryFormat.Gnu => new GnuTarEntry(TarEntryType.RegularFile, name) { ModificationTime = DateTimeOffset.UnixEpoch.AddYears(50) },
                TarEntryFormat.Ustar => new UstarTarEntry(TarEntryType.RegularFile, name),
                _ => new V7TarEntry(TarEntryType.V7RegularFile, name),
            };
            entry.DataStream = new MemoryStream(new byte[] { 42 });
            tar.WriteEntry(entry);
            tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "Microsoft.Spark.Worker-2.3.1/Microsoft.Spark.Worker") { DataStream = new MemoryStream(new byte[] { 7 }) });
        }
        Assert.Equal(new[] { name, "Microsoft.Spark.Worker-2.3.1/Microsoft.Spark.Worker" }, SparkWorkerRelease.EntryNames(path));
        SparkWorkerRelease.Extract(path, _dir.Combine("x"));
        Assert.Equal(new byte[] { 42 }, File.ReadAllBytes(_dir.Combine("x/" + name)));
    }

    [Fact]
    public void A_tar_entry_that_would_land_outside_the_folder_or_a_file_that_is_not_a_tar_is_refused()
    {
        var evil = _dir.Combine("evil.tar");
        using (var file = File.Create(evil))
        using (var tar = new TarWriter(file, TarEntryFormat.Ustar))
            tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "../escaped.txt") { DataStream = new MemoryStream(new byte[] { 1 }) });
        Assert.Throws<InvalidDataException>(() => SparkWorkerRelease.Extract(evil, _dir.Combine("x")));
        Assert.False(File.Exists(_dir.Combine("escaped.txt")));

        var text = _dir.Write("not-a.tar.gz", "plain text, not gzip");
        Assert.ThrowsAny<InvalidDataException>(() => SparkWorkerRelease.EntryNames(text));
    }

    [Fact]
    public void Local_mode_unpacks_the_worker_into_the_cache_once()
    {
        var archive = WriteRelease(_dir.Combine("dl"), "2.3.1");
        var folder = _dir.Combine("cache/workers/w");
        FlatBundleCache.Ensure(archive, folder, SparkWorkerRelease.Extract, SparkWorkerRelease.EntryNames);
        var exe = Path.Combine(folder, "Microsoft.Spark.Worker-2.3.1", "Microsoft.Spark.Worker");
        var stamp = File.GetLastWriteTimeUtc(exe);
        Assert.True(FlatBundleCache.IsComplete(folder));

        FlatBundleCache.Ensure(archive, folder, SparkWorkerRelease.Extract, SparkWorkerRelease.EntryNames);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(exe));   // not unpacked again
        File.Delete(exe);
        FlatBundleCache.Ensure(archive, folder, SparkWorkerRelease.Extract, SparkWorkerRelease.EntryNames);
        Assert.True(File.Exists(exe));                         // an incomplete copy is made again
        Assert.Equal(new[] { "w" }, Directory.GetDirectories(_dir.Combine("cache/workers")).Select(Path.GetFileName));   // no temporary or displaced folder left
    }

    // ----- the build's check -----

    private (WorkerArchiveFacts? Facts, Diagnostic? Problem) Check(string value, string? sparkVersion = "2.3.1") =>
        WorkerArchiveCheck.Check(value, _dir.Path, sparkVersion);

    [Fact]
    public void A_local_release_of_the_same_major_passes_with_the_version_of_its_content_and_its_full_path()
    {
        WriteRelease(_dir.Combine("dl"), "2.3.1", folderVersion: "2.3.0");
        var (facts, problem) = Check("dl/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz");
        Assert.Null(problem);
        Assert.Equal(_dir.Combine("dl/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz"), facts!.Archive);
        Assert.Equal("2.3.0", facts.Version);   // the folder it unpacks to decides DOTNET_WORKER_DIR
        Assert.Null(Check("").Facts);
        Assert.Null(Check("").Problem);
    }

    [Fact]
    public void A_release_of_another_major_is_SSHIP0015_by_content_or_by_name()
    {
        WriteRelease(_dir.Combine("dl"), "3.0.0");
        var (facts, problem) = Check("dl/Microsoft.Spark.Worker.net8.0.linux-x64-3.0.0.tar.gz");
        Assert.Null(facts);
        Assert.Equal("SSHIP0015", problem!.Code);
        Assert.Contains("Microsoft.Spark.Worker 3.0.0", problem.Message);
        Assert.Contains("Microsoft.Spark 2.3.1", problem.Message);

        Assert.Equal("SSHIP0015", Check("hdfs:///w/Microsoft.Spark.Worker.net8.0.linux-x64-1.0.0.tar.gz").Problem!.Code);
        Assert.Equal("SSHIP0015", Check("hdfs:///w/worker.tar.gz").Problem!.Code);   // a URI's version comes from its name only
        Assert.Null(Check("hdfs:///w/Microsoft.Spark.Worker.net8.0.linux-x64-2.1.0.tar.gz").Problem);
        Assert.Equal("2.1.0", Check("hdfs:///w/Microsoft.Spark.Worker.net8.0.linux-x64-2.1.0.tar.gz").Facts!.Version);
    }

    [Fact]
    public void A_local_archive_without_the_worker_executable_missing_or_not_an_archive_is_SSHIP0016()
    {
        WriteRelease(_dir.Combine("dl"), "2.3.1", withExecutable: false);
        var (_, noExe) = Check("dl/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz");
        Assert.Equal("SSHIP0016", noExe!.Code);
        Assert.Contains("holds no Microsoft.Spark.Worker-<version>/Microsoft.Spark.Worker", noExe.Message);

        Assert.Equal("SSHIP0016", Check("dl/absent-2.3.1.tar.gz").Problem!.Code);
        _dir.Write("dl/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.2.zip", "not a zip");
        Assert.Equal("SSHIP0016", Check("dl/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.2.zip").Problem!.Code);
    }

    [Theory]
    [InlineData("local:///opt/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz", "'local:'")]
    [InlineData("sftp://host/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz", "'sftp:'")]
    [InlineData("hdfs:///w/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.7z", ".7z")]
    public void A_scheme_or_format_Spark_cannot_ship_is_SSHIP0017(string value, string named)
    {
        var (facts, problem) = Check(value);
        Assert.Null(facts);
        Assert.Equal("SSHIP0017", problem!.Code);
        Assert.Contains(named, problem.Message);
    }

    [Fact]
    public void The_identify_step_records_the_worker_archive_and_it_renames_the_app_layer_only()
    {
        var project = _dir.Combine("App");
        var records = new List<string>
        {
            "Option\tProjectDirectory\t" + project, "Option\tAssemblyName\tApp", "Option\tArchivePrefix\tApp",
            "Option\tTargetFramework\tnet8.0", "Option\tTargetFrameworkMoniker\t.NETCoreApp,Version=v8.0", "Option\tBundleDirectory\tspark-bundle",
            "Option\tWorkerTargetFramework\tnet8.0", "Compiled\t" + _dir.Combine("App/obj/App.dll") + "\tApp.dll",
            "CopyLocal\t" + _dir.WriteOld("packages/h/Humanizer.dll", "h") + "\t\tHumanizer.Core\t2.14.1\t\truntime",
            "SparkReference\t" + _dir.WriteOld("packages/spark/Microsoft.Spark.dll", "s") + "\tMicrosoft.Spark\t2.3.1",
        };
        WriteRelease(Path.Combine(project, "dl"), "2.3.1");
        BundleIdentity Identify(string worker)
        {
            var found = new BundleIdentifier(FileHashCache.Load(null), "1.0.0").Identify(BundleInputs.Parse(records.Append("Option\tWorkerArchive\t" + worker)));
            Assert.False(found.HasErrors, string.Join("\n", found.Diagnostics));
            return found.Identity!;
        }

        var without = Identify("");
        var with = Identify("dl/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz");
        Assert.Equal("", without.WorkerArchive);
        Assert.Equal(Path.Combine(project, "dl", "Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz"), with.WorkerArchive);
        Assert.Equal("2.3.1", with.WorkerArchiveVersion);
        Assert.NotEqual(without.AppArchive, with.AppArchive);   // compiled into the app: its bytes change
        Assert.Equal(without.DependencyArchive, with.DependencyArchive);

        var text = BundleIdentityFile.Format(with);
        Assert.Contains("WorkerDirectory=./Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1/Microsoft.Spark.Worker-2.3.1\n", text);
        Assert.Contains("WorkerArchiveSpec=" + SparkWorkerRelease.ArchiveSpec(with.WorkerArchive) + "\n", text);
        var path = _dir.Write("identity.txt", text);
        var read = BundleIdentityFile.Read(path);
        Assert.Equal((with.WorkerArchive, with.WorkerArchiveVersion), (read.WorkerArchive, read.WorkerArchiveVersion));
    }

    // ----- the attach plan -----

    private static VerifiedBundle Bundle(VerifiedWorkerArchive? worker) => new(
        new SparkBundleInfo("/app", "spark-bundle", "App.app-0123456789abcdef.zip", "0123456789abcdef", "", "", SparkBundleNames.ManifestEntry, false),
        new[] { new VerifiedArchive("App.app-0123456789abcdef.zip", "/app/spark-bundle/App.app-0123456789abcdef.zip", 10) }, worker);

    [Fact]
    public void A_cluster_plan_registers_the_worker_archive_like_the_layers_and_points_DOTNET_WORKER_DIR_inside_it()
    {
        var worker = new VerifiedWorkerArchive("/dl/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz", "2.3.1", "/dl/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz", 5);
        var plan = SparkAttachPlanner.Create(Bundle(worker), "yarn", "/cache");
        Assert.Equal(new[]
        {
            "file:///app/spark-bundle/App.app-0123456789abcdef.zip#App.app-0123456789abcdef",
            "file:///dl/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz#Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1",
        }, plan.ArchivesToRegister);
        Assert.Equal(new[] { "./App.app-0123456789abcdef" }, plan.SearchPathEntries);   // the worker is not a search path
        Assert.Equal("./Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1/Microsoft.Spark.Worker-2.3.1", plan.WorkerDirectory);
        Assert.Null(plan.LocalWorker);

        var remote = new VerifiedWorkerArchive("abfss://c@a.dfs.core.windows.net/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz", "2.3.1", null);
        Assert.Equal("abfss://c@a.dfs.core.windows.net/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz#Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1",
            SparkAttachPlanner.Create(Bundle(remote), "k8s://https://k:6443", "/cache").ArchivesToRegister[1]);

        var none = SparkAttachPlanner.Create(Bundle(null), "yarn", "/cache");
        Assert.Null(none.WorkerDirectory);
        Assert.Single(none.ArchivesToRegister);
    }

    [Fact]
    public void A_local_plan_unpacks_a_local_worker_archive_into_the_cache_and_leaves_a_remote_one_alone()
    {
        var time = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        var worker = new VerifiedWorkerArchive("/dl/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz", "2.3.1", "/dl/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz", 5, time);
        var plan = SparkAttachPlanner.Create(Bundle(worker), "local[*]", "/cache");
        Assert.Empty(plan.ArchivesToRegister);
        var folder = plan.LocalWorker!.Value.Value;
        Assert.Equal("/dl/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz", plan.LocalWorker.Value.Key);
        Assert.StartsWith("/cache/workers/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1-", folder);
        Assert.Equal(Path.Combine(folder, "Microsoft.Spark.Worker-2.3.1"), plan.WorkerDirectory);
        // Another download at the same path (another size or time): another folder, never a half-replaced one.
        var redownloaded = new VerifiedWorkerArchive(worker.Spec, "2.3.1", worker.LocalPath, 5, time.AddMinutes(1));
        Assert.NotEqual(folder, SparkAttachPlanner.Create(Bundle(redownloaded), "local", "/cache").LocalWorker!.Value.Value);

        var remote = SparkAttachPlanner.Create(Bundle(new VerifiedWorkerArchive("hdfs:///w/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz", "2.3.1", null)), "local", "/cache");
        Assert.Null(remote.WorkerDirectory);
        Assert.Null(remote.LocalWorker);
    }

    [Fact]
    public void The_driver_refuses_a_local_worker_archive_that_is_gone_with_SSHIP1008()
    {
        var info = new SparkBundleInfo(_dir.Path, ".", "App.app-0123456789abcdef.zip", "0123456789abcdef", "", "", SparkBundleNames.ManifestEntry, false,
            _dir.Combine("gone/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz"), "2.3.1");
        _dir.Write("App.app-0123456789abcdef.zip", "x");
        var e = Assert.Throws<SparkBundleException>(() => SparkBundleVerifier.Verify(info));
        Assert.Equal(SparkBundleException.MissingWorkerArchive, e.Code);
        Assert.Contains("gone", e.Message);
    }
}
