using SparkShip.Runtime;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SparkShip.Tasks.Hashing;
using SparkShip.Tasks.Planning;
using Xunit;

namespace SparkShip.Tests.Planning;

public sealed class PathMappingTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_map_leaves_path_as_is(string? map) => Assert.Equal("/src/app/Program.cs", PathMapping.Apply("/src/app/Program.cs", map));

    [Theory]
    [InlineData("/src/app/=/_/", "/src/app/Program.cs", "/_/Program.cs")]
    [InlineData("/src/app/=/_/", "/other/Program.cs", "/other/Program.cs")]
    [InlineData("/elsewhere/=/x/,/src/app/=/_/", "/src/app/sub/P.cs", "/_/sub/P.cs")]
    [InlineData("/src/=/A/,/src/=/B/", "/src/P.cs", "/A/P.cs")]           // first of equal prefixes
    [InlineData("/SRC/=/_/", "/src/P.cs", "/src/P.cs")]                    // ordinal, as Roslyn
    [InlineData("=/x/,/src/=/_/", "/src/P.cs", "/_/P.cs")]                 // an empty key never matches
    [InlineData("/a,,b/=/_/", "/a,b/P.cs", "/_/P.cs")]                     // ',,' is a literal ','
    [InlineData("/a==b/=/_/", "/a=b/P.cs", "/_/P.cs")]                     // '==' is a literal '='
    [InlineData("/src/=/x==y/", "/src/P.cs", "/x=y/P.cs")]
    [InlineData("/a,,b/=/c,,d/,/e/=/f/", "/e/P.cs", "/f/P.cs")]
    [InlineData("/src/", "/src/P.cs", "/src/P.cs")]                        // no '=': ignored
    public void Apply(string map, string path, string expected) => Assert.Equal(expected, PathMapping.Apply(path, map));

    /// <summary>What the C# compiler embeds for <paramref name="path"/> under /pathmap:<paramref name="map"/>.</summary>
    private static string Roslyn(string map, string path)
    {
        var args = CSharpCommandLineParser.Default.Parse(new[] { "/pathmap:" + map, "x.cs" }, "/", sdkDirectory: null);
        Assert.Empty(args.Errors);
        return new SourceFileResolver(ImmutableArray<string>.Empty, null, args.PathMap).NormalizePath(path, null)!;
    }

    [Theory]
    [InlineData("/src/app/=/_/", "/src/app/Program.cs")]
    [InlineData("/elsewhere/=/x/,/src/app/=/_/", "/src/app/sub/P.cs")]
    [InlineData("/src/=/A/,/src/=/B/", "/src/P.cs")]
    [InlineData("/a,,b/=/_/", "/a,b/P.cs")]
    [InlineData("/a==b/=/_/", "/a=b/P.cs")]
    public void Apply_agrees_with_the_compiler(string map, string path) => Assert.Equal(Roslyn(map, path), PathMapping.Apply(path, map));

    [Theory]
    [InlineData("/repo/=/_/,/repo/sub/=/_1/", "/repo/sub/P.cs")]   // Roslyn: longest key wins -> /_1/P.cs
    [InlineData("/src=/_", "/srcfoo/P.cs")]                        // Roslyn: '/src/' does not match '/srcfoo/'
    [InlineData("/src/=/_", "/src/P.cs")]                          // Roslyn: value gets a '/' -> /_/P.cs
    public void Apply_agrees_with_the_compiler_nested_keys_and_separators(string map, string path) =>
        Assert.Equal(Roslyn(map, path), PathMapping.Apply(path, map));
}

public sealed class FingerprintBuilderTests
{
    private static FingerprintBuilder New() => new("1.2.3");

    [Fact]
    public void Order_within_a_section_does_not_matter()
    {
        var a = New().Add("files", "a.dll", "h1").Add("files", "b.dll", "h2").Add("bundle", "x", "y");
        var b = New().Add("bundle", "x", "y").Add("files", "b.dll", "h2").Add("files", "a.dll", "h1");
        Assert.Equal(a.Compute(), b.Compute());
        Assert.Equal(a.Text(), b.Text());
    }

