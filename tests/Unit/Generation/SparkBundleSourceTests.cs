using SparkShip.Runtime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SparkShip.Tasks.Generation;
using SparkShip.Tasks.Planning;
using SparkShip.Tests.Support;
using Xunit;

namespace SparkShip.Tests.Generation;

/// <summary>SparkBundle.g.cs: compiled with Roslyn against the ref pack, as the user's build compiles it.</summary>
public sealed class SparkBundleSourceTests
{
    private static BundleIdentity Identity() => new()
    {
        SdkVersion = "0.1.0-preview.2",
        AssemblyName = "My.App",
        TargetFramework = "net8.0",
        Directory = "sparkship",
        ClusterRuntimeIdentifier = "linux-x64",
        SparkVersion = "2.3.1",
        AppArchive = "My.App.app-0123456789abcdef.zip",
        AppFingerprint = "0123456789abcdef0123456789abcdef",
        DependencyArchive = "My.App.deps-fedcba9876543210.zip",
        DependencyFingerprint = "fedcba9876543210fedcba9876543210",
        WorkerArchive = "/downloads/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz",
        WorkerArchiveVersion = "2.3.1",
    };

    private const string Usage = """
        namespace My.App
        {
            internal static partial class SparkBundle
            {
                // The class is partial: the shim may add members.
                public static string Describe() => AppArchive + "|" + DependencyArchive + "|" + FormatVersion + "|" + (IsPlaceholder ? "placeholder" : "real");
            }

            internal static class Use
            {
                // Constants: usable where only constants are allowed.
                public const string Entry = SparkBundle.ManifestEntry;
                public static int Switch(string s)
                {
                    switch (s) { case SparkBundle.ClusterRuntimeIdentifier: return 1; default: return 0; }
                }
            }
        }
        """;

