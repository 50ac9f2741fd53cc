using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SparkShip.Sdk.IntegrationTests.Bundling;

/// <summary>
/// What the worker brings itself (spark-facts §1): Microsoft.Spark.Worker carries Microsoft.Spark with its dependencies
/// and runs on the .NET 8 shared framework, and always loads those from its own files. The real Microsoft.Spark
/// package cannot be restored here: these tests restore the TEST-ONLY package of that name
/// (<see cref="MicrosoftSparkTestPackage"/>: the stand-in assembly plus the real dependency list where this machine's
/// package source serves it; MessagePack is declared as 2.5.307 instead of 3.0.214-rc.1, Microsoft.Data.Analysis and
/// Razorvine.Pyrolite are left out, see there why), from a feed and into a package folder that belong to this test run.
/// </summary>
public class WorkerProvidedTests
{
    private readonly ITestOutputHelper _output;

    public WorkerProvidedTests(ITestOutputHelper output) => _output = output;

    /// <summary>The repository's sample as it is, its PackageReference to Microsoft.Spark 2.3.1 restoring the test-only package.</summary>
    private static TestProject SampleWithTestPackage(string name = "sample-pkg")
    {
        var p = new TestProject(name).UseMicrosoftSparkTestPackage();
        var samples = Path.Combine(p.Env.RepoRoot, "samples");
        foreach (var file in Directory.EnumerateFiles(samples, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(samples, file);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Contains("bin") || parts.Contains("obj") || relative is "global.json" or "nuget.config") continue;
            p.Write(relative.Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllText(file));
        }
        Assert.Contains("""<PackageReference Include="Microsoft.Spark" Version="2.3.1" />""", p.Read("WordCount/WordCount.csproj"));
        return p;
    }

    private static long Size(Bundle bundle) => new FileInfo(bundle.PathOf(bundle.DependencyArchive!)).Length;

