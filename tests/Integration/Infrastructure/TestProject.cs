using System.Runtime.CompilerServices;

namespace SparkShip.Sdk.IntegrationTests.Infrastructure;

/// <summary>
/// A throwaway folder of projects that use the freshly packed SDK the way a user would: pinned in global.json
/// `msbuild-sdks`, restored through a nuget.config that lists the run's feed and the package source.
/// </summary>
public sealed class TestProject
{
    private static int _counter;
    private int _builds;

    public TestProject(string name)
    {
        Env = TestEnvironment.Instance;
        Root = Path.Combine(Env.RunRoot, $"{name}-{Interlocked.Increment(ref _counter)}");
        Directory.CreateDirectory(Root);
        WriteGlobalJson();
        WriteNuGetConfig();
    }

    private void WriteNuGetConfig(string? extraFeed = null) => Write("nuget.config", $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="sparkship-test-feed" value="{Env.Feed}" />
            {(extraFeed is null ? "" : $"<add key=\"microsoft-spark-test-package\" value=\"{extraFeed}\" />")}
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
        </configuration>
        """);

    public TestEnvironment Env { get; }
    public string Root { get; }
    /// <summary>The package folder this tree's builds restore into (NUGET_PACKAGES): the run's shared test cache unless changed.</summary>
    public string PackageFolder { get; private set; } = "";

    /// <summary>
    /// Makes a PackageReference to Microsoft.Spark 2.3.1 restore the test-only package (<see cref="MicrosoftSparkTestPackage"/>):
    /// its feed is listed, and this tree's builds use the run's private package folder, never a shared one.
    /// </summary>
    public TestProject UseMicrosoftSparkTestPackage()
    {
        WriteNuGetConfig(Env.MicrosoftSparkTestFeed);
        PackageFolder = Env.PrivatePackageCache;
        return this;
    }

    public string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public TestProject Write(string relative, string content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.ReplaceLineEndings("\n"));
        return this;
    }

    public string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Replaces text in a file (the test's stand-in for a user's edit) and fails if it was not there.</summary>
    public TestProject Edit(string relative, string oldText, string newText)
    {
        var text = Read(relative);
        if (!text.Contains(oldText)) throw new InvalidOperationException($"'{oldText}' not found in {relative}");
        Write(relative, text.Replace(oldText, newText));
        return this;
    }

    public void WriteGlobalJson(string? sdkVersion = null) => Write("global.json", $$"""
        {
          "sdk": { "version": "10.0.100", "rollForward": "latestFeature" },
          "msbuild-sdks": { "SparkShip.Sdk": "{{sdkVersion ?? Env.SdkVersion}}" }
        }
        """);

    /// <summary>Runs `dotnet build` (or another command) with a binlog, and reads the binlog back.</summary>
    public BuildResult Build(string project, params string[] extraArgs) => Run("build", project, extraArgs);

    public BuildResult Run(string command, string project, params string[] extraArgs)
    {
        var binlog = Path.Combine(Root, "logs", $"{Interlocked.Increment(ref _builds):00}-{command}-{Path.GetFileNameWithoutExtension(project)}.binlog");
        Directory.CreateDirectory(Path.GetDirectoryName(binlog)!);
        var args = new List<string> { command, PathOf(project), "-bl:" + binlog, "-nr:false", "-v:n" };
        args.AddRange(extraArgs);
        var result = Env.DotnetWithPackageFolder(Root, PackageFolder.Length > 0 ? PackageFolder : null, args.ToArray());
        return new BuildResult(result, binlog);
    }

    /// <summary>A copy of this tree in a new folder (for builds "on another machine").</summary>
    public TestProject CopyTo(string name)
    {
        var copy = new TestProject(name) { PackageFolder = PackageFolder };
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Root, file);
            var first = relative.Split(Path.DirectorySeparatorChar);
            if (first.Contains("bin") || first.Contains("obj") || first[0] == "logs") continue;
            var target = copy.PathOf(relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
        return copy;
    }
}
