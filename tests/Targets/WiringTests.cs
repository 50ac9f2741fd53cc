using System.Text.RegularExpressions;
using SparkShip.Sdk.TargetTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.TargetTests;

/// <summary>
/// One real in-process build of a tiny net8.0 Exe (no Microsoft.Spark), then a second build of the same tree, shared
/// by the facts below: how the public targets hook into the .NET SDK's build and in what order they run.
/// Only public names (SparkBundle*/SparkShip* properties, the public targets, the SparkBundleFile item, the
/// generated source's constants), so the private _SparkShip* targets and the tasks' parameters can change freely.
/// Not covered here: the targets are imported from source, not from the packed package (tests/Integration builds
/// against the package through the MSBuild SDK resolver); the bundle's contents, Microsoft.Spark and the shim,
/// project and package references, multi-targeting and publish (tests/Integration and tests/Unit).
/// </summary>
public class WiringTests : IClassFixture<WiringTests.BuiltTwice>
{
    /// <summary>The tree, its first build and a second build with nothing changed.</summary>
    public sealed class BuiltTwice
    {
        public BuiltTwice()
        {
            Project = InProcessProject.Create("""
                  <!-- The documented hook points: a target of the project's own runs before each step. -->
                  <PropertyGroup>
                    <ComputeSparkBundleDependsOn>ProjectHookBeforeCompute</ComputeSparkBundleDependsOn>
                    <WriteSparkBundleDependsOn>ProjectHookBeforeWrite</WriteSparkBundleDependsOn>
                  </PropertyGroup>
                  <Target Name="ProjectHookBeforeCompute" />
                  <Target Name="ProjectHookBeforeWrite" />
                """);
            First = Project.Build().AssertSuccess();
            Second = Project.Build().AssertSuccess();
        }

        public InProcessProject Project { get; }
        public InProcessBuildResult First { get; }
        public InProcessBuildResult Second { get; }
    }

    private readonly BuiltTwice _built;

    public WiringTests(BuiltTwice built) => _built = built;

    [Fact]
    public void The_public_targets_run_in_data_flow_order_around_the_compiler()
    {
        _built.First.AssertRanInOrder("ComputeSparkBundle", "GenerateSparkBundleSource", "CoreCompile", "CopyFilesToOutputDirectory", "WriteSparkBundle");
    }

    [Fact]
    public void The_hook_points_run_before_their_step()
    {
        _built.First.AssertRanInOrder("ProjectHookBeforeCompute", "ComputeSparkBundle");
        _built.First.AssertRanInOrder("CopyFilesToOutputDirectory", "ProjectHookBeforeWrite", "WriteSparkBundle");
    }

    [Fact]
    public void The_generated_source_is_compiled_and_recorded_for_clean()
    {
        var r = _built.First;
        var generated = _built.Project.FullPathOf(r.Property("SparkBundleSourceFile"));
        Assert.True(File.Exists(generated), generated);
        Assert.Contains(generated, r.Items("Compile").Select(i => i.FullPath));
        Assert.Contains(generated, r.Items("FileWrites").Select(i => i.FullPath));
    }

    [Fact]
    public void The_archives_the_generated_source_names_are_under_the_output_folder_after_the_build()
    {
        var r = _built.First;
        var folder = r.Property("SparkBundleOutputPath");
        Assert.StartsWith(Path.Combine(_built.Project.ProjectDirectory, "bin") + Path.DirectorySeparatorChar, folder);
        Assert.EndsWith(Path.DirectorySeparatorChar + "spark-bundle" + Path.DirectorySeparatorChar, folder);
        var archives = Directory.GetFiles(folder).Select(Path.GetFileName).ToList();
        Assert.NotEmpty(archives);
        Assert.All(archives, a => Assert.Matches(@"^App\.(app|deps)-[0-9a-f]{16}\.zip$", a));

        var source = File.ReadAllText(_built.Project.FullPathOf(r.Property("SparkBundleSourceFile")));
        var appArchive = Regex.Match(source, @"\bAppArchive\s*=\s*""([^""]+)""").Groups[1].Value;
        Assert.Contains(appArchive, archives);
        Assert.Matches(@"\bIsPlaceholder\s*=\s*false\b", source);
    }

