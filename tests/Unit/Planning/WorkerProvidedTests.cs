using System.Text;
using SparkShip.Tasks;
using SparkShip.Tasks.Hashing;
using SparkShip.Tasks.Planning;
using SparkShip.Tests.Support;
using Xunit;

namespace SparkShip.Tests.Planning;

/// <summary>
/// What the worker brings itself (spark-facts §1): Microsoft.Spark's dependency closure read from NuGet's graph,
/// the versions it carries, the shared framework's assembly list, and the checks built on them.
/// </summary>
public sealed class WorkerProvidedTests : IDisposable
{
    private readonly TempFolder _dir = new("worker");

    public void Dispose() => _dir.Dispose();

    // The shape of project.assets.json that matters here: one graph per target, libraries with their declared
    // dependencies and framework references, and the libraries section with each project's path.
    private const string Assets = """
        {
          "version": 3,
          "targets": {
            "net8.0": {
              "Microsoft.Spark/2.3.1": { "type": "package", "dependencies": { "Apache.Arrow": "14.0.2", "MessagePack": "2.5.307", "Newtonsoft.Json": "13.0.3", "Razorvine.Pickle": "1.5.0", "System.Memory": "4.5.5" } },
              "Apache.Arrow/14.0.2": { "type": "package" },
              "MessagePack/2.5.307": { "type": "package", "dependencies": { "MessagePack.Annotations": "2.5.307", "Microsoft.NET.StringTools": "17.6.3" } },
              "MessagePack.Annotations/2.5.307": { "type": "package" },
              "Microsoft.NET.StringTools/17.6.3": { "type": "package" },
              "Newtonsoft.Json/13.0.4": { "type": "package" },
              "Razorvine.Pickle/1.5.0": { "type": "package", "dependencies": { "System.Memory": "[4.5.4, )" } },
              "System.Memory/4.5.5": { "type": "package" },
              "Humanizer.Core/2.14.1": { "type": "package" },
              "Lib/1.0.0": { "type": "project", "framework": ".NETCoreApp,Version=v8.0", "frameworkReferences": [ "Microsoft.AspNetCore.App" ] }
            },
            "net8.0/linux-x64": {
              "Other/1.0.0": { "type": "package" }
            }
          },
          "libraries": {
            "Lib/1.0.0": { "type": "project", "path": "../Lib/Lib.csproj", "msbuildProject": "../Lib/Lib.csproj" }
          }
        }
        """;

    private static PackageAssets Parse(string json = Assets, string tfm = "net8.0") =>
        PackageAssets.Parse(Encoding.UTF8.GetBytes(json), tfm, ".NETCoreApp,Version=v8.0");

    [Theory]
    [InlineData("13.0.4", "13.0.3", 1)]
    [InlineData("13.0.3", "13.0.3.0", 0)]
    [InlineData("3.0.214-rc.1", "3.0.214", -1)]
    [InlineData("3.0.214-rc.10", "3.0.214-rc.2", 1)]
    [InlineData("3.0.214-beta", "3.0.214-rc", -1)]
    [InlineData("1.0.0+build.5", "1.0.0", 0)]
    [InlineData("10.0.0", "9.0.23", 1)]
    public void Versions_compare_as_NuGet_orders_them(string a, string b, int sign) =>
        Assert.Equal(sign, Math.Sign(PackageVersions.Compare(a, b)));

    [Theory]
    [InlineData("13.0.3", "13.0.3")]
    [InlineData("[13.0.3, )", "13.0.3")]
    [InlineData("[13.0.3]", "13.0.3")]
    [InlineData("(, 2.0]", null)]
    [InlineData("", null)]
    public void A_range_s_lower_bound_is_what_a_restore_of_it_alone_takes(string range, string? lower) =>
        Assert.Equal(lower, PackageVersions.LowerBound(range));

