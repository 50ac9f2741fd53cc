using SparkShip.Tasks.Planning;
using SparkShip.Tests.Support;
using Xunit;

namespace SparkShip.Tests.Planning;

public sealed class RuntimeIdentifierGraphTests : IDisposable
{
    private readonly TempFolder _dir = new("ridgraph");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Linux_x64_from_the_sdk_graph()
    {
        var chain = RuntimeIdentifierGraph.FallbackChain("linux-x64", DotnetInstall.RidGraph);

        Assert.Equal(new[] { "linux-x64", "linux", "unix-x64", "unix" }, chain.Take(4));
        Assert.Contains("any", chain);
        Assert.True(chain.ToList().IndexOf("any") > 3);
        Assert.Equal(chain.Count, chain.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.DoesNotContain("win", chain);
        Assert.DoesNotContain("linux-musl-x64", chain); // musl imports linux-x64, not the other way round
    }

    [Fact]
    public void Linux_musl_arm64_from_the_sdk_graph_falls_back_through_linux_arm64()
    {
        var chain = RuntimeIdentifierGraph.FallbackChain("linux-musl-arm64", DotnetInstall.RidGraph).ToList();
        Assert.Equal("linux-musl-arm64", chain[0]);
        Assert.True(chain.IndexOf("linux-arm64") > 0);
        Assert.True(chain.IndexOf("linux-arm64") < chain.IndexOf("unix"));
        Assert.Contains("any", chain);
        Assert.DoesNotContain("linux-x64", chain);
    }

    [Fact]
    public void Expansion_is_breadth_first_without_duplicates()
    {
        var graph = _dir.Write("graph.json", """
        {
          "runtimes": {
            "base": { "#import": [] },
            "any": { "#import": [ "base" ] },
            "os": { "#import": [ "any" ] },
            "os-x": { "#import": [ "os" ] },
            "distro": { "#import": [ "os" ] },
            "distro-x": { "#import": [ "distro", "os-x" ] }
          }
        }
        """);

        Assert.Equal(new[] { "distro-x", "distro", "os-x", "os", "any", "base" }, RuntimeIdentifierGraph.FallbackChain("distro-x", graph));
        Assert.Equal(new[] { "os", "any", "base" }, RuntimeIdentifierGraph.FallbackChain("os", graph));
    }

    [Theory]
    [InlineData("myos-arm64", new[] { "myos-arm64", "myos", "any" })]
    [InlineData("linux-riscv128", new[] { "linux-riscv128", "linux", "unix", "any" })]
    [InlineData("osx-m9", new[] { "osx-m9", "osx", "unix", "any" })]
    [InlineData("freebsd-mips", new[] { "freebsd-mips", "freebsd", "unix", "any" })]
    [InlineData("plain", new[] { "plain", "any" })]
    public void Unknown_rid_is_guessed(string rid, string[] expected)
    {
        Assert.Equal(expected, RuntimeIdentifierGraph.FallbackChain(rid, DotnetInstall.RidGraph));
    }

    [Fact]
    public void Missing_or_no_graph_file_guesses()
    {
        var expected = new[] { "linux-x64", "linux", "unix", "any" };
        Assert.Equal(expected, RuntimeIdentifierGraph.FallbackChain("linux-x64", _dir.Combine("no-such-graph.json")));
        Assert.Equal(expected, RuntimeIdentifierGraph.FallbackChain("linux-x64", null));
        Assert.Equal(expected, RuntimeIdentifierGraph.FallbackChain("linux-x64", ""));
    }

    [Fact]
    public void Graph_without_runtimes_guesses()
    {
        var graph = _dir.Write("other.json", """{ "supports": {} }""");
        Assert.Equal(new[] { "win-x64", "win", "any" }, RuntimeIdentifierGraph.FallbackChain("win-x64", graph));
    }

    [Fact]
    public void Known_runtimes_are_the_graph_keys_or_without_a_graph_a_dotnet_os()
    {
        Assert.True(RuntimeIdentifierGraph.IsKnown("linux-x64", DotnetInstall.RidGraph));
        Assert.True(RuntimeIdentifierGraph.IsKnown("win-x64", DotnetInstall.RidGraph));
        Assert.False(RuntimeIdentifierGraph.IsKnown("mycluster", DotnetInstall.RidGraph));
        Assert.False(RuntimeIdentifierGraph.IsKnown("", DotnetInstall.RidGraph));
        Assert.True(RuntimeIdentifierGraph.IsKnown("osx-arm64", null));
        Assert.False(RuntimeIdentifierGraph.IsKnown("mycluster-x64", null));
    }
}
