using Microsoft.Build.Evaluation;
using Microsoft.Build.Execution;
using Microsoft.Build.Framework;
using Microsoft.Build.Logging;

namespace SparkShip.Sdk.TargetTests.Infrastructure;

/// <summary>
/// A throwaway project in a temp folder that imports SparkShip.Sdk's files by path from this repository, around the
/// .NET SDK's own props and targets (as <c>&lt;Sdk Name="SparkShip.Sdk" /&gt;</c> does), evaluated and built in this
/// process by the running .NET SDK's MSBuild, with its tasks loaded from the freshly built task assembly.
/// <code>
/// var p = InProcessProject.Create("&lt;PropertyGroup&gt;&lt;SparkBundleDir&gt;out&lt;/SparkBundleDir&gt;&lt;/PropertyGroup&gt;");
/// Assert.Equal("out", p.Evaluate().Property("SparkBundleDir"));    // evaluation only: no restore, no build
/// var r = p.Build("Build").AssertSuccess();                        // restores once (in-process), then builds
/// Assert.True(r.TargetRan("WriteSparkBundle"));
/// </code>
/// Properties given to <see cref="Evaluate"/> or <see cref="Build(string, string[])"/> as "Name=Value" are global
/// properties (as <c>-p:</c>), so they win over the project's own; to test a value the project sets, put it in the body.
/// </summary>
public sealed class InProcessProject
{
    /// <summary>MSBuild's BuildManager runs one build at a time per process; every evaluation and build takes this.</summary>
    private static readonly object Gate = new();

    public const string DefaultProgram = """
        // Uses a constant of the generated SparkBundle.g.cs, so a build proves it was generated and compiled.
        System.Console.WriteLine(SparkShip.SparkBundle.AppArchive);
        """;

    private bool _restored;
    private int _builds;

    private InProcessProject(string root, string name)
    {
        Root = root;
        Name = name;
        ProjectPath = Path.Combine(root, name, name + ".csproj");
        GlobalProperties = new Dictionary<string, string> { ["SparkShipTasksAssembly"] = TargetTestEnvironment.TasksAssembly };
    }

    /// <summary>The tree's folder (global.json and nuget.config at its root, the project in <c>&lt;name&gt;/</c>).</summary>
    public string Root { get; }
    public string Name { get; }
    public string ProjectPath { get; }
    public string ProjectDirectory => Path.GetDirectoryName(ProjectPath)!;

    /// <summary>Global properties of every evaluation and build of this project: SparkShipTasksAssembly, the fresh task assembly.</summary>
    public Dictionary<string, string> GlobalProperties { get; }