    [Fact]
    public void Microsoft_Spark_and_its_dependency_closure_stay_out_of_the_dependency_layer()
    {
        var p = SampleWithTestPackage();

        p.Build("WordCount/WordCount.csproj").AssertSuccess();
        var without = new Bundle(p.PathOf("WordCount/bin/Debug/net8.0/spark-bundle"));
        var withoutEntries = without.DependencyEntries;
        long withoutSize = Size(without);
        Assert.DoesNotContain(without.AppEntries, e => e.StartsWith("Microsoft.Spark", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("2.3.1", without.Manifest().RootElement.GetProperty("sparkVersion").GetString());

        // With SparkBundleExcludeMicrosoftSpark=false everything the worker brings is shipped too: the layer as it was.
        p.Build("WordCount/WordCount.csproj", "-p:SparkBundleExcludeMicrosoftSpark=false", "-p:SparkBundleDir=spark-bundle-all").AssertSuccess();
        var with = new Bundle(p.PathOf("WordCount/bin/Debug/net8.0/spark-bundle-all"));
        var withEntries = with.DependencyEntries;
        long withSize = Size(with);

        _output.WriteLine($"sample dependency layer without the worker's packages: {withoutEntries.Count} file(s), {withoutSize} bytes: {string.Join(", ", withoutEntries)}");
        _output.WriteLine($"sample dependency layer with them: {withEntries.Count} file(s), {withSize} bytes: {string.Join(", ", withEntries)}");

        Assert.Equal(new[] { "Humanizer.dll" }, withoutEntries);
        // The closure as NuGet resolved it (MessagePack's own dependencies included); Microsoft.CSharp and System.Memory
        // are the shared framework's on net8.0, so they were never copied.
        Assert.Equal(
            new[] { "Apache.Arrow.dll", "Humanizer.dll", "MessagePack.Annotations.dll", "MessagePack.dll", "Microsoft.NET.StringTools.dll", "Microsoft.Spark.dll", "Newtonsoft.Json.dll", "Razorvine.Pickle.dll" },
            withEntries.OrderBy(e => e, StringComparer.Ordinal));
        Assert.True(withSize > 5 * withoutSize, $"{withSize} vs {withoutSize}");

        // The test-only package never reached the shared test cache.
        Assert.True(Directory.Exists(Path.Combine(p.Env.PrivatePackageCache, "microsoft.spark", "2.3.1")));
        Assert.False(Directory.Exists(Path.Combine(p.Env.PackageCache, "microsoft.spark")));
    }

    [Fact]
    public void A_dependency_of_Microsoft_Spark_referenced_at_a_higher_version_is_SSHIP0013_and_left_out()
    {
        var p = SampleWithTestPackage("sample-newer-json");
        p.Edit("WordCount.Udfs/WordCount.Udfs.csproj", """<PackageReference Include="Humanizer.Core" Version="2.14.1" />""",
            """<PackageReference Include="Humanizer.Core" Version="2.14.1" /><PackageReference Include="Newtonsoft.Json" Version="13.0.4" />""");

        var build = p.Build("WordCount/WordCount.csproj").AssertSuccess();

        var warning = Assert.Single(build.Diagnostics("SSHIP0013"));
        _output.WriteLine(warning);
        Assert.Contains("Newtonsoft.Json 13.0.4", warning);
        Assert.Contains("13.0.3", warning);
        Assert.Contains("Microsoft.Spark 2.3.1", warning);
        Assert.Contains("executors", warning);
        // The worker's copy is what runs: the app's is not shipped.
        Assert.Equal(new[] { "Humanizer.dll" }, new Bundle(p.PathOf("WordCount/bin/Debug/net8.0/spark-bundle")).DependencyEntries);

        // The assets file and the framework list are inputs of the identify step: a build where nothing changed stays free.
        var again = p.Build("WordCount/WordCount.csproj").AssertSuccess();
        Assert.True(again.TargetSkippedAsUpToDate("ComputeSparkBundle"), "ComputeSparkBundle was not skipped as up to date");
        Assert.Empty(again.SparkShipTasksRun());
    }

    [Fact]
    public void A_shared_framework_assembly_at_a_higher_version_than_the_worker_s_framework_is_SSHIP0013()
    {
        // No Microsoft.Spark needed: the worker runs on net8.0's shared framework whatever the app references.
        var p = new TestProject("newer-framework-assembly");
        p.Write("App/App.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <Sdk Name="SparkShip.Sdk" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net8.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="System.Text.Json" Version="9.0.23" />
              </ItemGroup>
            </Project>
            """);
        p.Write("App/Program.cs", "System.Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(1));\n");

        var build = p.Build("App/App.csproj").AssertSuccess();

        var warnings = build.Diagnostics("SSHIP0013");
        foreach (var w in warnings) _output.WriteLine(w);
        var json = Assert.Single(warnings, w => w.Contains("System.Text.Json 9.0.0.0"));
        Assert.Contains("8.0.0.0", json);
        Assert.Contains("Microsoft.NETCore.App (net8.0)", json);
        Assert.Contains("executors", json);
        // Not a closure package: still shipped (the worker decides what loads).
        Assert.Contains("System.Text.Json.dll", new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle")).DependencyEntries);
    }

    [Fact]
    public void A_library_that_needs_ASP_NET_Core_is_SSHIP0014_and_nothing_is_written()
    {
        var p = Scenarios.AppWithLibrary("aspnetcore-lib");
        p.Edit("Lib/Lib.csproj", "<ItemGroup>", """<ItemGroup><FrameworkReference Include="Microsoft.AspNetCore.App" />""");

        var build = p.Build("App/App.csproj").AssertFailure();

        var error = Assert.Single(build.Diagnostics("SSHIP0014"));
        _output.WriteLine(error);
        Assert.Contains("Microsoft.AspNetCore.App", error);
        Assert.Contains("Project 'Lib'", error);
        Assert.StartsWith(p.PathOf("Lib/Lib.csproj") + ":", error); // located at the library that asks for it
        Assert.Contains("Nothing was written", error);
        Assert.Empty(new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle")).Archives);
        Assert.False(File.Exists(p.PathOf("App/obj/Debug/net8.0/sparkship/identity.txt")));
    }
}