    [Fact]
    public void The_assets_graph_of_the_target_framework_is_read_and_RID_graphs_are_not()
    {
        var assets = Parse();
        Assert.Equal("13.0.4", assets.Libraries["newtonsoft.json"].Version);
        Assert.Equal("[4.5.4, )", assets.Libraries["Razorvine.Pickle"].Dependencies["System.Memory"]);
        Assert.True(assets.Libraries["Lib"].IsProject);
        Assert.Equal("../Lib/Lib.csproj", assets.Libraries["Lib"].Path);
        Assert.Equal(new[] { "Microsoft.AspNetCore.App" }, assets.Libraries["Lib"].FrameworkReferences);
        Assert.False(assets.Libraries.ContainsKey("Other"));
        // Named by the framework moniker (older NuGet), or the only graph there is.
        Assert.True(Parse(Assets.Replace("\"net8.0\": {", "\".NETCoreApp,Version=v8.0\": {"), "net8.0").Libraries.ContainsKey("Apache.Arrow"));
        Assert.True(Parse(Assets, "other-alias").Libraries.ContainsKey("Apache.Arrow"));
        Assert.Empty(PackageAssets.Load(_dir.Combine("none/project.assets.json"), "net8.0", "").Libraries);
    }

    [Fact]
    public void Microsoft_Spark_s_closure_is_computed_from_the_graph_with_the_versions_it_declares()
    {
        var worker = WorkerProvided.FromAssets(Parse());

        Assert.Equal("2.3.1", worker.SparkVersion);
        Assert.Equal(
            new[] { "Apache.Arrow", "MessagePack", "MessagePack.Annotations", "Microsoft.NET.StringTools", "Newtonsoft.Json", "Razorvine.Pickle", "System.Memory" },
            worker.Packages.Keys.OrderBy(k => k, StringComparer.Ordinal));
        // The version Microsoft.Spark declares, not the one the app resolved; the highest of two declarations.
        Assert.Equal("13.0.3", worker.VersionOf("Newtonsoft.Json"));
        Assert.Equal("4.5.5", worker.VersionOf("system.memory"));
        Assert.Equal("17.6.3", worker.VersionOf("Microsoft.NET.StringTools"));
        Assert.Null(worker.VersionOf("Humanizer.Core"));
        Assert.Null(worker.VersionOf("Microsoft.Spark"));
    }

    [Fact]
    public void Without_a_Microsoft_Spark_package_the_worker_brings_nothing_of_the_app_s()
    {
        Assert.Empty(WorkerProvided.FromAssets(PackageAssets.Empty).Packages);
        Assert.Empty(WorkerProvided.FromAssets(Parse(Assets.Replace("Microsoft.Spark/2.3.1\": { \"type\": \"package\"", "Microsoft.Spark/2.3.1\": { \"type\": \"project\""))).Packages);
    }

    [Fact]
    public void A_closure_package_resolved_higher_than_declared_is_SSHIP0013_naming_both_versions()
    {
        var worker = WorkerProvided.FromAssets(Parse());
        var files = new[]
        {
            new PackageFile("/p/newtonsoft.json/13.0.4/lib/net6.0/Newtonsoft.Json.dll", "Newtonsoft.Json", "13.0.4"),
            new PackageFile("/p/apache.arrow/14.0.2/lib/net6.0/Apache.Arrow.dll", "Apache.Arrow", "14.0.2"),
            new PackageFile("/p/humanizer.core/2.14.1/lib/net6.0/Humanizer.dll", "Humanizer.Core", "2.14.1"),
        };

        var warning = Assert.Single(worker.CheckPackageVersions(files));
        Assert.Equal(("SSHIP0013", DiagnosticSeverity.Warning), (warning.Code, warning.Severity));
        Assert.Contains("Newtonsoft.Json 13.0.4", warning.Message);
        Assert.Contains("13.0.3", warning.Message);
        Assert.Contains("Microsoft.Spark 2.3.1", warning.Message);
        Assert.Contains("executors", warning.Message);
        Assert.Contains("left Newtonsoft.Json out of the bundle", warning.Message);
        Assert.DoesNotContain("out of the bundle", Assert.Single(worker.CheckPackageVersions(files, leftOut: false)).Message);
    }