    /// <summary>
    /// Writes the tree: <paramref name="body"/> goes between the imports (PropertyGroups, ItemGroups, Targets);
    /// <paramref name="program"/> is Program.cs (null for none).
    /// </summary>
    public static InProcessProject Create(string body = "", string name = "App", string targetFramework = "net8.0",
        string outputType = "Exe", string? program = DefaultProgram)
    {
        var p = new InProcessProject(TargetTestEnvironment.NewTree(name.ToLowerInvariant()), name);
        p.Write("global.json", """
            {
              "sdk": { "version": "10.0.100", "rollForward": "latestFeature" }
            }
            """);
        p.Write("nuget.config", """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        p.Write($"{name}/{name}.csproj", $"""
            <Project>
              <Import Project="Sdk.props" Sdk="Microsoft.NET.Sdk" />
              <Import Project="{TargetTestEnvironment.SdkProps}" />
              <PropertyGroup>
                <OutputType>{outputType}</OutputType>
                <TargetFramework>{targetFramework}</TargetFramework>
              </PropertyGroup>
            {body}
              <Import Project="Sdk.targets" Sdk="Microsoft.NET.Sdk" />
              <Import Project="{TargetTestEnvironment.SdkTargets}" />
            </Project>
            """);
        if (program != null) p.Write($"{name}/Program.cs", program);
        return p;
    }

    public string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>
    /// The full path of a path as MSBuild gives it for this project (relative to the project, and with the .NET SDK's
    /// backslashes on any OS: IntermediateOutputPath is <c>obj\Debug/net8.0/</c> on Linux).
    /// </summary>
    public string FullPathOf(string msbuildPath) =>
        Path.GetFullPath(Path.Combine(ProjectDirectory, msbuildPath.Replace('\\', Path.DirectorySeparatorChar)));

    public InProcessProject Write(string relative, string content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.ReplaceLineEndings("\n"));
        return this;
    }

    /// <summary>Evaluates the project afresh (every file re-read): properties, items, imports. No restore needed.</summary>
    public Evaluation Evaluate(params string[] properties)
    {
        lock (Gate)
        {
            var collection = new ProjectCollection(Globals(properties));
            return new Evaluation(collection.LoadProject(ProjectPath));
        }
    }

    /// <summary>
    /// Builds <paramref name="targets"/> (';'-separated) in-process on a fresh evaluation, after restoring once.
    /// The result holds the project instance as the build left it (properties and items added by targets) and the log.
    /// </summary>
    public InProcessBuildResult Build(string targets = "Build", params string[] properties)
    {
        Restore();
        lock (Gate)
        {
            var collection = new ProjectCollection(Globals(properties));
            var instance = new ProjectInstance(ProjectPath, collection.GlobalProperties, null, collection);
            var request = new BuildRequestData(instance, targets.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            var (result, log) = Run(collection, request, targets);
            return new InProcessBuildResult(instance, result, log);
        }
    }

    /// <summary>
    /// NuGet restore, in-process, once per project: its own request (as <c>msbuild -restore</c> does, with a restore
    /// session id so nothing it evaluated is reused), into the integration tests' package cache.
    /// </summary>
    public void Restore()
    {
        lock (Gate)
        {
            if (_restored) return;
            var globals = Globals(
                "MSBuildRestoreSessionId=" + Guid.NewGuid().ToString("D"),
                "RestorePackagesPath=" + TargetTestEnvironment.PackageCache);
            var collection = new ProjectCollection(globals);
            var request = new BuildRequestData(ProjectPath, globals!, null, new[] { "Restore" }, null, BuildRequestDataFlags.ClearCachesAfterBuild);
            var (result, log) = Run(collection, request, "Restore");
            if (result.OverallResult != BuildResultCode.Success)
                throw new InvalidOperationException($"Restore of {ProjectPath} failed ({MSBuildRegistration.Description}):\n"
                    + string.Join('\n', log.Events.Where(e => e.Kind == LogEventKind.Error)));
            _restored = true;
        }
    }

    private (BuildResult, RecordingLogger) Run(ProjectCollection collection, BuildRequestData request, string what)
    {
        var log = new RecordingLogger();
        var binlog = Path.Combine(Root, "logs", $"{Interlocked.Increment(ref _builds):00}-{string.Join('+', what.Split(';'))}.binlog");
        var parameters = new BuildParameters(collection)
        {
            Loggers = new ILogger[] { log, new BinaryLogger { Parameters = binlog } },
            // In this process only: no worker nodes, none kept alive to hold a task assembly.
            MaxNodeCount = 1,
            DisableInProcNode = false,
            EnableNodeReuse = false,
        };
        try
        {
            return (BuildManager.DefaultBuildManager.Build(parameters, request), log);
        }
        finally
        {
            collection.UnloadAllProjects();
        }
    }

    private Dictionary<string, string> Globals(params string[] properties)
    {
        var globals = new Dictionary<string, string>(GlobalProperties, StringComparer.OrdinalIgnoreCase);
        foreach (var property in properties)
        {
            int eq = property.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"'{property}' is not Name=Value", nameof(properties));
            globals[property.Substring(0, eq)] = property.Substring(eq + 1);
        }
        return globals;
    }
}
