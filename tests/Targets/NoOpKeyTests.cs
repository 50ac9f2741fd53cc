using System.Reflection;
using System.Xml.Linq;
using SparkShip.Sdk.TargetTests.Infrastructure;
using SparkShip.Tasks.Build;
using SparkShip.Tasks.Planning;
using Xunit;

namespace SparkShip.Sdk.TargetTests;

/// <summary>
/// The no-op key (obj/…/sparkship/inputs.cache) hashes exactly what the identify task receives: one item list of
/// records (@(_SparkShipIdentifyInput), read by BundleInputs.Parse). These tests fail when an input reaches the
/// task some other way, when the targets stop passing one of BundleInputs' options, or when an option's change
/// leaves the key as it was (a stale name on the next build). They name the private items they check: the key's
/// wiring is what they are about.
/// </summary>
public class NoOpKeyTests : IClassFixture<NoOpKeyTests.Baseline>
{
    public sealed class Baseline
    {
        public Baseline()
        {
            Project = InProcessProject.Create();
            Result = Collect(Project);
        }

        public InProcessProject Project { get; }
        public InProcessBuildResult Result { get; }
    }

    private readonly Baseline _baseline;

    public NoOpKeyTests(Baseline baseline) => _baseline = baseline;

    // BuildingProject: what the Build target sets (BuildOnlySettings) before SparkShip's steps, which run in real builds only.
    private static InProcessBuildResult Collect(InProcessProject project, params string[] properties) =>
        project.Build("_SparkShipCollectInputs", properties.Append("BuildingProject=true").ToArray()).AssertSuccess();

    private static string Key(InProcessBuildResult r) => r.Property("_SparkShipInputsHash");

    private static IEnumerable<string> Records(InProcessBuildResult r) => r.Items("_SparkShipIdentifyInput").Select(i => i.ItemSpec);

    private static string OptionValue(InProcessBuildResult r, string option) =>
        Records(r).Select(x => x.Split('\t')).Single(f => f[0] == "Option" && f[1] == option)[2];

    [Fact]
    public void The_identify_task_takes_the_hashed_records_and_nothing_else_but_its_own_state_files()
    {
        var targets = XDocument.Load(TargetTestEnvironment.LogicTargets);
        var task = Assert.Single(targets.Descendants("ComputeSparkBundle"));
        Assert.Equal(new[] { "HashCacheFile", "IdentityFile", "Inputs", "PlanFile" }, task.Attributes().Select(a => a.Name.LocalName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal("@(_SparkShipIdentifyInput)", task.Attribute("Inputs")!.Value);
        var hash = Assert.Single(targets.Descendants("Hash"));
        Assert.StartsWith("@(_SparkShipIdentifyInput);", hash.Attribute("ItemsToHash")!.Value);

        // The task class has no other input either: a new parameter must become a record, or it escapes the key.
        var parameters = typeof(ComputeSparkBundle).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => p.SetMethod?.IsPublic == true).Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(new[] { "HashCacheFile", "IdentityFile", "Inputs", "PlanFile" }, parameters);
    }

    [Fact]
    public void Every_option_of_the_identify_step_is_passed_and_parses()
    {
        var records = Records(_baseline.Result).ToList();
        var passed = records.Select(x => x.Split('\t')).Where(f => f[0] == "Option").Select(f => f[1]).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(OptionNames(), passed);

        var inputs = BundleInputs.Parse(records);
        Assert.Equal(_baseline.Result.Property("SparkBundleArchivePrefix"), inputs.ArchivePrefix);
        Assert.Contains(inputs.Candidates, c => c.Kind == BundleFileKind.Compiled && c.TargetPath == "App.dll");
        Assert.Contains(inputs.CompileProperties, p => p.StartsWith("DefineConstants=", StringComparison.Ordinal) && p.Contains(';')); // one record, not split
        Assert.NotEmpty(inputs.CompileReferences);
        // What the worker brings itself: NuGet's graph and the worker framework's assembly list reach the task as records.
        Assert.True(File.Exists(inputs.ProjectAssetsFile), inputs.ProjectAssetsFile);
        var framework = Assert.Single(inputs.SharedFrameworks);
        Assert.Equal("Microsoft.NETCore.App", framework.Name);
        Assert.True(File.Exists(framework.FrameworkList), framework.FrameworkList);
        Assert.StartsWith("8.0.", framework.PackVersion);
    }

    // BundleInputs' settable properties are its options (the file lists are read-only).
    private static IEnumerable<string> OptionNames() =>
        typeof(BundleInputs).GetProperties().Where(p => p.SetMethod?.IsPublic == true).Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal);

    [Fact]
    public void The_key_is_stable_when_nothing_changed() =>
        Assert.Equal(Key(_baseline.Result), Key(Collect(_baseline.Project)));

