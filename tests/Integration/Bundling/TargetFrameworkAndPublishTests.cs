using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Bundling;

public class TargetFrameworkAndPublishTests
{
    [Fact]
    public void A_multi_targeted_project_gets_a_bundle_per_target_framework()
    {
        var p = Scenarios.MultiTargetedApp("multitarget");

        p.Build("App/App.csproj", "-m").AssertSuccess();

        var net8 = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        var net472 = new Bundle(p.PathOf("App/bin/Debug/net472/spark-bundle"));
        Assert.Contains("App.dll", net8.AppEntries);
        Assert.Contains("App.exe", net472.AppEntries);
        Assert.Contains("Humanizer.dll", net8.DependencyEntries);
        Assert.Contains("Humanizer.dll", net472.DependencyEntries);
        Assert.NotEqual(net8.AppArchive, net472.AppArchive);
        Assert.Equal("net472", net472.Manifest().RootElement.GetProperty("targetFramework").GetString());
    }

    [Fact]
    public void Publish_puts_the_bundle_in_the_publish_folder()
    {
        var p = Scenarios.AppWithLibrary();
        p.Run("publish", "App/App.csproj", "-o", p.PathOf("out")).AssertSuccess();

        var built = new Bundle(p.PathOf("App/bin/Release/net8.0/spark-bundle"));
        var published = new Bundle(p.PathOf("out/spark-bundle"));
        Assert.Equal(2, published.Archives.Count);
        Assert.Equal(built.Archives, published.Archives);
        foreach (var archive in published.Archives)
            Assert.Equal(File.ReadAllBytes(built.PathOf(archive)), File.ReadAllBytes(published.PathOf(archive)));
    }

    [Fact]
    public void Publish_with_no_build_carries_the_last_builds_bundle()
    {
        var p = Scenarios.AppWithLibrary();
        p.Build("App/App.csproj", "-c", "Release").AssertSuccess();
        var built = new Bundle(p.PathOf("App/bin/Release/net8.0/spark-bundle"));

        var publish = p.Run("publish", "App/App.csproj", "--no-build", "-o", p.PathOf("out")).AssertSuccess();

        // Nothing recomputed: the last build's identity is read. The one SparkShip task is publish's own, the driver
        // archive of what is published.
        Assert.Equal(new[] { "WriteSparkDriverArchive" }, publish.SparkShipTasksRun().Select(t => t.Name));
        var published = new Bundle(p.PathOf("out/spark-bundle"));
        Assert.Equal(2, published.Archives.Count);
        Assert.Equal(built.Archives, published.Archives); // one build: its two archives are the current ones
    }
}
