using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Bundling;

public class DeterminismTests
{
    [Fact]
    public void Two_clean_builds_in_different_folders_give_byte_identical_archives()
    {
        // The compiler embeds source paths in DLL and PDB unless they are mapped (what CI builds do with
        // ContinuousIntegrationBuild/PathMap); with them mapped, nothing of the folder may reach the bundle.
        var a = Scenarios.AppWithLibrary("determinism-a");
        a.Write("Directory.Build.props", """
            <Project>
              <PropertyGroup>
                <PathMap>$(MSBuildThisFileDirectory)=/_/</PathMap>
              </PropertyGroup>
            </Project>
            """);
        var b = a.CopyTo("determinism-b-longer-folder-name");
        Assert.NotEqual(a.Root, b.Root);

        a.Build("App/App.csproj").AssertSuccess();
        Thread.Sleep(1100); // a different clock for the second build
        b.Build("App/App.csproj").AssertSuccess();

        var bundleA = new Bundle(a.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        var bundleB = new Bundle(b.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        Assert.Equal(2, bundleA.Archives.Count);
        Assert.Equal(bundleA.Archives, bundleB.Archives);
        foreach (var archive in bundleA.Archives)
            Assert.Equal(File.ReadAllBytes(bundleA.PathOf(archive)), File.ReadAllBytes(bundleB.PathOf(archive)));
        Assert.Equal(a.Read("App/obj/Debug/net8.0/SparkBundle.g.cs"), b.Read("App/obj/Debug/net8.0/SparkBundle.g.cs"));
    }
}