    [Fact]
    public void SparkBundleFile_lists_what_goes_in_the_bundle()
    {
        var files = _built.First.Items("SparkBundleFile");
        Assert.Contains(files, f => f["ArchivePath"] == "App.dll" && f["Layer"] == "app");
        Assert.DoesNotContain(files, f => f["ArchivePath"] is "App.deps.json" or "App.runtimeconfig.json" or "App");
    }

    [Fact]
    public void The_tasks_come_from_the_freshly_built_task_assembly()
    {
        var tasks = _built.First.SparkShipTasksRun;
        Assert.NotEmpty(tasks);
        Assert.All(tasks, t => Assert.Equal(TargetTestEnvironment.TasksAssembly, t.TaskAssembly));
        // The identify and bundle steps each run a task of ours (whatever the tasks are called).
        Assert.Contains(tasks, t => t.Target == "ComputeSparkBundle");
        Assert.Contains(tasks, t => t.Target == "WriteSparkBundle");
    }

    [Fact]
    public void A_second_build_with_nothing_changed_runs_no_SparkShip_task()
    {
        var r = _built.Second;
        Assert.Empty(r.SparkShipTasksRun);
        Assert.False(r.TargetRan("ComputeSparkBundle") || r.TargetRan("WriteSparkBundle"), "a SparkShip step ran again");
        Assert.True(r.TargetSkippedAsUpToDate("ComputeSparkBundle"), "ComputeSparkBundle was not up to date");
        Assert.True(r.TargetSkippedAsUpToDate("WriteSparkBundle"), "WriteSparkBundle was not up to date");
        Assert.True(r.TargetSkippedAsUpToDate("CoreCompile"), "CoreCompile was not up to date: the generated source changed?");
        Assert.NotEmpty(r.TasksRun("Copy")); // the log does see tasks: MSBuild's own ran
    }
}

/// <summary>The master switch and the IDE's builds, each on a tree of its own. Same scope as <see cref="WiringTests"/>.</summary>
public class SwitchedOffAndDesignTimeTests
{
    [Fact]
    public void With_SparkBundleEnabled_false_none_of_SparkShips_targets_runs()
    {
        var p = InProcessProject.Create("<PropertyGroup><SparkBundleEnabled>false</SparkBundleEnabled></PropertyGroup>",
            program: "System.Console.WriteLine(1);");
        var r = p.Build().AssertSuccess();
        Assert.True(r.TargetRan("CoreCompile"));
        // By the file that defines them, so a private target added later is covered too.
        Assert.Empty(r.TargetsRunFrom(TargetTestEnvironment.LogicTargets));
        Assert.Empty(r.SparkShipTasksRun);
        Assert.DoesNotContain(r.Items("Compile"), i => i.FullPath.EndsWith("SparkBundle.g.cs", StringComparison.Ordinal));
        Assert.False(Directory.Exists(r.Property("SparkBundleOutputPath")), "a bundle folder was written");
    }

    [Fact]
    public void A_design_time_build_never_identifies_or_bundles_and_still_gives_the_compiler_the_generated_source()
    {
        // What Visual Studio / C# Dev Kit run to get the compiler's command line, on a tree never built.
        var p = InProcessProject.Create();
        var r = p.Build("Compile", "DesignTimeBuild=true", "SkipCompilerExecution=true", "ProvideCommandLineArgs=true", "BuildProjectReferences=false")
            .AssertSuccess();
        Assert.False(r.TargetRan("ComputeSparkBundle"), "ComputeSparkBundle ran in a design-time build");
        Assert.False(r.TargetRan("WriteSparkBundle"), "WriteSparkBundle ran in a design-time build");
        Assert.False(Directory.Exists(r.Property("SparkBundleOutputPath")), "a bundle folder was written");

        var generated = p.FullPathOf(r.Property("SparkBundleSourceFile"));
        Assert.Contains(r.Items("CscCommandLineArgs"), a => a.ItemSpec.EndsWith(Path.GetFileName(generated), StringComparison.Ordinal));
        Assert.Matches(@"\bIsPlaceholder\s*=\s*true\b", File.ReadAllText(generated));
    }
}
