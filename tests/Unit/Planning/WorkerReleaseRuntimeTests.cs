using System.IO.Compression;
using SparkShip.Tasks;
using SparkShip.Tasks.Planning;
using SparkShip.Tests.Shim;
using SparkShip.Tests.Support;
using Xunit;

namespace SparkShip.Tests.Planning;

/// <summary>
/// SSHIP0020: the worker release's runtime against SparkClusterRuntimeIdentifier, through the .NET SDK's RID graph.
/// The archives are test-only fakes with the release's layout (WorkerReleaseTests.WriteRelease for Linux ones; a zip
/// with Microsoft.Spark.Worker.exe for Windows ones).
/// </summary>
public sealed class WorkerReleaseRuntimeTests : IDisposable
{
    private readonly TempFolder _dir = new("worker-rid");
    private static readonly string Graph = DotnetInstall.RidGraph;

    public void Dispose() => _dir.Dispose();

    private string WriteWindowsRelease(string name, string version = "2.3.1")
    {
        var path = _dir.Combine("dl/" + name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var entry in new[] { "Microsoft.Spark.Worker.exe", "Microsoft.Spark.Worker.dll", "Microsoft.Spark.dll" })
            using (var w = new StreamWriter(zip.CreateEntry($"Microsoft.Spark.Worker-{version}/{entry}").Open())) w.Write(entry);
        return path;
    }

    private (WorkerArchiveFacts? Facts, Diagnostic? Problem) Check(string value, string clusterRid = "linux-x64") =>
        WorkerArchiveCheck.Check(value, _dir.Path, "2.3.1", clusterRid, Graph);

    [Theory]
    [InlineData("Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz", "net8.0", "linux-x64")]
    [InlineData("Microsoft.Spark.Worker.net8.0.win-x64-2.3.1.zip", "net8.0", "win-x64")]
    [InlineData("Microsoft.Spark.Worker.net48.win-x64-1.0.0.zip", "net48", "win-x64")]
    [InlineData("Microsoft.Spark.Worker.netcoreapp3.1.linux-musl-x64-1.0.0.tgz", "netcoreapp3.1", "linux-musl-x64")]
    [InlineData("Microsoft.Spark.Worker.net8.0.Linux-ARM64-2.4.0-preview1.tar.gz", "net8.0", "linux-arm64")]
    [InlineData("worker-2.3.1.tar.gz", null, null)]
    [InlineData("Microsoft.Spark.Worker-2.3.1.tar.gz", null, null)]
    public void The_release_name_gives_its_framework_and_runtime(string name, string? tfm, string? rid)
    {
        Assert.Equal((tfm, rid), WorkerReleaseRuntime.FromFileName(name));
    }

    [Fact]
    public void The_content_gives_the_family_by_the_worker_executable()
    {
        Assert.Equal("win", WorkerReleaseRuntime.FamilyFromEntries(new[] { "Microsoft.Spark.Worker-2.3.1/", "Microsoft.Spark.Worker-2.3.1/Microsoft.Spark.Worker.exe" }));
        Assert.Equal("unix", WorkerReleaseRuntime.FamilyFromEntries(new[] { "./Microsoft.Spark.Worker-2.3.1/Microsoft.Spark.Worker", "Microsoft.Spark.Worker-2.3.1/Microsoft.Spark.Worker.dll" }));
        Assert.Null(WorkerReleaseRuntime.FamilyFromEntries(new[] { "Microsoft.Spark.Worker-2.3.1/Microsoft.Spark.Worker", "Microsoft.Spark.Worker-2.3.1/Microsoft.Spark.Worker.exe" }));
        Assert.Null(WorkerReleaseRuntime.FamilyFromEntries(new[] { "Microsoft.Spark.Worker-2.3.1/Microsoft.Spark.Worker.dll" }));
    }

    [Fact]
    public void A_linux_release_passes_on_a_linux_x64_cluster_and_on_one_whose_chain_includes_it()
    {
        WorkerReleaseTests.WriteRelease(_dir.Combine("dl"), "2.3.1");
        const string release = "dl/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz";
        Assert.Null(Check(release).Problem);
        Assert.Equal("2.3.1", Check(release).Facts!.Version);
        Assert.Null(Check(release, "linux-musl-x64").Problem);   // the RID graph: linux-musl-x64 imports linux-x64
        Assert.Null(Check("hdfs:///w/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz").Problem);
    }

