using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Shim;

/// <summary>
/// The seed scenario, end to end without Spark: build, let the shim plan the attach as a driver on a cluster
/// master, unpack the archives the way Spark does (each into &lt;SparkFiles root&gt;/&lt;alias&gt;), and run the UDF
/// with the worker's lookup rules (reproduced by tests/Assets/WorkerHarness) and the search path from the plan,
/// from the executor's working folder (= its SparkFiles root on YARN and Kubernetes). Then edit one line of
/// the library, rebuild, and check the executors would run the new code while the old archives still run the old.
/// </summary>
public class EditBuildRunTests
{
    [Fact]
    public void After_an_edit_and_a_rebuild_the_executors_run_the_new_code_and_a_running_job_keeps_the_old()
    {
        var p = Scenarios.SparkDriverApp();
        p.Build("App/App.csproj").AssertSuccess();
        var (firstPath, firstRoot) = SubmitAndShip(p, "run1");
        Assert.Contains("RESULT: Hello World|sqlite3|v1", RunOnExecutor(p, firstPath, firstRoot).Output);

        p.Edit("Lib/TextUdfs.cs", "\"|v1\"", "\"|v2\"");
        p.Build("App/App.csproj").AssertSuccess();
        var (secondPath, secondRoot) = SubmitAndShip(p, "run2");

        Assert.NotEqual(firstPath, secondPath);  // a new value: Spark starts fresh workers, never reusing old code
        Assert.Contains("RESULT: Hello World|sqlite3|v2", RunOnExecutor(p, secondPath, secondRoot).Output);
        // The job started before the edit still has its archives and still runs its own code.
        Assert.Contains("RESULT: Hello World|sqlite3|v1", RunOnExecutor(p, firstPath, firstRoot).Output);
    }

    /// <summary>Runs the driver (zero-code attach on YARN) and ships what it registered to an executor folder.</summary>
    private static (string searchPath, string sparkFilesRoot) SubmitAndShip(TestProject p, string name)
    {
        var run = DriverRun.Start(p, "session", "yarn", AttachTests.Cache(p));
        Assert.True(run.Process.ExitCode == 0, run.Process.ToString());
        var root = Directory.CreateDirectory(Path.Combine(p.Root, "executors", name)).FullName;
        foreach (var uri in run["ARCHIVES"].Split(','))
        {
            // The stand-in lists archives as Spark does: spark://driver/files/<name>#<alias>. Fetch from the bundle folder.
            var alias = uri[(uri.LastIndexOf('#') + 1)..];
            var file = uri[..uri.LastIndexOf('#')];
            var source = Path.Combine(p.PathOf("App/bin/Debug/net8.0/spark-bundle"), file[(file.LastIndexOf('/') + 1)..]);
            System.IO.Compression.ZipFile.ExtractToDirectory(source, Path.Combine(root, alias));
        }
        return (run["UDFENV"], root);
    }

    private static ProcessResult RunOnExecutor(TestProject p, string searchPath, string sparkFilesRoot) =>
        Harness.Run(p, searchPath, "Lib.dll", "Lib.TextUdfs", "Describe", "hello_world", cwd: sparkFilesRoot);
}
