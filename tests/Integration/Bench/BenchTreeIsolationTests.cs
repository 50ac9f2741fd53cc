using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;
using MSBuildTask = Microsoft.Build.Logging.StructuredLogger.Task;

namespace SparkShip.Sdk.IntegrationTests.Bench;

/// <summary>
/// The benchmark's app trees live inside the repository (bench/.cache/work), where someone may commit while a run
/// goes on. A run once stopped with "a no-op build of small-sdk wrote a bundle": the .NET SDK's Source Link put the
/// repository's HEAD commit into every assembly ("1.0.0+&lt;commit&gt;"), so a commit recompiled every tree and,
/// correctly, gave the app a new layer. The trees must not see the repository's git state.
/// </summary>
public class BenchTreeIsolationTests
{
    [Fact]
    public void A_commit_in_the_repository_around_the_benchmark_trees_leaves_their_next_build_a_no_op()
    {
        var env = TestEnvironment.Instance;
        var root = Path.Combine(env.RunRoot, "bench-git");
        var repo = Path.Combine(root, "repo");
        Directory.CreateDirectory(repo);
        File.WriteAllText(Path.Combine(repo, ".gitignore"), "work/\n"); // as bench/.cache is in the real repository
        Git(repo, "init", "-q");
        Git(repo, "add", "-A");
        Git(repo, "commit", "-q", "-m", "first");

        var project = Path.Combine(env.RepoRoot, "bench", "SparkShip.Bench", "SparkShip.Bench.csproj");
        var build = env.Dotnet(env.RepoRoot, "build", project, "-c", "Release", "--artifacts-path", Path.Combine(root, "artifacts"), "-nr:false");
        Assert.True(build.ExitCode == 0, "Building the benchmark failed:\n" + build);
        var driver = Directory.EnumerateFiles(Path.Combine(root, "artifacts", "bin"), "SparkShip.Bench.dll", SearchOption.AllDirectories).Single();
        var work = Path.Combine(repo, "work");
        var create = ProcessRunner.Run("dotnet",
            new[]
            {
                driver, "--create-trees", "--no-node-reuse", "--repo", env.RepoRoot, "--feed", env.Feed, "--sdk-version", env.SdkVersion,
                "--packages", env.PackageCache, "--work", work, "--out", Path.Combine(root, "results"),
            },
            env.RepoRoot, env.ChildEnvironment(), TimeSpan.FromMinutes(10));
        Assert.True(create.ExitCode == 0, "Creating the benchmark's trees failed:\n" + create);

        Git(repo, "commit", "-q", "--allow-empty", "-m", "second"); // HEAD moves, as when someone commits during a run

        foreach (var tree in new[] { "small-sdk", "small-plain" })
        {
            var binlog = Path.Combine(root, "logs", tree + ".binlog");
            var app = Path.Combine(work, tree, "App", "App.csproj");
            var next = new BuildResult(env.Dotnet(Path.Combine(work, tree), "build", app, "-bl:" + binlog, "-nr:false", "-v:n"), binlog).AssertSuccess();
            Assert.DoesNotContain(next.TargetsRun("CoreCompile"), t => t.Children.OfType<MSBuildTask>().Any());
            if (tree != "small-sdk") continue;
            Assert.True(next.TargetSkippedAsUpToDate("WriteSparkBundle"), "WriteSparkBundle was not skipped as up to date");
            Assert.Empty(next.SparkShipTasksRun());
            Assert.DoesNotContain("Spark bundle ->", next.Output);
        }
    }

    private static void Git(string folder, params string[] args)
    {
        // No user configuration is assumed on the machine.
        var all = new[] { "-c", "user.name=bench-test", "-c", "user.email=bench-test@localhost", "-c", "commit.gpgsign=false" }.Concat(args);
        var result = ProcessRunner.Run("git", all, folder, timeout: TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