    /// <summary>Compiles the generated text (+ <see cref="Usage"/>) and returns the constants of My.App.SparkBundle.</summary>
    private static Dictionary<string, object?> CompileAndReadConstants(string generated, bool withUsage = true)
    {
        // C# 7.3: the default language version of net48/netstandard2.0 projects, the oldest the file must compile with.
        var parse = new CSharpParseOptions(LanguageVersion.CSharp7_3, DocumentationMode.Diagnose);
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(generated, parse, path: "SparkBundle.g.cs") };
        if (withUsage) trees.Add(CSharpSyntaxTree.ParseText(Usage, parse, path: "Use.cs"));
        var compilation = CSharpCompilation.Create("My.App", trees, TestAssemblies.RefPack,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, warningLevel: 9999));

        var problems = compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + generated);
        using (var pe = new MemoryStream())
        {
            var emit = compilation.Emit(pe);
            Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        }

        var type = compilation.GetTypeByMetadataName("My.App.SparkBundle");
        Assert.NotNull(type);
        Assert.Equal(Accessibility.Internal, type!.DeclaredAccessibility);
        Assert.True(type.IsStatic);
        return type.GetMembers().OfType<IFieldSymbol>().Where(f => f.IsConst).ToDictionary(f => f.Name, f => f.ConstantValue);
    }

    [Fact]
    public void Generated_text_compiles_and_carries_the_identity()
    {
        var id = Identity();
        var constants = CompileAndReadConstants(SparkBundleSource.Generate(id, "My.App", designTimePlaceholder: false));

        Assert.Equal(id.SdkVersion, constants["SdkVersion"]);
        Assert.Equal(BundleIdentity.FormatVersion, constants["FormatVersion"]);
        Assert.Equal(id.AssemblyName, constants["AssemblyName"]);
        Assert.Equal(id.TargetFramework, constants["TargetFramework"]);
        Assert.Equal(id.Directory, constants["Directory"]);
        Assert.Equal(id.ClusterRuntimeIdentifier, constants["ClusterRuntimeIdentifier"]);
        Assert.Equal(id.SparkVersion, constants["SparkVersion"]);
        Assert.Equal(id.AppArchive, constants["AppArchive"]);
        Assert.Equal(id.AppFingerprint, constants["AppFingerprint"]);
        Assert.Equal(id.DependencyArchive, constants["DependencyArchive"]);
        Assert.Equal(id.DependencyFingerprint, constants["DependencyFingerprint"]);
        Assert.Equal(SparkBundleNames.ManifestEntry, constants["ManifestEntry"]);
        Assert.Equal(false, constants["IsPlaceholder"]);
        Assert.Equal(id.WorkerArchive, constants["WorkerArchive"]);
        Assert.Equal(id.WorkerArchiveVersion, constants["WorkerArchiveVersion"]);
        Assert.Equal(15, constants.Count);
    }

    [Fact]
    public void Placeholder_compiles_with_the_same_symbols_and_empty_values()
    {
        var placeholder = new BundleIdentity { SdkVersion = "0.1.0" };
        var constants = CompileAndReadConstants(SparkBundleSource.Generate(placeholder, "My.App", designTimePlaceholder: true));
        var real = CompileAndReadConstants(SparkBundleSource.Generate(Identity(), "My.App", designTimePlaceholder: false));

        Assert.Equal(true, constants["IsPlaceholder"]);
        Assert.Equal("", constants["AppArchive"]);
        Assert.Equal("", constants["SparkVersion"]); // null becomes empty
        Assert.Equal(real.Keys.OrderBy(k => k), constants.Keys.OrderBy(k => k));
    }

    [Fact]
    public void Tricky_values_are_escaped_and_round_trip_through_the_compiler()
    {
        var id = Identity();
        id.AssemblyName = "My\"App\\Name";
        id.Directory = @"C:\bundle\dir" + "\t\0\u0001\u001f";
        id.SparkVersion = "3.5\r\n// not a comment";
        id.TargetFramework = "ünïcødé-日本-😀";
        id.ClusterRuntimeIdentifier = "\"; } class Injected { const string X = \"";
        id.AppFingerprint = "{0} \\u0041 \\n";

        var constants = CompileAndReadConstants(SparkBundleSource.Generate(id, "My.App", designTimePlaceholder: false), withUsage: false);

        Assert.Equal(id.AssemblyName, constants["AssemblyName"]);
        Assert.Equal(id.Directory, constants["Directory"]);
        Assert.Equal(id.SparkVersion, constants["SparkVersion"]);
        Assert.Equal(id.TargetFramework, constants["TargetFramework"]);
        Assert.Equal(id.ClusterRuntimeIdentifier, constants["ClusterRuntimeIdentifier"]);
        Assert.Equal(id.AppFingerprint, constants["AppFingerprint"]);
    }

    [Fact]
    public void Unicode_line_separators_are_escaped()
    {
        var id = Identity();
        id.Directory = "a\u2028b\u2029c\u0085d";
        var constants = CompileAndReadConstants(SparkBundleSource.Generate(id, "My.App", designTimePlaceholder: false), withUsage: false);
        Assert.Equal(id.Directory, constants["Directory"]);
    }

    [Theory]
    [InlineData("", "\"\"")]
    [InlineData("plain", "\"plain\"")]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("a\\b", "\"a\\\\b\"")]
    [InlineData("l1\nl2\r", "\"l1\\nl2\\r\"")]
    [InlineData("t\tz\0", "\"t\\u0009z\\u0000\"")]
    [InlineData("\u001f", "\"\\u001f\"")]
    [InlineData("é", "\"é\"")]
    public void Literal(string value, string expected) => Assert.Equal(expected, SparkBundleSource.Literal(value));

    [Fact]
    public void Output_is_stable_for_equal_input_and_changes_with_any_value()
    {
        var text = SparkBundleSource.Generate(Identity(), "My.App", false);
        Assert.Equal(text, SparkBundleSource.Generate(Identity(), "My.App", false));
        Assert.DoesNotContain("\r", text);
        Assert.EndsWith("}\n", text);

        var variants = new List<string>
        {
            SparkBundleSource.Generate(Identity(), "Other.Ns", false),
            SparkBundleSource.Generate(Identity(), "My.App", true),
        };
        foreach (var change in new Action<BundleIdentity>[]
        {
            i => i.SdkVersion = "0.1.1", i => i.AssemblyName = "X", i => i.TargetFramework = "net9.0", i => i.Directory = "d",
            i => i.ClusterRuntimeIdentifier = "linux-arm64", i => i.SparkVersion = null, i => i.AppArchive = "a.zip",
            i => i.AppFingerprint = "f", i => i.DependencyArchive = "", i => i.DependencyFingerprint = "",
        })
        {
            var id = Identity();
            change(id);
            variants.Add(SparkBundleSource.Generate(id, "My.App", false));
        }
        Assert.All(variants, v => Assert.NotEqual(text, v));
        Assert.Equal(variants.Count, variants.Distinct().Count());
    }

    [Fact]
    public void Generated_text_is_marked_auto_generated()
    {
        var text = SparkBundleSource.Generate(Identity(), "My.App", false);
        Assert.StartsWith("// <auto-generated>\n", text); // analyzers and StyleCop skip it
        Assert.Contains("[global::System.CodeDom.Compiler.GeneratedCode(\"SparkShip.Sdk\", \"0.1.0-preview.2\")]", text);
    }
}
