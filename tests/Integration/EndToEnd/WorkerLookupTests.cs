using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.EndToEnd;

/// <summary>
/// The bundle against the worker's rules. No Spark runs here: the archives are unpacked the way Spark unpacks
/// spark.archives (each into its own folder under the SparkFiles root), and tests/Assets/WorkerHarness
/// REPRODUCES Microsoft.Spark.Worker's assembly lookup (spark-facts §1: DOTNET_ASSEMBLY_SEARCH_PATHS entries,
/// SparkFiles root, current directory, own folder; flat; dependencies by simple name through a Resolving hook).
/// </summary>
public class WorkerLookupTests
{
    [Fact]
    public void A_project_outside_the_repo_builds_a_bundle_whose_library_udf_runs_under_the_worker_rules()
    {
        // The project pins the packed SDK in global.json (TestProject does) and lives in a temp folder.
        var p = Scenarios.AppWithLibrary("outside-repo");
        Assert.False(p.Root.StartsWith(p.Env.RepoRoot, StringComparison.Ordinal));
        p.Build("App/App.csproj").AssertSuccess();
        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));

        var sparkFiles = Directory.CreateDirectory(Path.Combine(p.Root, "executor", "sparkfiles")).FullName;
        var folders = bundle.UnpackLikeSpark(sparkFiles);
        var result = RunUdf(p, string.Join(",", folders), "hello_world");

        Assert.Equal(0, result.ExitCode);
        // Humanizer (managed package) and SQLite (native library, found next to its provider assembly) both worked.
        Assert.Contains("RESULT: Hello World|sqlite3|v1", result.Output);
    }

    [Fact]
    public void Without_the_dependency_layer_the_worker_cannot_resolve_the_udf_dependencies()
    {
        var p = Scenarios.AppWithLibrary("app-layer-only");
        p.Build("App/App.csproj").AssertSuccess();
        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        var sparkFiles = Directory.CreateDirectory(Path.Combine(p.Root, "executor", "sparkfiles")).FullName;
        var folders = bundle.UnpackLikeSpark(sparkFiles, new[] { bundle.AppArchive });

        var result = RunUdf(p, string.Join(",", folders), "hello_world");

        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain("RESULT:", result.Output);
        Assert.Equal(2, result.ExitCode); // the harness's code for a lookup failure
        Assert.Contains("SQLitePCLRaw.batteries_v2", result.Output); // the first package the UDF touches
    }

    private static ProcessResult RunUdf(TestProject p, string searchPaths, string input)
    {
        // Run from an unrelated folder, so nothing is found by accident in the current directory.
        var cwd = Directory.CreateDirectory(Path.Combine(p.Root, "executor", "cwd")).FullName;
        return ProcessRunner.Run("dotnet",
            new[] { p.Env.WorkerHarness, "--assembly-file", "Lib.dll", "--type", "Lib.TextUdfs", "--method", "Describe", "--input", input },
            cwd,
            new Dictionary<string, string?> { ["DOTNET_ASSEMBLY_SEARCH_PATHS"] = searchPaths, ["DOTNET_ROLL_FORWARD"] = "Major" },
            TimeSpan.FromMinutes(2));
    }
}