    [Fact]
    public void A_library_that_needs_a_shared_framework_the_worker_lacks_is_SSHIP0014()
    {
        var error = Assert.Single(WorkerProvided.CheckFrameworkReferences(Parse(), FrameworkName.Parse("net8.0")));
        Assert.Equal(("SSHIP0014", DiagnosticSeverity.Error), (error.Code, error.Severity));
        Assert.Contains("Project 'Lib' (../Lib/Lib.csproj)", error.Message);
        Assert.Contains("Microsoft.AspNetCore.App", error.Message);

        Assert.Empty(WorkerProvided.CheckFrameworkReferences(Parse(Assets.Replace("Microsoft.AspNetCore.App", "Microsoft.NETCore.App")), FrameworkName.Parse("net8.0")));
        Assert.Empty(WorkerProvided.CheckFrameworkReferences(Parse(), FrameworkName.Parse("net48")));
    }

    private const string FrameworkListXml = """
        <FileList TargetFrameworkIdentifier=".NETCoreApp" TargetFrameworkVersion="8.0" FrameworkName="Microsoft.NETCore.App" Name=".NET Runtime">
          <File Type="Analyzer" Path="analyzers/dotnet/cs/System.Text.RegularExpressions.Generator.dll" AssemblyName="System.Text.RegularExpressions.Generator" AssemblyVersion="8.0.0.0" />
          <File Type="Managed" Path="ref/net8.0/System.Text.Json.dll" AssemblyName="System.Text.Json" PublicKeyToken="cc7b13ffcd2ddd51" AssemblyVersion="8.0.0.0" FileVersion="8.0.3126.42015" />
          <File Type="Managed" Path="ref/net8.0/System.Memory.dll" AssemblyName="System.Memory" AssemblyVersion="8.0.0.0" />
        </FileList>
        """;

    private static SharedFrameworkList FrameworkList(string packVersion = "8.0.31") =>
        SharedFrameworkList.Parse("Microsoft.NETCore.App", new MemoryStream(Encoding.UTF8.GetBytes(FrameworkListXml)), packVersion);

    [Fact]
    public void The_framework_list_names_its_managed_assemblies_with_their_versions()
    {
        var list = FrameworkList();
        Assert.Equal(new Version(8, 0, 0, 0), list.Assemblies["system.text.json"]);
        Assert.False(list.Assemblies.ContainsKey("System.Text.RegularExpressions.Generator"));
        Assert.Equal(new Version(8, 0), list.FrameworkVersion);
    }

    [Fact]
    public void A_copy_local_framework_assembly_above_the_worker_framework_s_version_is_SSHIP0013()
    {
        var newer = TestAssemblies.Compile(_dir.Combine("p/system.text.json/9.0.23/lib/net8.0/System.Text.Json.dll"), "System.Text.Json", """[assembly: System.Reflection.AssemblyVersion("9.0.0.0")]""");
        var same = TestAssemblies.Compile(_dir.Combine("p/system.memory/lib/System.Memory.dll"), "System.Memory", """[assembly: System.Reflection.AssemblyVersion("8.0.0.0")]""");
        var candidates = new[]
        {
            new BundleCandidate(newer, "System.Text.Json.dll", BundleFileKind.CopyLocal) { PackageId = "System.Text.Json" },
            new BundleCandidate(same, "System.Memory.dll", BundleFileKind.CopyLocal) { PackageId = "Other.Memory" },
        };
        var files = FileHashCache.Load(null);

        var warning = Assert.Single(WorkerProvided.None.CheckFrameworkVersions(FrameworkList(), FrameworkName.Parse("net8.0"), candidates, files));
        Assert.Equal("SSHIP0013", warning.Code);
        Assert.Contains("System.Text.Json 9.0.0.0", warning.Message);
        Assert.Contains("8.0.0.0", warning.Message);
        Assert.Contains("Microsoft.NETCore.App (net8.0)", warning.Message);

        // Another framework version's list says nothing about the worker's; a .NET Framework worker has none.
        Assert.Empty(WorkerProvided.None.CheckFrameworkVersions(FrameworkList("9.0.10"), FrameworkName.Parse("net8.0"), candidates, files));
        Assert.Empty(WorkerProvided.None.CheckFrameworkVersions(FrameworkList(), FrameworkName.Parse("net48"), candidates, files));
    }
}
