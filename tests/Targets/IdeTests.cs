using SparkShip.Sdk.TargetTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.TargetTests;

/// <summary>
/// What Visual Studio reads of a project that bundles (evaluated properties and items): build acceleration off, and
/// the fast up-to-date check told of SparkBundleInclude files and of the archives of the last build. Visual Studio
/// cannot run here, so these tests check what it would read, not what it does with it.
/// </summary>
public class IdeTests
{
    // What Visual Studio's evaluations carry (its fast up-to-date check reads their items).
    private const string VisualStudio = "BuildingInsideVisualStudio=true";

    [Fact]
    public void Build_acceleration_is_off_in_a_project_that_bundles_whatever_Directory_Build_props_says()
    {
        var p = InProcessProject.Create();
        p.Write("Directory.Build.props", """
            <Project>
              <PropertyGroup><AccelerateBuildsInVisualStudio>true</AccelerateBuildsInVisualStudio></PropertyGroup>
            </Project>
            """);
        Assert.Equal("false", p.Evaluate().Property("AccelerateBuildsInVisualStudio"));
        // A project that turned SparkShip off keeps the solution's setting.
        Assert.Equal("true", p.Evaluate("SparkBundleEnabled=false").Property("AccelerateBuildsInVisualStudio"));
    }

    [Fact]
    public void The_fast_up_to_date_check_sees_included_files_and_the_last_builds_archives()
    {
        var p = InProcessProject.Create("""<ItemGroup><SparkBundleInclude Include="conf/settings.json" ArchivePath="conf/settings.json" /></ItemGroup>""");
        p.Write("App/conf/settings.json", "{}");
        var fresh = p.Evaluate(VisualStudio);
        Assert.Contains(fresh.Items("UpToDateCheckInput"), i => i.ItemSpec == "conf/settings.json");
        Assert.Empty(fresh.Items("UpToDateCheckBuilt").Where(i => i.ItemSpec.EndsWith(".zip", StringComparison.Ordinal))); // never built: nothing to check yet

        p.Build().AssertSuccess();
        var built = p.Evaluate(VisualStudio);
        var folder = built.Property("SparkBundleOutputPath");
        var archives = built.Items("UpToDateCheckBuilt").Select(i => i.ItemSpec).Where(i => i.EndsWith(".zip", StringComparison.Ordinal)).ToList();
        var app = Assert.Single(archives);
        Assert.StartsWith(folder, app);
        Assert.Matches(@"App\.app-[0-9a-f]{16}\.zip$", app);
        Assert.True(File.Exists(app), app + " is what the IDE will find missing when spark-bundle/ is deleted");
        // A command-line evaluation does not read identity.txt for them.
        Assert.DoesNotContain(p.Evaluate().Items("UpToDateCheckBuilt"), i => i.ItemSpec.EndsWith(".zip", StringComparison.Ordinal));
    }
}
