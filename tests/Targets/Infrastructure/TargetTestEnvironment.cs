using System.Reflection;

namespace SparkShip.Sdk.TargetTests.Infrastructure;

/// <summary>
/// Where the target tests find the SDK's files and the fresh task assembly, and where they write: throwaway trees
/// under <c>$TMPDIR/sparkship-targets/run-*/</c> (kept 12 hours for debugging, each build's binlog in the tree's
/// <c>logs/</c>), and the package cache the integration tests use, <c>$TMPDIR/sparkship-it/packages</c> (never ~/.nuget).
/// </summary>
public static class TargetTestEnvironment
{
    private static int _trees;

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The SDK's entry points, imported by path: the same files the package's <c>Sdk/</c> folder holds.</summary>
    public static string SdkProps { get; } = Path.Combine(RepoRoot, "src", "Sdk", "Sdk", "Sdk.props");
    public static string SdkTargets { get; } = Path.Combine(RepoRoot, "src", "Sdk", "Sdk", "Sdk.targets");
    /// <summary>The file that holds all of SparkShip's targets (to recognise them in a log by file, not by name).</summary>
    public static string LogicTargets { get; } = Path.Combine(RepoRoot, "src", "Sdk", "build", "SparkShip.Sdk.targets");

    /// <summary>src/Tasks' net8.0 output, built before these tests (ProjectReference); the builds load their tasks from it.</summary>
    public static string TasksAssembly { get; } = typeof(TargetTestEnvironment).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SparkShipTasksAssembly").Value
        ?? throw new InvalidOperationException("The test project did not record SparkShipTasksAssembly.");

    public static string PackageCache { get; } = Path.Combine(Path.GetTempPath(), "sparkship-it", "packages");

    public static string RunRoot { get; } = CreateRunRoot();

    /// <summary>A new empty folder for one throwaway tree.</summary>
    public static string NewTree(string name)
    {
        var folder = Path.Combine(RunRoot, $"{name}-{Interlocked.Increment(ref _trees)}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static string CreateRunRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "sparkship-targets");
        Directory.CreateDirectory(root);
        foreach (var old in Directory.EnumerateDirectories(root, "run-*"))
            try { if (Directory.GetLastWriteTimeUtc(old) < DateTime.UtcNow.AddHours(-12)) Directory.Delete(old, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        var run = Path.Combine(root, $"run-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
        Directory.CreateDirectory(run);
        return run;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SparkShip.Sdk.sln"))) return dir.FullName;
        throw new InvalidOperationException("SparkShip.Sdk.sln not found above " + AppContext.BaseDirectory);
    }
}
