using System.Collections;
using Microsoft.Build.Framework;
using SparkShip.Tasks.Build;
using SparkShip.Tasks.Planning;
using SparkShip.Tests.Support;
using Xunit;

namespace SparkShip.Tests.Build;

/// <summary>Records what a task logs, as MSBuild would show it.</summary>
internal sealed class RecordingBuildEngine : IBuildEngine
{
    public List<BuildErrorEventArgs> Errors { get; } = new();
    public List<BuildWarningEventArgs> Warnings { get; } = new();
    public List<BuildMessageEventArgs> Messages { get; } = new();

    public bool ContinueOnError => false;
    public int LineNumberOfTaskNode => 0;
    public int ColumnNumberOfTaskNode => 0;
    public string ProjectFileOfTaskNode => "test.proj";
    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e);
    public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e);
    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e);
    public void LogCustomEvent(CustomBuildEventArgs e) { }
    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => false;

    public string ErrorCodes => string.Join(",", Errors.Select(e => e.Code));
}

/// <summary>
/// The tasks as thin adapters: parameters in, the plain class does the work, coded diagnostics out — never an
/// exception escaping to MSBuild (which shows it as MSB4018 with a stack trace).
/// </summary>
public sealed class TaskAdapterTests : IDisposable
{
    private readonly TempFolder _dir = new("tasks");
    private readonly RecordingBuildEngine _engine = new();

    public void Dispose() => _dir.Dispose();

    private string State(string name) => _dir.Combine("obj/sparkship/" + name);

    private ComputeSparkBundle Identify(params string[] extra)
    {
        var task = new ComputeSparkBundle
        {
            BuildEngine = _engine,
            Inputs = new[]
            {
                "Option\tProjectDirectory\t" + _dir.Combine("App"),
                "Option\tAssemblyName\tApp", "Option\tArchivePrefix\tApp", "Option\tTargetFramework\tnet8.0",
                "Option\tBundleDirectory\tspark-bundle", "Option\tClusterRuntimeIdentifier\tlinux-x64", "Option\tWorkerTargetFramework\tnet8.0",
                "Compiled\t" + _dir.WriteOld("App/obj/App.dll", "app") + "\tApp.dll",
                "CopyLocal\t" + _dir.WriteOld("packages/h/Humanizer.dll", "humanizer") + "\t\tHumanizer.Core\t2.14.1\t\truntime",
            }.Concat(extra).ToArray(),
            HashCacheFile = State("hashes.cache"),
            IdentityFile = State("identity.txt"),
            PlanFile = State("plan.tsv"),
        };
        return task;
    }

    [Fact]
    public void The_identify_task_writes_the_plan_the_identity_and_the_fingerprint_texts_and_returns_the_files()
    {
        var task = Identify();
        Assert.True(task.Execute(), _engine.ErrorCodes);

        var identity = BundleIdentityFile.Read(State("identity.txt"));
        Assert.StartsWith("App.app-", identity.AppArchive);
        Assert.Equal(2, BundlePlanFile.Read(State("plan.tsv")).Count);
        Assert.True(File.Exists(State("fingerprint-app.txt")));
        Assert.True(File.Exists(State("fingerprint-deps.txt")));
        Assert.True(File.Exists(State("hashes.cache")));
        Assert.Equal(new[] { ("App.dll", "app"), ("Humanizer.dll", "deps") },
            task.BundleFiles.Select(f => (f.GetMetadata("ArchivePath"), f.GetMetadata("Layer"))));
    }

    [Fact]
    public void The_identify_task_leaves_an_unchanged_identity_file_alone()
    {
        Assert.True(Identify().Execute());
        File.SetLastWriteTimeUtc(State("identity.txt"), DateTime.UtcNow.AddHours(-1));
        var time = File.GetLastWriteTimeUtc(State("identity.txt"));
        Assert.True(Identify().Execute());
        Assert.Equal(time, File.GetLastWriteTimeUtc(State("identity.txt")));
    }

    [Fact]
    public void The_identify_task_reports_a_missing_input_as_SSHIP0007_and_writes_no_identity()
    {
        var missing = _dir.Combine("packages/gone/Gone.dll");
        Assert.False(Identify("CopyLocal\t" + missing + "\t\tGone\t1.0.0\t\truntime").Execute());
        Assert.Equal("SSHIP0007", _engine.ErrorCodes);
        Assert.Equal(missing, _engine.Errors[0].File);
        Assert.False(File.Exists(State("identity.txt")));
    }

    [Fact]
    public void The_identify_task_reports_an_unwritable_state_folder_as_SSHIP0006()
    {
        File.WriteAllText(_dir.Combine("obj"), "a file where the folder should be");
        Assert.False(Identify().Execute());
        Assert.Contains("SSHIP0006", _engine.ErrorCodes);
    }

