using SparkShip.Sdk.TargetTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.TargetTests;

/// <summary>Options a build cannot honour are SSHIP0009 naming the property, the value and what is valid, before anything is written.</summary>
public class OptionValidationTests
{
    public static TheoryData<string, string> BadOptions => new()
    {
        { "SparkBundleDir", "/tmp/elsewhere" },
        { "SparkBundleDir", "../../outside" },
        { "SparkBundleDir", "a/../.." },
        { "SparkBundleRetainCount", "0" },
        { "SparkBundleRetainCount", "-1" },
        { "SparkBundleRetainCount", "three" },
        { "SparkClusterRuntimeIdentifier", "linux-x46" },
        { "SparkBundleEnabled", "maybe" }, // (MSBuild itself reads yes/no/on/off as booleans: those are valid)
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void A_bad_option_is_SSHIP0009_naming_it_and_nothing_is_written(string property, string value)
    {
        var p = InProcessProject.Create();
        var r = p.Build("Build", $"{property}={value}");

        Assert.False(r.Succeeded);
        var error = Assert.Single(r.Diagnostics("SSHIP0009"));
        Assert.Contains($"{property} is '{value}'", error.Text);
        Assert.Contains("not valid", error.Text);
        Assert.False(Directory.Exists(Path.Combine(p.ProjectDirectory, "obj", "Debug", "net8.0", "sparkship")), "SparkShip's state was written");
        Assert.Empty(Directory.Exists(Path.Combine(p.ProjectDirectory, "bin")) ? Directory.GetFiles(Path.Combine(p.ProjectDirectory, "bin"), "*.zip", SearchOption.AllDirectories) : Array.Empty<string>());
        Assert.False(Directory.Exists("/tmp/elsewhere"));
    }

    [Fact]
    public void An_include_with_an_unknown_layer_is_SSHIP0009_naming_the_item()
    {
        var p = InProcessProject.Create("""<ItemGroup><SparkBundleInclude Include="conf.json" Layer="extra" /></ItemGroup>""");
        p.Write("App/conf.json", "{}");
        var r = p.Build();

        Assert.False(r.Succeeded);
        var error = Assert.Single(r.Diagnostics("SSHIP0009"));
        Assert.Contains("SparkBundleInclude 'conf.json' is 'extra'", error.Text);
        Assert.Contains("app (the default) or deps", error.Text);
    }

    [Theory]
    [InlineData("SparkBundleDir", "nested/spark")]
    [InlineData("SparkBundleRetainCount", "1")]
    [InlineData("SparkClusterRuntimeIdentifier", "linux-musl-arm64")]
    [InlineData("SparkBundleEnabled", "false")]
    [InlineData("SparkBundleEnabled", "no")]
    public void Good_values_pass(string property, string value) =>
        Assert.Empty(InProcessProject.Create(program: "static class P { static void Main() { } }")
            .Build("Build", $"{property}={value}").AssertSuccess().Diagnostics("SSHIP0009"));
}
