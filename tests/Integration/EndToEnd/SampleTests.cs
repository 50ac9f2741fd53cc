using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.EndToEnd;

/// <summary>
/// The repository's sample, built the way the README's main command builds it, apart from one thing: the real
/// Microsoft.Spark package cannot be restored on this machine, so the harness swaps its PackageReference for a
/// plain reference to the test-only stand-in assembly (tests/Assets/MicrosoftSparkStandIn, exact 2.3.1
/// signatures) in a copy of the sample. The sample's own files are never changed.
/// </summary>
public class SampleTests
{
    [Fact]
    public void The_word_count_sample_builds_into_a_bundle_that_runs_its_udfs_under_the_worker_rules()
    {
        var p = CopyOfSampleWithStandIn();

        var build = p.Build("WordCount/WordCount.csproj").AssertSuccess();

        var bundle = new Bundle(p.PathOf("WordCount/bin/Debug/net8.0/spark-bundle"));
        Assert.Contains("WordCount.dll", bundle.AppEntries);
        Assert.Contains("WordCount.Udfs.dll", bundle.AppEntries);
        Assert.Equal(new[] { "Humanizer.dll" }, bundle.DependencyEntries);
        // The worker brings Microsoft.Spark itself.
        Assert.DoesNotContain(bundle.AppEntries.Concat(bundle.DependencyEntries), e => e.StartsWith("Microsoft.Spark", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("2.3.1", bundle.Manifest().RootElement.GetProperty("sparkVersion").GetString());
        Assert.Contains("Spark bundle ->", build.Output);

        var sparkFiles = Directory.CreateDirectory(Path.Combine(p.Root, "executor", "sparkfiles")).FullName;
        var folders = bundle.UnpackLikeSpark(sparkFiles);
        var cwd = Directory.CreateDirectory(Path.Combine(p.Root, "executor", "cwd")).FullName;
        var run = ProcessRunner.Run("dotnet",
            new[] { p.Env.WorkerHarness, "--assembly-file", "WordCount.Udfs.dll", "--type", "WordCount.Udfs.TextUdfs", "--method", "Normalize", "--input", "Horses," },
            cwd, new Dictionary<string, string?> { ["DOTNET_ASSEMBLY_SEARCH_PATHS"] = string.Join(",", folders), ["DOTNET_ROLL_FORWARD"] = "Major" });
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("RESULT: horse", run.Output);
    }

    [Fact]
    public void A_worker_version_with_another_major_than_Microsoft_Spark_is_an_error()
    {
        var p = CopyOfSampleWithStandIn();
        var build = p.Build("WordCount/WordCount.csproj", "-p:SparkWorkerVersion=1.1.1").AssertFailure();
        var error = Assert.Single(build.Diagnostics("SSHIP0004"));
        Assert.Contains("2.3.1", error);
        Assert.Contains("1.1.1", error);
    }

    internal static TestProject CopyOfSampleWithStandIn()
    {
        var p = new TestProject("sample");
        var samples = Path.Combine(p.Env.RepoRoot, "samples");
        foreach (var file in Directory.EnumerateFiles(samples, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(samples, file);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Contains("bin") || parts.Contains("obj") || relative is "global.json" or "nuget.config") continue;
            p.Write(relative.Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllText(file));
        }
        p.Edit("WordCount/WordCount.csproj", """<PackageReference Include="Microsoft.Spark" Version="2.3.1" />""",
            $"""<Reference Include="Microsoft.Spark"><HintPath>{p.Env.MicrosoftSparkStandIn}</HintPath></Reference>""");
        return p;
    }
}
