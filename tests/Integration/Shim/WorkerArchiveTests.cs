using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Shim;

/// <summary>
/// The worker travels with the job (issue 11, item 2): a real driver app built with SparkWorkerArchive, run against
/// the test-only Microsoft.Spark stand-in (exact 2.3.1 signatures, simulated JVM; it reproduces how the driver picks
/// the worker path once, on the first UDF, from DOTNET_WORKER_[version_]DIR). The archive is a test-only fake with the
/// release's layout whose "Microsoft.Spark.Worker" starts tests/Assets/WorkerHarness (the worker's assembly lookup
/// reproduced), and executors are reproduced by unpacking spark.archives as Spark does. No Spark runs here.
/// </summary>
public class WorkerArchiveTests
{
    private const string Release = "Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz";
    private const string Alias = "Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1";

    private static TestProject DriverWithWorker(string extension = ".tar.gz")
    {
        var p = Scenarios.SparkDriverApp(extraAppProperties: $"<SparkWorkerArchive>../downloads/{AliasWith(extension)}</SparkWorkerArchive>");
        FakeWorkerRelease.Write(p.PathOf("downloads"), "2.3.1", extension);
        return p;
    }

    private static string AliasWith(string extension) => Alias + extension;

    [Fact]
    public void On_a_cluster_master_the_worker_archive_is_registered_like_the_layers_and_the_UDF_runs_in_the_worker_it_brought()
    {
        var p = DriverWithWorker();
        p.Build("App/App.csproj").AssertSuccess();
        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));

        // A machine with a worker installed (and a version-specific variable, which the driver reads first): the
        // project's archive wins, since those paths do not exist on the executors.
        var run = DriverRun.Start(p, "session", "yarn", AttachTests.Cache(p), extraEnvironment: new Dictionary<string, string?>
        {
            ["DOTNET_WORKER_DIR"] = "/opt/installed/Microsoft.Spark.Worker",
            ["DOTNET_WORKER_2_DIR"] = "/opt/installed-2/Microsoft.Spark.Worker",
        });

        Assert.True(run.Process.ExitCode == 0, run.Process.ToString());
        var archives = run["ARCHIVES"].Split(',');
        Assert.Equal(3, archives.Length);
        Assert.EndsWith($"/{bundle.AppArchive}#{AttachTests.Alias(bundle.AppArchive)}", archives[0]);
        Assert.EndsWith($"/{Release}#{Alias}", archives[2]);
        Assert.Equal("0", run["ADDARCHIVE"]);   // through spark.archives, before the context exists
        Assert.Equal($"./{Alias}/Microsoft.Spark.Worker-2.3.1", run["WORKERDIR"]);
        Assert.Equal($"./{Alias}/Microsoft.Spark.Worker-2.3.1/Microsoft.Spark.Worker", run["WORKEREXE"]);   // sent with the UDF
        Assert.Equal($"./{AttachTests.Alias(bundle.AppArchive)},./{AttachTests.Alias(bundle.DependencyArchive!)}", run["UDFENV"]);

        // An executor: its working folder gets every archive unpacked into ./<alias>; the driver's worker path,
        // relative, resolves there, to the executable the archive brought, which runs the UDF.
        var executor = Directory.CreateDirectory(p.PathOf("executor-1")).FullName;
        FakeWorkerRelease.UnpackAsExecutor(executor, archives,
            bundle.Archives.Select(bundle.PathOf).Append(p.PathOf("downloads/" + Release)));
        var udf = Harness.RunInWorker(Path.Combine(executor, run["WORKEREXE"]), run["UDFENV"], executor);
        Assert.True(udf.ExitCode == 0, udf.ToString());
        Assert.Contains("RESULT: Hello World|sqlite3|v1", udf.Output);
    }

    [Theory]
    [InlineData(".tar.gz")]
    [InlineData(".zip")]
    public void On_a_local_master_the_worker_is_unpacked_once_into_the_user_cache_and_DOTNET_WORKER_DIR_is_its_absolute_folder(string extension)
    {
        var p = DriverWithWorker(extension);
        p.Build("App/App.csproj").AssertSuccess();
        var cache = AttachTests.Cache(p);

        var run = DriverRun.Start(p, "session", "local[*]", cache);

        Assert.True(run.Process.ExitCode == 0, run.Process.ToString());
        Assert.Equal("", run["ARCHIVES"]);
        var workerDir = run["WORKERDIR"];
        Assert.StartsWith(Path.Combine(cache, "workers", Alias + "-"), workerDir);
        Assert.EndsWith("/Microsoft.Spark.Worker-2.3.1", workerDir);
        var exe = Path.Combine(workerDir, "Microsoft.Spark.Worker");
        Assert.Equal(exe, run["WORKEREXE"]);
        Assert.Equal(FakeWorkerRelease.Script, File.ReadAllText(exe));

        // The worker from the cache runs the UDF from the flat copies, wherever the executor's folder is.
        var udf = ProcessRunner.Run(exe,
            new[] { "--assembly-file", "Lib.dll", "--type", "Lib.TextUdfs", "--method", "Describe", "--input", "hello_world" },
            Directory.CreateDirectory(p.PathOf("local-executor")).FullName,
            new Dictionary<string, string?> { ["DOTNET_ASSEMBLY_SEARCH_PATHS"] = run["UDFENV"], ["DOTNET_ROLL_FORWARD"] = "Major" },
            TimeSpan.FromMinutes(2));
        Assert.True(udf.ExitCode == 0, udf.ToString());
        Assert.Contains("RESULT: Hello World|sqlite3|v1", udf.Output);

        // Once: a second driver finds the folder complete and unpacks nothing.
        var stamp = File.GetLastWriteTimeUtc(exe);
        Thread.Sleep(50);
        var again = DriverRun.Start(p, "session", "local[2]", cache);
        Assert.True(again.Process.ExitCode == 0, again.Process.ToString());
        Assert.Equal(workerDir, again["WORKERDIR"]);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(exe));
        Assert.Single(Directory.GetDirectories(Path.Combine(cache, "workers")));
    }

    [Fact]
    public void A_worker_archive_gone_since_the_build_stops_the_driver_with_SSHIP1008()
    {
        var p = DriverWithWorker();
        p.Build("App/App.csproj").AssertSuccess();
        File.Delete(p.PathOf("downloads/" + Release));

        var run = DriverRun.Start(p, "session", "yarn", AttachTests.Cache(p));

        Assert.True(run.Process.ExitCode == 3, run.Process.ToString());
        Assert.StartsWith("SSHIP1008: ", run.Process.Error);
        Assert.Contains(p.PathOf("downloads/" + Release), run.Process.Error);
        Assert.DoesNotContain("ARCHIVES=", run.Process.Output);
    }

    [Fact]
    public void Bad_worker_archives_are_coded_build_errors_and_nothing_is_written()
    {
        var p = Scenarios.SparkDriverApp();
        var otherMajor = FakeWorkerRelease.Write(p.PathOf("downloads/v3"), "3.0.0");
        var noExecutable = FakeWorkerRelease.Write(p.PathOf("downloads/broken"), "2.3.1", withExecutable: false);
        var cases = new[]
        {
            ("SSHIP0015", otherMajor, "Microsoft.Spark.Worker 3.0.0"),
            ("SSHIP0016", noExecutable, "holds no Microsoft.Spark.Worker-<version>/Microsoft.Spark.Worker"),
            ("SSHIP0017", "sftp://host/" + Release, "'sftp:'"),
            ("SSHIP0015", "hdfs:///workers/Microsoft.Spark.Worker.net8.0.linux-x64-1.0.0.tar.gz", "Microsoft.Spark.Worker 1.0.0"),
        };
        foreach (var (code, archive, text) in cases)
        {
            var r = p.Build("App/App.csproj", "-p:SparkWorkerArchive=" + archive).AssertFailure();
            var diagnostic = Assert.Single(r.Diagnostics(code));
            Assert.Contains(text, diagnostic);
            Assert.Contains("Nothing was written", diagnostic);
            Assert.False(Directory.Exists(p.PathOf("App/bin/Debug/net8.0/spark-bundle")), "a bundle was written");
            Assert.False(File.Exists(p.PathOf("App/obj/Debug/net8.0/sparkship/identity.txt")), "an identity was written");
        }
        // The same project with a good archive builds.
        var good = FakeWorkerRelease.Write(p.PathOf("downloads/good"), "2.3.1");
        p.Build("App/App.csproj", "-p:SparkWorkerArchive=" + good).AssertSuccess();
        Assert.Contains($"WorkerArchive = \"{good}\";", p.Read("App/obj/Debug/net8.0/SparkBundle.g.cs"));
    }

    [Fact]
    public void A_worker_archive_for_another_runtime_than_the_cluster_is_SSHIP0020_and_nothing_is_written()
    {
        var p = Scenarios.SparkDriverApp("worker-rid");
        const string windowsName = "Microsoft.Spark.Worker.net8.0.win-x64-2.3.1.zip";
        var windows = FakeWorkerRelease.Write(p.PathOf("downloads/win"), "2.3.1", ".zip", executable: "Microsoft.Spark.Worker.exe", name: windowsName);
        // A Windows release renamed as a Linux one: its content (Microsoft.Spark.Worker.exe) wins over the name.
        var renamedWindows = FakeWorkerRelease.Write(p.PathOf("downloads/renamed"), "2.3.1", ".zip", executable: "Microsoft.Spark.Worker.exe",
            name: "Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.zip");
        var linux = FakeWorkerRelease.Write(p.PathOf("downloads/linux"), "2.3.1");
        var cases = new[]
        {
            (windows, "linux-x64", "release for win-x64 (read from its file name"),
            (renamedWindows, "linux-x64", "read from its content: its worker executable is Microsoft.Spark.Worker.exe"),
            (linux, "linux-arm64", "release for linux-x64"),
        };
        foreach (var (archive, clusterRid, text) in cases)
        {
            var r = p.Build("App/App.csproj", "-p:SparkWorkerArchive=" + archive, "-p:SparkClusterRuntimeIdentifier=" + clusterRid).AssertFailure();
            var diagnostic = Assert.Single(r.Diagnostics("SSHIP0020"));
            Assert.Contains(archive, diagnostic);
            Assert.Contains(text, diagnostic);
            Assert.Contains($"runtime {clusterRid} (SparkClusterRuntimeIdentifier)", diagnostic);
            Assert.Contains($"Download the release for {clusterRid}", diagnostic);
            Assert.Contains("Nothing was written", diagnostic);
            Assert.False(Directory.Exists(p.PathOf("App/bin/Debug/net8.0/spark-bundle")), "a bundle was written");
            Assert.False(File.Exists(p.PathOf("App/bin/Debug/net8.0/App.dll")), "the app was compiled into bin/");
            Assert.False(File.Exists(p.PathOf("App/obj/Debug/net8.0/sparkship/identity.txt")), "an identity was written");
        }

        // What the user who renamed a Linux download expects: no runtime in the name is no error, its content says Linux.
        var renamedLinux = FakeWorkerRelease.Write(p.PathOf("downloads/mine"), "2.3.1", name: "worker.tar.gz");
        p.Build("App/App.csproj", "-p:SparkWorkerArchive=" + renamedLinux).AssertSuccess();
        Assert.Contains($"WorkerArchive = \"{renamedLinux}\";", p.Read("App/obj/Debug/net8.0/SparkBundle.g.cs"));
        // The Windows release where the executors do run Windows.
        p.Build("App/App.csproj", "-p:SparkWorkerArchive=" + windows, "-p:SparkClusterRuntimeIdentifier=win-x64").AssertSuccess();
    }
}
