using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Shim;

/// <summary>
/// The runtime shim as a user gets it: compiled into a real app by the SDK, run as a driver against the test-only
/// Microsoft.Spark stand-in (exact 2.3.1 signatures; records the calls it receives and simulates the JVM's system
/// properties and SparkContext resources). No Spark runs here.
/// </summary>
public class AttachTests
{
    [Fact]
    public void Zero_code_on_a_cluster_master_registers_the_archives_before_the_first_session_keeping_the_users_own()
    {
        var p = Scenarios.SparkDriverApp();
        p.Build("App/App.csproj").AssertSuccess();
        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        string app = Alias(bundle.AppArchive), deps = Alias(bundle.DependencyArchive!);

        var run = DriverRun.Start(p, "session", "yarn", Cache(p), userSearchPath: "/opt/shared-udfs", userArchives: "hdfs:///team/extra.zip#extra");

        Assert.True(run.Process.ExitCode == 0, run.Process.ToString());
        var archives = run["ARCHIVES"].Split(',');
        Assert.Equal(3, archives.Length);
        Assert.EndsWith("extra.zip#extra", archives[0]);                 // the user's, first and kept
        Assert.EndsWith($"/{bundle.AppArchive}#{app}", archives[1]);
        Assert.EndsWith($"/{bundle.DependencyArchive}#{deps}", archives[2]);
        Assert.Equal($"/opt/shared-udfs,./{app},./{deps}", run["SEARCH"]);
        Assert.Equal(run["SEARCH"], run["UDFENV"]);                       // what the executors' workers get
        Assert.Equal("0", run["ADDARCHIVE"]);                             // registered through spark.archives, not afterwards
    }

    [Fact]
    public void Zero_code_on_a_local_master_points_the_worker_at_flat_copies_made_once()
    {
        var p = Scenarios.SparkDriverApp();
        p.Build("App/App.csproj").AssertSuccess();
        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        var cache = Cache(p);

        var run = DriverRun.Start(p, "session", "local[*]", cache);

        Assert.True(run.Process.ExitCode == 0, run.Process.ToString());
        Assert.Equal("", run["ARCHIVES"]);   // nothing unpacked again per run
        var folders = run["SEARCH"].Split(',');
        Assert.Equal(new[] { Path.Combine(cache, Alias(bundle.AppArchive)), Path.Combine(cache, Alias(bundle.DependencyArchive!)) }, folders);
        Assert.True(File.Exists(Path.Combine(folders[1], "libe_sqlite3.so")), "the native library is not at the root of the flat copy");
        var stamp = Directory.GetLastWriteTimeUtc(folders[1]);

        // The worker (its lookup rules reproduced by the harness) runs the library UDF from those folders.
        var udf = Harness.Run(p, run["UDFENV"], "Lib.dll", "Lib.TextUdfs", "Describe", "hello_world");
        Assert.Contains("RESULT: Hello World|sqlite3|v1", udf.Output);

        // A second run reuses the copies.
        Thread.Sleep(50);
        var again = DriverRun.Start(p, "session", "local[2]", cache);
        Assert.Equal(run["SEARCH"], again["SEARCH"]);
        Assert.Equal(stamp, Directory.GetLastWriteTimeUtc(folders[1]));
    }

    [Fact]
    public void Outside_Spark_the_shim_does_nothing_and_never_touches_the_bridge()
    {
        var p = Scenarios.SparkDriverApp();
        p.Build("App/App.csproj").AssertSuccess();

        var run = DriverRun.Start(p, "none", "yarn", Cache(p), underSpark: false, userSearchPath: "/mine");

        Assert.True(run.Process.ExitCode == 0, run.Process.ToString());
        Assert.Equal("0", run["BRIDGE"]);
        Assert.Equal("/mine", run["SEARCH"]);
    }