    // Every option of BundleInputs (but the three that follow from the project itself) with the MSBuild property that sets it.
    public static TheoryData<string, string, string> Options => new()
    {
        { "AssemblyName", "AssemblyName", "Renamed" },
        { "ArchivePrefix", "SparkBundleArchivePrefix", "Prefix" },
        { "BundleDirectory", "SparkBundleDir", "elsewhere" },
        { "ClusterRuntimeIdentifier", "SparkClusterRuntimeIdentifier", "linux-arm64" },
        { "WorkerTargetFramework", "SparkWorkerTargetFramework", "net9.0" },
        { "WorkerVersion", "SparkWorkerVersion", "2.3.1" },
        { "WorkerArchive", "SparkWorkerArchive", "hdfs:///workers/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz" },
        { "RuntimeIdentifierGraph", "RuntimeIdentifierGraphPath", CopyOfTheSdksGraph },
        { "PathMap", "PathMap", "/src/=/_/" },
        { "Deterministic", "Deterministic", "false" },
        { "IncludeSymbols", "SparkBundleIncludeSymbols", "false" },
        { "ExcludeMicrosoftSpark", "SparkBundleExcludeMicrosoftSpark", "false" },
        { "ExcludeReferenceAssemblies", "SparkBundleExcludeReferenceAssemblies", "false" },
        { "ExcludePatterns", "SparkBundleExcludePatterns", "*.xml;docs/**" },
        { "GeneratedSource", "SparkBundleSourceFile", "obj/Other.g.cs" },
        { "ProjectAssetsFile", "ProjectAssetsFile", CopyOfTheAssetsFile },
    };

    [Fact]
    public void The_option_list_above_covers_every_option_but_those_of_the_project_itself()
    {
        var covered = Options.Select(o => (string)o[0]).Concat(new[] { "ProjectDirectory", "TargetFramework", "TargetFrameworkMoniker" });
        Assert.Equal(OptionNames(), covered.OrderBy(n => n, StringComparer.Ordinal));
    }

    // The .NET SDK reads the RID graph too: another path must hold a real one.
    private const string CopyOfTheSdksGraph = "(a copy of the SDK's RID graph)";
    // The .NET SDK reads the assets file too (ResolvePackageAssets): another path must hold the same graph.
    private const string CopyOfTheAssetsFile = "(a copy of the project's assets file)";

    [Theory]
    [MemberData(nameof(Options))]
    public void Changing_an_option_changes_the_key(string option, string property, string value)
    {
        if (value == CopyOfTheSdksGraph)
        {
            value = _baseline.Project.PathOf("rids-copy.json");
            File.Copy(_baseline.Result.Property("RuntimeIdentifierGraphPath"), value, overwrite: true);
        }
        if (value == CopyOfTheAssetsFile)
        {
            value = _baseline.Project.PathOf("assets-copy/project.assets.json");
            Directory.CreateDirectory(Path.GetDirectoryName(value)!);
            File.Copy(_baseline.Result.Property("ProjectAssetsFile"), value, overwrite: true);
        }
        var changed = Collect(_baseline.Project, $"{property}={value}");
        Assert.NotEqual(OptionValue(_baseline.Result, option), OptionValue(changed, option));
        Assert.NotEqual(Key(_baseline.Result), Key(changed));
    }

    [Fact]
    public void Adding_an_include_or_an_exclude_or_a_define_changes_the_key()
    {
        var p = InProcessProject.Create();
        p.Write("App/extra.txt", "extra");
        var projectFile = File.ReadAllText(p.ProjectPath);
        var baseline = Key(Collect(p));
        foreach (var body in new[]
        {
            """<ItemGroup><SparkBundleInclude Include="extra.txt" ArchivePath="conf/extra.txt" /></ItemGroup>""",
            """<ItemGroup><SparkBundleInclude Include="extra.txt" ArchivePath="conf/extra.txt" Layer="deps" /></ItemGroup>""",
            """<ItemGroup><SparkBundleExclude Include="App.pdb" /></ItemGroup>""",
            """<PropertyGroup><DefineConstants>$(DefineConstants);EXTRA</DefineConstants></PropertyGroup>""",
        })
        {
            // The same tree, the project file edited: only the one addition differs.
            File.WriteAllText(p.ProjectPath, projectFile.Replace("  <Import Project=\"Sdk.targets\" Sdk=\"Microsoft.NET.Sdk\" />", body + "\n  <Import Project=\"Sdk.targets\" Sdk=\"Microsoft.NET.Sdk\" />"));
            Assert.NotEqual(baseline, Key(Collect(p)));
        }
        File.WriteAllText(p.ProjectPath, projectFile);
        Assert.Equal(baseline, Key(Collect(p)));
    }
}