    [Fact]
    public void A_windows_release_on_a_linux_cluster_is_SSHIP0020_naming_the_file_both_runtimes_and_the_release_to_download()
    {
        var archive = WriteWindowsRelease("Microsoft.Spark.Worker.net8.0.win-x64-2.3.1.zip");

        var (facts, problem) = Check("dl/Microsoft.Spark.Worker.net8.0.win-x64-2.3.1.zip");

        Assert.Null(facts);
        Assert.Equal("SSHIP0020", problem!.Code);
        Assert.Equal(DiagnosticSeverity.Error, problem.Severity);
        Assert.Equal(archive, problem.File);
        Assert.Contains($"'{archive}'", problem.Message);
        Assert.Contains("release for win-x64", problem.Message);
        Assert.Contains("runtime linux-x64 (SparkClusterRuntimeIdentifier)", problem.Message);
        Assert.Contains("Download the release for linux-x64 (Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz)", problem.Message);
        Assert.Contains("set SparkClusterRuntimeIdentifier", problem.Message);
        Assert.Contains("Nothing was written", problem.Message);

        // A .NET Framework release: the Linux release to download is a .NET one.
        WriteWindowsRelease("Microsoft.Spark.Worker.net48.win-x64-2.3.1.zip");
        Assert.Contains("(Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz)", Check("dl/Microsoft.Spark.Worker.net48.win-x64-2.3.1.zip").Problem!.Message);

        // The same release where the executors do run Windows.
        Assert.Null(Check("dl/Microsoft.Spark.Worker.net8.0.win-x64-2.3.1.zip", "win-x64").Problem);
    }

    [Fact]
    public void A_linux_release_on_a_windows_or_arm64_cluster_is_SSHIP0020()
    {
        WorkerReleaseTests.WriteRelease(_dir.Combine("dl"), "2.3.1");
        const string release = "dl/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz";

        var onWindows = Check(release, "win-x64").Problem;
        Assert.Equal("SSHIP0020", onWindows!.Code);
        Assert.Contains("Microsoft.Spark.Worker.net8.0.win-x64-2.3.1.zip", onWindows.Message);   // Windows releases are zips
        var onArm = Check(release, "linux-arm64").Problem;
        Assert.Equal("SSHIP0020", onArm!.Code);   // same OS, another architecture: the apphost cannot run
        Assert.Contains("release for linux-x64 (read from its file name", onArm.Message);
        // A URI is judged by its name alone.
        Assert.Equal("SSHIP0020", Check("abfss://c@a.dfs.core.windows.net/Microsoft.Spark.Worker.net8.0.win-x64-2.3.1.zip").Problem!.Code);
    }

    [Fact]
    public void A_name_without_a_known_runtime_is_no_error_by_itself_and_the_content_decides()
    {
        // A Linux release renamed: its content says Linux or macOS, which a linux-x64 cluster runs.
        WorkerReleaseTests.WriteRelease(_dir.Combine("dl"), "2.3.1", name: "worker.tar.gz");
        Assert.Null(Check("dl/worker.tar.gz").Problem);
        WorkerReleaseTests.WriteRelease(_dir.Combine("dl"), "2.3.1", name: "Microsoft.Spark.Worker.net8.0.mycluster-2.3.1.tar.gz");
        Assert.Null(Check("dl/Microsoft.Spark.Worker.net8.0.mycluster-2.3.1.tar.gz").Problem);
        // A URI whose name carries no runtime: nothing to tell, no error.
        Assert.Null(Check("dbfs:/w/Microsoft.Spark.Worker-2.3.1.tar.gz").Problem);

        // A renamed Windows release: the content still says Windows.
        var renamed = WriteWindowsRelease("worker-2.3.1.zip");
        var problem = Check("dl/worker-2.3.1.zip").Problem;
        Assert.Equal("SSHIP0020", problem!.Code);
        Assert.Contains("release for Windows (win) (read from its content: its worker executable is Microsoft.Spark.Worker.exe)", problem.Message);
        Assert.Contains("(Microsoft.Spark.Worker.<tfm>.linux-x64-2.3.1.tar.gz)", problem.Message);
        Assert.Equal(renamed, problem.File);
    }

    [Fact]
    public void For_a_local_file_content_wins_over_the_name()
    {
        // A Windows release named as a Linux one: the executors would start Microsoft.Spark.Worker.exe.
        WriteWindowsRelease("Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.zip");
        var problem = Check("dl/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.zip").Problem;
        Assert.Equal("SSHIP0020", problem!.Code);
        Assert.Contains("its file name says linux-x64, but the executable is what the executors start", problem.Message);

        // A Linux release named as a Windows one passes on Linux, and fails on Windows by its content.
        WorkerReleaseTests.WriteRelease(_dir.Combine("dl"), "2.3.1", name: "Microsoft.Spark.Worker.net8.0.win-x64-2.3.1.tar.gz");
        Assert.Null(Check("dl/Microsoft.Spark.Worker.net8.0.win-x64-2.3.1.tar.gz").Problem);
        Assert.Contains("release for Linux or macOS (unix)", Check("dl/Microsoft.Spark.Worker.net8.0.win-x64-2.3.1.tar.gz", "win-x64").Problem!.Message);
    }

    [Fact]
    public void The_major_version_is_checked_first_and_no_cluster_runtime_skips_the_check()
    {
        WriteWindowsRelease("Microsoft.Spark.Worker.net8.0.win-x64-3.0.0.zip", "3.0.0");
        Assert.Equal("SSHIP0015", Check("dl/Microsoft.Spark.Worker.net8.0.win-x64-3.0.0.zip").Problem!.Code);
        WriteWindowsRelease("Microsoft.Spark.Worker.net8.0.win-x64-2.3.1.zip");
        Assert.Null(WorkerArchiveCheck.Check("dl/Microsoft.Spark.Worker.net8.0.win-x64-2.3.1.zip", _dir.Path, "2.3.1").Problem);
    }
}
