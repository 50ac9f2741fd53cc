using SparkShip.Sdk.TargetTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.TargetTests;

/// <summary>
/// Every option in README.md's table evaluates to its documented default when the project leaves it empty, and a
/// value the project sets wins, whether the SDK defaults it in its props (before the project body) or its targets
/// (after it). Evaluation only: no restore, no build, well under a second per project.
/// Not covered here: the packed package's layout (tests/Integration builds against the package), and the net472
/// task folder Visual Studio's MSBuild picks (MSBuildRuntimeType is Core in this process).
/// </summary>
public class OptionDefaultsTests
{
    /// <summary>README: "Full path of that folder (read it; set SparkBundleDir instead)": not an input.</summary>
    private static readonly HashSet<string> ReadOnly = new() { "SparkBundleOutputPath" };

    /// <summary>Conditional defaults ("`true` when …"), as they evaluate in the plain net8.0 project.</summary>
    private static readonly Dictionary<string, string> ConditionalDefaults = new()
    {
        ["SparkSubmitIncludeArchives"] = "false", // SparkShipAutoAttach is on by default
    };

    private static readonly Lazy<InProcessProject> Plain = new(() => InProcessProject.Create());
    private static readonly Lazy<Evaluation> Defaults = new(() => Plain.Value.Evaluate());
    private static readonly Lazy<Evaluation> AllSet = new(() => InProcessProject.Create($"""
          <PropertyGroup>
            {string.Concat(ReadmeOption.All.Where(o => !ReadOnly.Contains(o.Name)).Select(o => $"<{o.Name}>{SetValue(o)}</{o.Name}>"))}
          </PropertyGroup>
        """).Evaluate());

    public static TheoryData<string> Options() => new(ReadmeOption.All.Select(o => o.Name));
    public static TheoryData<string> SettableOptions() => new(ReadmeOption.All.Select(o => o.Name).Where(n => !ReadOnly.Contains(n)));

    [Theory]
    [MemberData(nameof(Options))]
    public void An_option_the_project_leaves_empty_evaluates_to_the_documented_default(string name)
    {
        var option = ReadmeOption.All.Single(o => o.Name == name);
        var e = Defaults.Value;
        string expected = option.DocumentedDefault
            ?? (ConditionalDefaults.TryGetValue(name, out var value) ? value
                : throw new InvalidOperationException($"README gives {name} a conditional default ('{option.DefaultCell}'): add it to ConditionalDefaults."));
        string actual = e.Property(name);
        if (expected.Contains("$(")) // e.g. `$(AssemblyName)`, `$(OutDir)$(SparkBundleDir)/`: what it means in this project
        {
            expected = e.Expand(expected);
            if (Path.IsPathRooted(actual) && !Path.IsPathRooted(expected))
                expected = Plain.Value.FullPathOf(expected);
        }
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(SettableOptions))]
    public void A_value_the_project_sets_wins(string name)
    {
        var option = ReadmeOption.All.Single(o => o.Name == name);
        Assert.Equal(SetValue(option), AllSet.Value.Property(name));
    }

    [Fact]
    public void The_readme_table_was_read()
    {
        Assert.Contains(ReadmeOption.All, o => o.Name == "SparkBundleEnabled" && o.DocumentedDefault == "true");
        Assert.Contains(ReadmeOption.All, o => o.Name == "SparkVersion" && o.DocumentedDefault == "3.5");
        Assert.True(ReadmeOption.All.Count >= 20, "options read: " + string.Join(", ", ReadmeOption.All));
    }

    [Fact]
    public void The_SDK_marks_the_projects_that_use_it()
    {
        Assert.Equal("true", Defaults.Value.Property("UsingSparkShipSdk"));
    }

    [Fact]
    public void SparkBundleEnabled_is_defaulted_before_the_project_body_and_the_projects_false_wins()
    {
        var e = InProcessProject.Create("<PropertyGroup><SparkBundleEnabled>false</SparkBundleEnabled></PropertyGroup>").Evaluate();
        Assert.Equal("false", e.Property("SparkBundleEnabled"));
    }

    [Fact]
    public void The_archive_prefix_follows_the_assembly_name_the_project_sets()
    {
        var e = InProcessProject.Create("<PropertyGroup><AssemblyName>My.Spark-App</AssemblyName></PropertyGroup>").Evaluate();
        Assert.Equal("My.Spark-App", e.Property("SparkBundleArchivePrefix"));
    }

    [Fact]
    public void Printing_the_archives_is_on_when_the_zero_code_attach_is_off_unless_the_project_says_otherwise()
    {
        var off = InProcessProject.Create("<PropertyGroup><SparkShipAutoAttach>false</SparkShipAutoAttach></PropertyGroup>").Evaluate();
        Assert.Equal("true", off.Property("SparkSubmitIncludeArchives"));
        var explicitFalse = InProcessProject.Create("""
            <PropertyGroup>
              <SparkShipAutoAttach>false</SparkShipAutoAttach>
              <SparkSubmitIncludeArchives>false</SparkSubmitIncludeArchives>
            </PropertyGroup>
            """).Evaluate();
        Assert.Equal("false", explicitFalse.Property("SparkSubmitIncludeArchives"));
    }

    [Fact]
    public void A_NETFramework_project_gets_the_NETFramework_worker_unless_it_names_one()
    {
        var framework = InProcessProject.Create(targetFramework: "net472", outputType: "Library", program: null).Evaluate();
        Assert.Equal(".NETFramework", framework.Property("TargetFrameworkIdentifier"));
        Assert.Equal("net48", framework.Property("SparkWorkerTargetFramework"));
        var named = InProcessProject.Create("<PropertyGroup><SparkWorkerTargetFramework>net472</SparkWorkerTargetFramework></PropertyGroup>",
            targetFramework: "net472", outputType: "Library", program: null).Evaluate();
        Assert.Equal("net472", named.Property("SparkWorkerTargetFramework"));
    }

    [Fact]
    public void Without_SparkShipTasksAssembly_the_tasks_load_from_the_packages_tasks_net8_folder()
    {
        var p = InProcessProject.Create();
        p.GlobalProperties.Remove("SparkShipTasksAssembly");
        // Found by the UsingTask declarations themselves, not by the private property behind them.
        var sdkFolder = Path.Combine(TargetTestEnvironment.RepoRoot, "src", "Sdk") + Path.DirectorySeparatorChar;
        var packageDefault = Path.Combine(TargetTestEnvironment.RepoRoot, "src", "Sdk", "tasks", "net8.0", "SparkShip.Sdk.Tasks.dll");
        Assert.Equal(new[] { packageDefault }, TaskAssemblies(p.Evaluate(), sdkFolder));
        Assert.Equal(new[] { TargetTestEnvironment.TasksAssembly }, TaskAssemblies(Plain.Value.Evaluate(), sdkFolder));
    }

    private static string[] TaskAssemblies(Evaluation e, string sdkFolder)
    {
        var usingTasks = e.UsingTasksFrom(sdkFolder);
        Assert.NotEmpty(usingTasks);
        return usingTasks.Select(u => Path.GetFullPath(e.Expand(u.AssemblyFile))).Distinct().ToArray();
    }

    /// <summary>A value unlike the default: booleans flipped, numbers changed, anything else a marker.</summary>
    private static string SetValue(ReadmeOption o) => o.DocumentedDefault switch
    {
        "true" => "false",
        "false" => "true",
        var d when int.TryParse(d, out var n) => (n + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "set-by-project-" + o.Name,
    };
}
