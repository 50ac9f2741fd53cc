using SparkShip.Tasks.Planning;
using Xunit;

namespace SparkShip.Tests.Planning;

public sealed class FrameworkNameTests
{
    [Theory]
    [InlineData(".NETCoreApp,Version=v8.0", FrameworkName.NetCoreApp, "8.0")]
    [InlineData(".NETCoreApp,Version=v10.0", FrameworkName.NetCoreApp, "10.0")]
    [InlineData(".NETFramework,Version=v4.7.2", FrameworkName.NetFramework, "4.7.2")]
    [InlineData(".NETFramework,Version=v4.8,Profile=Client", FrameworkName.NetFramework, "4.8")]
    [InlineData(".NETStandard,Version=v2.1", FrameworkName.NetStandard, "2.1")]
    [InlineData("  .NETStandard, Version = v2.0 ", FrameworkName.NetStandard, "2.0")]
    [InlineData("net8.0", FrameworkName.NetCoreApp, "8.0")]
    [InlineData("NET8.0", FrameworkName.NetCoreApp, "8.0")]
    [InlineData("net8.0-windows", FrameworkName.NetCoreApp, "8.0")]
    [InlineData("net8.0-windows10.0.19041.0", FrameworkName.NetCoreApp, "8.0")]
    [InlineData("net10.0", FrameworkName.NetCoreApp, "10.0")]
    [InlineData("net472", FrameworkName.NetFramework, "4.7.2")]
    [InlineData("net462", FrameworkName.NetFramework, "4.6.2")]
    [InlineData("netstandard2.1", FrameworkName.NetStandard, "2.1")]
    [InlineData("netstandard2.0", FrameworkName.NetStandard, "2.0")]
    [InlineData("netcoreapp3.1", FrameworkName.NetCoreApp, "3.1")]
    [InlineData("netcoreapp2", FrameworkName.NetCoreApp, "2.0")]
    public void Parse_long_monikers_and_short_tfms(string text, string identifier, string version)
    {
        var framework = FrameworkName.Parse(text);
        Assert.NotNull(framework);
        Assert.Equal(identifier, framework!.Identifier);
        Assert.Equal(Version.Parse(version), framework.Version);
    }

    [Fact]
    public void Parse_net48_is_net_framework48()
    {
        var framework = FrameworkName.Parse("net48");
        Assert.NotNull(framework);
        Assert.Equal(FrameworkName.NetFramework, framework!.Identifier);
        Assert.Equal(4, framework.Version.Major);
        Assert.Equal(8, framework.Version.Minor);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("garbage")]
    [InlineData("net")]
    [InlineData("net8")]
    [InlineData("netstandard")]
    [InlineData("netstandardX")]
    [InlineData("net4x")]
    [InlineData(".NETCoreApp")]
    [InlineData(".NETCoreApp,Version=vX")]
    [InlineData(".NETCoreApp,Profile=Client")]
    [InlineData(",Version=v8.0")]
    public void Parse_garbage_is_null(string? text) => Assert.Null(FrameworkName.Parse(text));

    [Theory]
    [InlineData("net8.0")]
    [InlineData("net10.0")]
    [InlineData("net5.0")]
    [InlineData("netcoreapp3.1")]
    [InlineData("netstandard2.0")]
    [InlineData("netstandard2.1")]
    [InlineData("net472")]
    [InlineData("net462")]
    public void To_string_round_trips_short_tfms(string tfm) => Assert.Equal(tfm, FrameworkName.Parse(tfm)!.ToString());

    [Fact]
    public void To_string_round_trips_net48() => Assert.Equal("net48", FrameworkName.Parse("net48")!.ToString());

    [Theory]
    [InlineData(".NETCoreApp,Version=v8.0", "net8.0")]
    [InlineData(".NETCoreApp,Version=v3.1", "netcoreapp3.1")]
    [InlineData(".NETStandard,Version=v2.1", "netstandard2.1")]
    [InlineData(".NETFramework,Version=v4.8", "net48")]
    [InlineData(".NETFramework,Version=v4.7.2", "net472")]
    [InlineData("Xamarin.iOS,Version=v1.0", "Xamarin.iOS,Version=v1.0")]
    public void To_string_of_long_monikers_is_the_short_tfm(string moniker, string expected) =>
        Assert.Equal(expected, FrameworkName.Parse(moniker)!.ToString());

    [Theory]
    // .NET worker: .NET up to its version, any .NET Standard, .NET Framework libraries.
    [InlineData("net8.0", "net8.0", true)]
    [InlineData("net6.0", "net8.0", true)]
    [InlineData("netcoreapp3.1", "net8.0", true)]
    [InlineData("net9.0", "net8.0", false)]
    [InlineData("net10.0", "net8.0", false)]
    [InlineData("net8.0-windows", "net8.0", true)]
    [InlineData("netstandard2.0", "net8.0", true)]
    [InlineData("netstandard2.1", "net8.0", true)]
    [InlineData("net472", "net8.0", true)]
    [InlineData(".NETCoreApp,Version=v8.0", "net8.0", true)]
    [InlineData(".NETCoreApp,Version=v8.1", "net8.0", false)]
    // .NET Framework worker: netstandard up to 2.0, .NET Framework up to its version, never .NET (Core).
    [InlineData("netstandard2.0", "net48", true)]
    [InlineData("netstandard1.3", "net48", true)]
    [InlineData("netstandard2.1", "net48", false)]
    [InlineData("net472", "net48", true)]
    [InlineData("net462", "net48", true)]
    [InlineData(".NETFramework,Version=v4.8", "net48", true)]
    [InlineData(".NETFramework,Version=v4.8.1", "net48", false)]
    [InlineData("net48", "net472", false)]
    [InlineData("net8.0", "net48", false)]
    [InlineData("netcoreapp3.1", "net48", false)]
    public void IsLoadableOn_Matrix(string assembly, string worker, bool loadable) =>
        Assert.Equal(loadable, FrameworkName.Parse(assembly)!.IsLoadableOn(FrameworkName.Parse(worker)!));
}
