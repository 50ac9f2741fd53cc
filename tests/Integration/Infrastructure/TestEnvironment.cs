namespace SparkShip.Sdk.IntegrationTests.Infrastructure;

/// <summary>
/// Built once per test run: the SDK packed from this repository (with a version unique to the run, so no stale
/// copy can ever be picked up), a package cache and feed of the run's own (never the user's), the test-only
/// Microsoft.Spark stand-in, and the worker lookup harness.
/// </summary>
public sealed class TestEnvironment
{
    private static readonly Lazy<TestEnvironment> Shared = new(() => new TestEnvironment(), LazyThreadSafetyMode.ExecutionAndPublication);
    public static TestEnvironment Instance => Shared.Value;

    public string RepoRoot { get; }
    /// <summary>Root of this run's throwaway folders.</summary>
    public string RunRoot { get; }
    /// <summary>Package cache of the test runs (NUGET_PACKAGES): shared across runs for third-party packages only.</summary>
    public string PackageCache { get; }
    public string Feed { get; }
    public string SdkVersion { get; }

    private readonly Lazy<string> _standIn;
    private readonly Lazy<string> _harness;
    private readonly Lazy<string> _sparkFeed;

    private TestEnvironment()
    {
        RepoRoot = FindRepoRoot();
        var testRoot = Path.Combine(Path.GetTempPath(), "sparkship-it");
        RunRoot = Path.Combine(testRoot, "run-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss") + "-" + Environment.ProcessId);
        PackageCache = Path.Combine(testRoot, "packages");
        Feed = Path.Combine(RunRoot, "feed");
        Directory.CreateDirectory(Feed);
        DeleteOldRuns(testRoot);
        // A stale SparkShip.Sdk in the shared cache must never be used: every run packs a version of its own (time
        // and process id), and only old runs' versions are pruned — a concurrent run may be using its own right now.
        SdkVersion = "0.1.0-it." + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "." + Environment.ProcessId;
        var sdkVersions = Path.Combine(PackageCache, "sparkship.sdk");
        if (Directory.Exists(sdkVersions))
            foreach (var old in Directory.EnumerateDirectories(sdkVersions))
                try { if (Directory.GetLastWriteTimeUtc(old) < DateTime.UtcNow.AddHours(-12)) Directory.Delete(old, recursive: true); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
        var pack = Dotnet(RepoRoot, "pack", Path.Combine(RepoRoot, "src", "Sdk", "SparkShip.Sdk.csproj"), "-c", "Release", "-o", Feed,
            "-p:Version=" + SdkVersion, "-nr:false");
        if (pack.ExitCode != 0) throw new InvalidOperationException("Packing the SDK failed:\n" + pack);

        _standIn = new Lazy<string>(() => BuildAsset("MicrosoftSparkStandIn", "Microsoft.Spark.StandIn.csproj", "Microsoft.Spark.dll"));
        _harness = new Lazy<string>(() => BuildAsset("WorkerHarness", "WorkerHarness.csproj", "WorkerHarness.dll"));
        _sparkFeed = new Lazy<string>(() =>
        {
            var feed = Path.Combine(RunRoot, "spark-feed");
            MicrosoftSparkTestPackage.Write(feed, MicrosoftSparkStandIn);
            return feed;
        }, LazyThreadSafetyMode.ExecutionAndPublication);
        PrivatePackageCache = Path.Combine(RunRoot, "packages");
    }

    /// <summary>
    /// A package folder of this run only, for builds that restore the test-only Microsoft.Spark package
    /// (<see cref="MicrosoftSparkTestPackage"/>): it must never reach <see cref="PackageCache"/>, which later runs
    /// share, nor a user's cache. Deleted with the run's folder.
    /// </summary>
    public string PrivatePackageCache { get; }

    /// <summary>A feed of this run only that holds the test-only Microsoft.Spark package.</summary>
    public string MicrosoftSparkTestFeed => _sparkFeed.Value;

    /// <summary>The test-only stand-in assembly named Microsoft.Spark (the real package cannot be restored here).</summary>
    public string MicrosoftSparkStandIn => _standIn.Value;

    /// <summary>The harness that reproduces Microsoft.Spark.Worker's assembly lookup rules (spark-facts §1).</summary>
    public string WorkerHarness => _harness.Value;

    /// <summary>Environment for child `dotnet` processes: isolated cache, no node reuse, nothing inherited from the test host's MSBuild.</summary>
    public Dictionary<string, string?> ChildEnvironment()
    {
        var env = new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = PackageCache,
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["MSBUILDTERMINALLOGGER"] = "off",
        };
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) && !env.ContainsKey(key) && key != "MSBUILDDISABLENODEREUSE")
                env[key] = null;
        env["MSBUILDDISABLENODEREUSE"] = "1";
        env["MSBUILDTERMINALLOGGER"] = "off";
        return env;
    }

    public ProcessResult Dotnet(string workingDirectory, params string[] args) => DotnetWithPackageFolder(workingDirectory, null, args);

    /// <summary>As <see cref="Dotnet(string, string[])"/>, with another package folder (NUGET_PACKAGES) when given.</summary>
    public ProcessResult DotnetWithPackageFolder(string workingDirectory, string? packageFolder, params string[] args)
    {
        var environment = ChildEnvironment();
        if (packageFolder != null) environment["NUGET_PACKAGES"] = packageFolder;
        return ProcessRunner.Run("dotnet", args, workingDirectory, environment, TimeSpan.FromMinutes(8));
    }

    private string BuildAsset(string folder, string projectFile, string outputName)
    {
        var source = Path.Combine(RepoRoot, "tests", "Assets", folder);
        var output = Path.Combine(RunRoot, "assets", folder);
        var result = Dotnet(source, "build", Path.Combine(source, projectFile), "-c", "Release", "-o", output, "-nr:false");
        if (result.ExitCode != 0) throw new InvalidOperationException($"Building {projectFile} failed:\n{result}");
        return Path.Combine(output, outputName);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SparkShip.Sdk.sln"))) return dir.FullName;
        throw new InvalidOperationException("SparkShip.Sdk.sln not found above " + AppContext.BaseDirectory);
    }

    private static void DeleteOldRuns(string testRoot)
    {
        foreach (var dir in Directory.EnumerateDirectories(testRoot, "run-*"))
        {
            try { if (Directory.GetLastWriteTimeUtc(dir) < DateTime.UtcNow.AddHours(-12)) Directory.Delete(dir, true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