    [Fact]
    public void The_generate_task_writes_the_constants_of_the_identity_file_and_only_when_they_change()
    {
        Assert.True(Identify().Execute());
        var output = _dir.Combine("obj/SparkBundle.g.cs");
        var generate = new WriteSparkBundleSource { BuildEngine = _engine, OutputFile = output, Namespace = "SparkShip", IdentityFile = State("identity.txt") };
        Assert.True(generate.Execute(), _engine.ErrorCodes);
        Assert.Contains($"AppArchive = \"{BundleIdentityFile.Read(State("identity.txt")).AppArchive}\"", File.ReadAllText(output));
        File.SetLastWriteTimeUtc(output, DateTime.UtcNow.AddHours(-1));
        var time = File.GetLastWriteTimeUtc(output);
        Assert.True(generate.Execute());
        Assert.Equal(time, File.GetLastWriteTimeUtc(output));
    }

    [Fact]
    public void The_generate_task_writes_a_placeholder_only_where_there_is_no_file()
    {
        var output = _dir.Combine("obj/SparkBundle.g.cs");
        Assert.True(new WriteSparkBundleSource { BuildEngine = _engine, OutputFile = output, Namespace = "SparkShip", Placeholder = true }.Execute());
        Assert.Contains("IsPlaceholder = true", File.ReadAllText(output));
        File.WriteAllText(output, "// a real one");
        Assert.True(new WriteSparkBundleSource { BuildEngine = _engine, OutputFile = output, Namespace = "SparkShip", Placeholder = true }.Execute());
        Assert.Equal("// a real one", File.ReadAllText(output));
    }

    [Fact]
    public void The_generate_task_reports_a_missing_or_empty_identity_as_SSHIP0007_naming_the_file()
    {
        var identity = State("identity.txt");
        var generate = new WriteSparkBundleSource { BuildEngine = _engine, OutputFile = _dir.Combine("obj/SparkBundle.g.cs"), Namespace = "SparkShip", IdentityFile = identity };
        Assert.False(generate.Execute());
        _dir.Write("obj/sparkship/identity.txt", "SparkVersion=\n");
        Assert.False(generate.Execute());
        Assert.Equal("SSHIP0007,SSHIP0007", _engine.ErrorCodes);
        Assert.All(_engine.Errors, e => Assert.Equal(identity, e.File));
    }

    private WriteSparkBundle Bundle(string threshold = "") => new()
    {
        BuildEngine = _engine,
        IdentityFile = State("identity.txt"),
        PlanFile = State("plan.tsv"),
        HashCacheFile = State("hashes.cache"),
        ArchivesFile = State("archives.txt"),
        BundleDirectory = _dir.Combine("bin/spark-bundle"),
        SizeWarningThresholdMB = threshold,
        ProjectName = "App",
    };

    [Fact]
    public void The_bundle_task_writes_the_archives_records_them_and_says_so_in_one_line()
    {
        Assert.True(Identify().Execute());
        Assert.True(Bundle().Execute(), _engine.ErrorCodes);

        var identity = BundleIdentityFile.Read(State("identity.txt"));
        Assert.True(File.Exists(_dir.Combine("bin/spark-bundle/" + identity.AppArchive)));
        Assert.True(File.Exists(_dir.Combine("bin/spark-bundle/" + identity.DependencyArchive)));
        Assert.Equal(new[] { identity.DependencyArchive, identity.AppArchive }, SparkShip.Tasks.Writing.ArchiveRecords.Load(State("archives.txt")).Names);
        var line = Assert.Single(_engine.Messages, m => m.Message!.Contains("Spark bundle ->"));
        Assert.Equal(MessageImportance.High, line.Importance);
        Assert.Contains($"{identity.AppArchive} (2 files, ", line.Message);
    }

    [Fact]
    public void The_bundle_task_refuses_a_bad_threshold_with_SSHIP0009_before_writing_anything()
    {
        Assert.True(Identify().Execute());
        Assert.False(Bundle("lots").Execute());
        Assert.Equal("SSHIP0009", _engine.ErrorCodes);
        Assert.False(Directory.Exists(_dir.Combine("bin/spark-bundle")));
    }

    [Fact]
    public void A_cancelled_bundle_task_publishes_nothing_and_reports_no_error()
    {
        Assert.True(Identify().Execute());
        var task = Bundle();
        task.Cancel();
        Assert.True(task.Execute(), _engine.ErrorCodes);
        Assert.Empty(Directory.GetFiles(_dir.Combine("bin/spark-bundle")));
        Assert.Contains(_engine.Messages, m => m.Message!.Contains("cancelled"));
    }

    [Fact]
    public void The_print_task_refuses_a_spark_version_it_cannot_read_with_SSHIP0009()
    {
        var task = new PrintSparkSubmitCommand { BuildEngine = _engine, Master = "yarn", SparkVersion = "latest", AppAssembly = "/a/App.dll" };
        Assert.False(task.Execute());
        Assert.Equal("SSHIP0009", _engine.ErrorCodes);
    }
}