    [Fact]
    public void With_auto_attach_off_an_existing_session_or_a_builder_attaches_explicitly_and_only_once()
    {
        var p = Scenarios.SparkDriverApp(extraAppProperties: "<SparkShipAutoAttach>false</SparkShipAutoAttach>");
        p.Build("App/App.csproj").AssertSuccess();
        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        string app = Alias(bundle.AppArchive), deps = Alias(bundle.DependencyArchive!);

        var plain = DriverRun.Start(p, "session", "yarn", Cache(p));
        Assert.Equal("", plain["ARCHIVES"]);  // nothing automatic
        Assert.Equal("", plain["SEARCH"]);

        var existing = DriverRun.Start(p, "existing", "spark://master:7077", Cache(p));
        Assert.True(existing.Process.ExitCode == 0, existing.Process.ToString());
        Assert.Equal("2", existing["ADDARCHIVE"]);   // two archives, added once although attached twice
        Assert.Equal(2, existing["ARCHIVES"].Split(',').Length);
        Assert.Equal($"./{app},./{deps}", existing["SEARCH"]);
        Assert.Equal(existing["SEARCH"], existing["UDFENV"]);

        var builder = DriverRun.Start(p, "builder", "k8s://https://k8s:6443", Cache(p));
        Assert.True(builder.Process.ExitCode == 0, builder.Process.ToString());
        Assert.Equal(2, builder["ARCHIVES"].Split(',').Length);
        Assert.Equal($"./{app},./{deps}", builder["SEARCH"]);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("truncated")]
    [InlineData("stale")]
    public void A_missing_altered_or_stale_archive_fails_on_the_driver_before_any_job(string fault)
    {
        var p = Scenarios.SparkDriverApp();
        p.Build("App/App.csproj").AssertSuccess();
        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        var deps = bundle.PathOf(bundle.DependencyArchive!);
        var app = bundle.PathOf(bundle.AppArchive);
        switch (fault)
        {
            case "missing": File.Delete(deps); break;
            case "truncated": using (var f = new FileStream(deps, FileMode.Open)) f.SetLength(f.Length / 2); break;
            case "stale":
                // An app layer of another build under this build's name.
                p.Edit("Lib/TextUdfs.cs", "\"|v1\"", "\"|v9\"");
                p.Build("App/App.csproj").AssertSuccess();
                var newest = new Bundle(bundle.Folder).Archives.Single(a => a.Contains(".app-") && a != bundle.AppArchive);
                File.Copy(bundle.PathOf(newest), p.PathOf("stale.zip"));
                p.Edit("Lib/TextUdfs.cs", "\"|v9\"", "\"|v1\"");
                p.Build("App/App.csproj").AssertSuccess();
                File.Copy(p.PathOf("stale.zip"), app, overwrite: true);
                break;
        }

        var run = DriverRun.Start(p, "session", "yarn", Cache(p));

        // A coded message on stderr and a plain exit code, not a crash (TypeInitializationException, SIGABRT, 134).
        Assert.True(run.Process.ExitCode == 3, run.Process.ToString());
        Assert.DoesNotContain("ARCHIVES=", run.Process.Output);  // no session, no job
        Assert.DoesNotContain("Unhandled exception", run.Process.Output);
        Assert.StartsWith(fault switch { "missing" => "SSHIP1001: ", "truncated" => "SSHIP1003: ", _ => "SSHIP1002: " }, run.Process.Error);
        Assert.Contains(fault == "stale" ? app : deps, run.Process.Error);
        Assert.Contains("Rebuild the app", run.Process.Error);
        Assert.Contains(fault switch { "missing" => "is missing", "truncated" => "altered", _ => "stale" }, run.Process.Error);
    }

    internal static string Alias(string archive) => archive[..^4];
    internal static string Cache(TestProject p) => p.PathOf("flat-cache");
}

/// <summary>tests/Assets/WorkerHarness: reproduces Microsoft.Spark.Worker's assembly lookup rules (spark-facts §1).</summary>
public static class Harness
{
    public static ProcessResult Run(TestProject p, string searchPaths, string assemblyFile, string type, string method, string input, string? cwd = null)
    {
        cwd ??= Directory.CreateDirectory(Path.Combine(p.Root, "executor", "cwd")).FullName;
        return ProcessRunner.Run("dotnet",
            new[] { p.Env.WorkerHarness, "--assembly-file", assemblyFile, "--type", type, "--method", method, "--input", input },
            cwd, new Dictionary<string, string?> { ["DOTNET_ASSEMBLY_SEARCH_PATHS"] = searchPaths, ["DOTNET_ROLL_FORWARD"] = "Major" },
            TimeSpan.FromMinutes(2));
    }

    /// <summary>Lib.TextUdfs.Describe("hello_world") through a worker executable (a fake release's, which starts the harness).</summary>
    public static ProcessResult RunInWorker(string workerExecutable, string searchPaths, string cwd) =>
        ProcessRunner.Run(workerExecutable,
            new[] { "--assembly-file", "Lib.dll", "--type", "Lib.TextUdfs", "--method", "Describe", "--input", "hello_world" },
            cwd, new Dictionary<string, string?> { ["DOTNET_ASSEMBLY_SEARCH_PATHS"] = searchPaths, ["DOTNET_ROLL_FORWARD"] = "Major" },
            TimeSpan.FromMinutes(2));
}
