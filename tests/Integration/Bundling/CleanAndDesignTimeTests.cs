using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Bundling;

public class CleanAndDesignTimeTests
{
    [Fact]
    public void Clean_removes_what_the_sdk_wrote_and_nothing_else()
    {
        var p = Scenarios.AppWithLibrary();
        p.Build("App/App.csproj").AssertSuccess();
        var folder = p.PathOf("App/bin/Debug/net8.0/spark-bundle");
        var userFiles = new[] { Path.Combine(folder, "my-notes.txt"), p.PathOf("App/obj/Debug/net8.0/sparkship/mine.txt") };
        foreach (var f in userFiles) File.WriteAllText(f, "user file");
        Assert.NotEmpty(new Bundle(folder).Archives);

        var stateFiles = new[] { "hashes.cache", "archives.txt", "identity.txt", "plan.tsv", "inputs.cache", "fingerprint-app.txt", "fingerprint-deps.txt" };
        Assert.All(stateFiles, f => Assert.True(File.Exists(p.PathOf("App/obj/Debug/net8.0/sparkship/" + f)), f + " was not written"));

        p.Run("clean", "App/App.csproj").AssertSuccess();

        Assert.Empty(new Bundle(folder).Archives);
        Assert.False(File.Exists(p.PathOf("App/obj/Debug/net8.0/SparkBundle.g.cs")));
        foreach (var state in stateFiles)
            Assert.False(File.Exists(p.PathOf("App/obj/Debug/net8.0/sparkship/" + state)), state + " survived clean");
        // Nothing else of SparkShip's is left there: only the user's file.
        Assert.Equal(new[] { "mine.txt" }, Directory.GetFiles(p.PathOf("App/obj/Debug/net8.0/sparkship")).Select(Path.GetFileName));
        foreach (var f in userFiles) Assert.Equal("user file", File.ReadAllText(f));
    }

    // What Visual Studio and C# Dev Kit do to learn a project's compile inputs: no project references built,
    // compiler not run. Here on a fresh clone, where nothing was ever built.
    private static readonly string[] DesignTimeArgs =
    {
        "-t:Compile", "-p:DesignTimeBuild=true", "-p:BuildingInsideVisualStudio=true", "-p:SkipCompilerExecution=true",
        "-p:ProvideCommandLineArgs=true", "-p:BuildProjectReferences=false",
    };

    [Fact]
    public void A_design_time_build_of_a_fresh_tree_never_bundles_never_fails_and_still_gets_the_constants()
    {
        var p = Scenarios.AppWithLibrary();
        p.Run("restore", "App/App.csproj").AssertSuccess();

        var dtb = p.Run("msbuild", "App/App.csproj", DesignTimeArgs).AssertSuccess();

        Assert.False(Directory.Exists(p.PathOf("Lib/bin")), "the design-time build built a project reference");
        Assert.False(Directory.Exists(p.PathOf("App/bin/Debug/net8.0/spark-bundle")));
        Assert.Empty(dtb.TasksRun("ComputeSparkBundle"));
        Assert.Empty(dtb.TasksRun("WriteSparkBundle"));
        var generated = p.Read("App/obj/Debug/net8.0/SparkBundle.g.cs");
        Assert.Contains("IsPlaceholder = true", generated);
        Assert.Contains("public const string AppArchive", generated);
        // The compiler command line the IDE gets includes the generated file.
        Assert.Contains(dtb.Log.FindChildrenRecursive<Microsoft.Build.Logging.StructuredLogger.Item>(i => i.Text.EndsWith("SparkBundle.g.cs")), _ => true);
    }

    [Fact]
    public void A_placeholder_is_replaced_by_the_next_real_build_and_a_deleted_file_is_rewritten_from_the_last_identity()
    {
        var p = Scenarios.AppWithLibrary();
        p.Run("restore", "App/App.csproj").AssertSuccess();
        p.Run("msbuild", "App/App.csproj", DesignTimeArgs).AssertSuccess();
        var file = p.PathOf("App/obj/Debug/net8.0/SparkBundle.g.cs");
        Assert.Contains("IsPlaceholder = true", File.ReadAllText(file));

        p.Build("App/App.csproj").AssertSuccess();
        var real = File.ReadAllText(file);
        Assert.Contains("IsPlaceholder = false", real);
        var appArchive = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle")).AppArchive;
        Assert.Contains($"AppArchive = \"{appArchive}\"", real);

        // Deleted (an IDE's clean of obj/, say): the design-time build writes what the last real build wrote, not a
        // placeholder that a real build could then take for up to date.
        File.Delete(file);
        var dtb = p.Run("msbuild", "App/App.csproj", DesignTimeArgs).AssertSuccess();
        Assert.Equal(real, File.ReadAllText(file));
        Assert.Empty(dtb.TasksRun("ComputeSparkBundle"));
    }

    [Fact]
    public void A_design_time_build_after_a_real_build_leaves_the_generated_file_alone()
    {
        var p = Scenarios.AppWithLibrary();
        p.Build("App/App.csproj").AssertSuccess();
        var file = p.PathOf("App/obj/Debug/net8.0/SparkBundle.g.cs");
        var (time, text) = (File.GetLastWriteTimeUtc(file), File.ReadAllText(file));
        Assert.Contains("IsPlaceholder = false", text);

        Thread.Sleep(1100);
        p.Run("msbuild", "App/App.csproj", DesignTimeArgs).AssertSuccess();

        Assert.Equal(time, File.GetLastWriteTimeUtc(file));
        Assert.Equal(text, File.ReadAllText(file));
        // And the next real build has nothing to compile.
        var next = p.Build("App/App.csproj").AssertSuccess();
        Assert.True(next.TargetSkippedAsUpToDate("WriteSparkBundle"));
    }
}