    [Fact]
    public void Any_change_changes_the_fingerprint()
    {
        static FingerprintBuilder Baseline(FingerprintBuilder f) => f.Add("files", "a.dll", "h1").Add("files", "b.dll", "h2");
        var baseline = Baseline(New()).Compute();

        var variants = new[]
        {
            New().Add("files", "a.dll", "hX").Add("files", "b.dll", "h2"),   // value
            New().Add("files", "A.dll", "h1").Add("files", "b.dll", "h2"),   // key (case)
            New().Add("other", "a.dll", "h1").Add("files", "b.dll", "h2"),   // section
            Baseline(New()).Add("files", "c.dll", "h3"),                     // one more line
            New().Add("files", "a.dll", "h1"),                               // one line less
            Baseline(New()).Add("files", "a.dll", "h1"),                     // a duplicate line counts
            Baseline(New()).Add("empty", "", ""),                            // an extra section
            Baseline(new FingerprintBuilder("1.2.4")),                       // SDK version
        };
        foreach (var variant in variants) Assert.NotEqual(baseline, variant.Compute());
        Assert.Equal(variants.Length, variants.Select(v => v.Compute()).Distinct().Count());
    }

    [Fact]
    public void Separators_in_keys_and_values_cannot_forge_other_lines()
    {
        Assert.NotEqual(New().Add("s", "a\tb", "c").Compute(), New().Add("s", "a", "b\tc").Compute());
        Assert.NotEqual(New().Add("s", "a\nb", "c").Compute(), New().Add("s", "a", "c").Add("s", "b", "c").Compute());
        Assert.NotEqual(New().Add("s", "k", "v\n[t]\nx\ty").Compute(), New().Add("s", "k", "v").Add("t", "x", "y").Compute());
        Assert.NotEqual(New().Add("s", "a\\", "tb").Compute(), New().Add("s", "a", "\\tb").Compute());
    }

    [Fact]
    public void Compute_hashes_text()
    {
        var fp = New().Add("files", "b.dll", "h2").Add("files", "a.dll", "h1").Add("bundle", "assembly", "App");
        var text = fp.Text();

        Assert.Equal(ContentHash.OfText(text), fp.Compute());
        Assert.Equal(ContentHash.HexLength, fp.Compute().Length);
        Assert.Matches("^[0-9a-f]{32}$", fp.Compute());
        // Sections sorted, lines sorted within each, key TAB value.
        var lines = text.Split('\n');
        Assert.Equal("[bundle]", lines[0]);
        Assert.Equal("assembly\tApp", lines[1]);
        int files = Array.IndexOf(lines, "[files]");
        Assert.Equal(new[] { "a.dll\th1", "b.dll\th2" }, lines.Skip(files + 1).Take(2));
        Assert.Contains("[format]", lines);
        Assert.Contains("sdk\t1.2.3", lines);
        Assert.EndsWith("\n", text);
    }
}

public sealed class BundleIdentityTests
{
    private const string Fingerprint = "0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("MyApp", "MyApp.app-0123456789abcdef.zip")]
    [InlineData("My App", "My_App.app-0123456789abcdef.zip")]
    [InlineData("Café", "Caf_.app-0123456789abcdef.zip")]
    [InlineData(".hidden", "hidden.app-0123456789abcdef.zip")]
    [InlineData("", "app.app-0123456789abcdef.zip")]
    public void Archive_name(string prefix, string expected) => Assert.Equal(expected, SparkBundleNames.Archive(prefix, "app", Fingerprint));

    [Fact]
    public void Archive_name_uses_the_layer_and_the_first_16_hex_digits()
    {
        Assert.Equal("App.deps-fedcba9876543210.zip", SparkBundleNames.Archive("App", "deps", "fedcba9876543210" + "ffffffffffffffff"));
        Assert.Equal(16, SparkBundleNames.HashLength);
    }

    [Theory]
    [InlineData("Plain-Name_1.2", "Plain-Name_1.2")]
    [InlineData("My App", "My_App")]
    [InlineData("Ünïcødé", "_n_c_d_")]
    [InlineData("日本", "__")]
    [InlineData("Ω", "_")]
    [InlineData("a/b\\c:d", "a_b_c_d")]
    [InlineData("..hidden", "hidden")]
    [InlineData("name.", "name")]
    [InlineData(".a.b.", "a.b")]
    [InlineData("...", "app")]
    [InlineData("", "app")]
    [InlineData("%20+#?&", "_20____")]
    public void Safe_prefix(string prefix, string expected) => Assert.Equal(expected, SparkBundleNames.SafePrefix(prefix));

    [Fact]
    public void Safe_prefix_output_is_always_plain_ascii()
    {
        foreach (var prefix in new[] { "a b", "ç", "\t\n", "..", "x\u00A0y", "emoji😀" })
            Assert.Matches("^[A-Za-z0-9_][A-Za-z0-9_.-]*$", SparkBundleNames.SafePrefix(prefix));
    }
}
