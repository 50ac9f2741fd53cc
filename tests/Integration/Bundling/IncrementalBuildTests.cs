using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Bundling;

public class IncrementalBuildTests
{
    [Fact]
    public void A_build_where_nothing_changed_does_no_bundle_work_and_rewrites_nothing()
    {
        var p = Scenarios.AppWithLibrary();
        p.Build("App/App.csproj").AssertSuccess();
        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        var watched = bundle.Archives.Select(bundle.PathOf)
            .Concat(new[] { "SparkBundle.g.cs", "sparkship/hashes.cache", "sparkship/identity.txt", "sparkship/plan.tsv", "sparkship/archives.txt", "sparkship/inputs.cache" }
                .Select(f => p.PathOf("App/obj/Debug/net8.0/" + f)))
            .ToDictionary(f => f, f => (File.GetLastWriteTimeUtc(f), File.ReadAllBytes(f)));

        Thread.Sleep(1100); // so any rewrite would show in the timestamps
        var second = p.Build("App/App.csproj").AssertSuccess();

        Assert.True(second.TargetSkippedAsUpToDate("WriteSparkBundle"), "WriteSparkBundle was not skipped as up to date");
        Assert.Empty(second.TasksRun("WriteSparkBundle"));
        // Not even the identify or generate step runs (MSBuild's own up-to-date checks): SparkShip's task assembly is never loaded.
        Assert.True(second.TargetSkippedAsUpToDate("ComputeSparkBundle"), "ComputeSparkBundle was not skipped as up to date");
        Assert.True(second.TargetSkippedAsUpToDate("_SparkShipWriteBundleSource"), "_SparkShipWriteBundleSource was not skipped as up to date");
        Assert.Empty(second.SparkShipTasksRun());
        Assert.NotEmpty(second.TasksRun("Copy")); // the check above can see tasks: MSBuild's own ran
        Assert.DoesNotContain(second.TargetsRun("CoreCompile"), t => t.Children.OfType<Microsoft.Build.Logging.StructuredLogger.Task>().Any());
        Assert.DoesNotContain("Spark bundle ->", second.Output);
        foreach (var (file, (time, bytes)) in watched)
        {
            Assert.Equal(time, File.GetLastWriteTimeUtc(file));
            Assert.Equal(bytes, File.ReadAllBytes(file));
        }
        Assert.Equal(bundle.Archives, new Bundle(bundle.Folder).Archives);
    }

    [Fact]
    public void A_touched_but_unchanged_source_keeps_the_identity_and_the_build_after_it_loads_no_sparkship_task()
    {
        var p = Scenarios.AppWithLibrary();
        p.Build("App/App.csproj").AssertSuccess();
        var generated = p.PathOf("App/obj/Debug/net8.0/SparkBundle.g.cs");
        var identity = p.PathOf("App/obj/Debug/net8.0/sparkship/identity.txt");
        var before = (File.GetLastWriteTimeUtc(generated), File.GetLastWriteTimeUtc(identity), File.ReadAllText(generated));

        Thread.Sleep(1100); // so any rewrite would show in the timestamps
        File.SetLastWriteTimeUtc(p.PathOf("App/Program.cs"), DateTime.UtcNow);
        var touched = p.Build("App/App.csproj").AssertSuccess();

        // The identify step looked again (an input is newer) and found the same identity: nothing after it is redone.
        Assert.Contains(touched.SparkShipTasksRun(), t => t.Name == "ComputeSparkBundle"); // (and SparkShipTasksRun sees our tasks)
        Assert.Empty(touched.TasksRun("WriteSparkBundleSource"));
        Assert.Equal(before, (File.GetLastWriteTimeUtc(generated), File.GetLastWriteTimeUtc(identity), File.ReadAllText(generated)));

        var next = p.Build("App/App.csproj").AssertSuccess();
        Assert.Empty(next.SparkShipTasksRun());
    }

    [Fact]
    public void An_app_edit_rewrites_only_the_app_layer_and_keeps_the_previous_one()
    {
        var p = Scenarios.AppWithLibrary();
        p.Build("App/App.csproj").AssertSuccess();
        var before = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        var depsBytes = File.ReadAllBytes(before.PathOf(before.DependencyArchive!));

        p.Edit("App/Program.cs", "\"dir=\"", "\"folder=\"");
        var build = p.Build("App/App.csproj").AssertSuccess();

        var after = new Bundle(before.Folder);
        var newApp = after.Archives.Single(a => a.Contains(".app-") && a != before.AppArchive);
        Assert.Equal(before.DependencyArchive, after.DependencyArchive);
        Assert.Equal(depsBytes, File.ReadAllBytes(after.PathOf(after.DependencyArchive!)));
        // The previous app layer stays: a Spark job started before the edit may still be fetching it.
        Assert.Contains(before.AppArchive, after.Archives);
        Assert.Contains("App.dll", Bundle.Entries(after.PathOf(newApp)));
        Assert.Contains($"{before.DependencyArchive} (5 files, ", build.Output.Split('\n').Single(l => l.Contains("Spark bundle ->")));
        Assert.Contains($"AppArchive = \"{newApp}\"", p.Read("App/obj/Debug/net8.0/SparkBundle.g.cs"));
    }

    [Fact]
    public void A_library_edit_never_rewrites_re_stamps_or_touches_the_unchanged_dependency_archive()
    {
        // What sync tools compare (aws s3 sync, azcopy sync: size and time; rsync's quick check: size and time).
        var p = Scenarios.AppWithLibrary();
        p.Build("App/App.csproj").AssertSuccess();
        var before = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        var deps = before.PathOf(before.DependencyArchive!);
        var old = DateTime.UtcNow.AddHours(-3);
        File.SetLastWriteTimeUtc(deps, old); // so a refresh of the time by the build would show
        var bytes = File.ReadAllBytes(deps);

        p.Edit("Lib/TextUdfs.cs", "\"|v1\"", "\"|v2\"");
        var edit = p.Build("App/App.csproj").AssertSuccess();
        Assert.NotEmpty(edit.TasksRun("WriteSparkBundle"));

        var after = new Bundle(before.Folder);
        Assert.Equal(before.DependencyArchive, after.DependencyArchive);
        Assert.Equal(old, File.GetLastWriteTimeUtc(deps));
        Assert.Equal(bytes, File.ReadAllBytes(deps));

        // The next build is a no-op although the dependency archive is older than every input: archives.txt is the stamp.
        var next = p.Build("App/App.csproj").AssertSuccess();
        Assert.True(next.TargetSkippedAsUpToDate("WriteSparkBundle"), "WriteSparkBundle was not skipped as up to date");
        Assert.Equal(old, File.GetLastWriteTimeUtc(deps));
    }

    [Fact]
    public void A_deleted_bundle_folder_is_written_again_by_the_next_build()
    {
        var p = Scenarios.AppWithLibrary();
        p.Build("App/App.csproj").AssertSuccess();
        var folder = p.PathOf("App/bin/Debug/net8.0/spark-bundle");
        var archives = new Bundle(folder).Archives;
        Directory.Delete(folder, recursive: true);

        var again = p.Build("App/App.csproj").AssertSuccess();
        Assert.NotEmpty(again.TasksRun("WriteSparkBundle"));
        Assert.Equal(archives, new Bundle(folder).Archives);
    }

    [Fact]
    public void An_edit_in_a_referenced_library_changes_the_app_layer()
    {
        var p = Scenarios.AppWithLibrary();
        p.Build("App/App.csproj").AssertSuccess();
        var before = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));

        p.Edit("Lib/TextUdfs.cs", "\"|v1\"", "\"|v2\"");
        p.Build("App/App.csproj").AssertSuccess();

        var generated = p.Read("App/obj/Debug/net8.0/SparkBundle.g.cs");
        var after = new Bundle(before.Folder);
        var current = after.Archives.Single(a => generated.Contains($"AppArchive = \"{a}\""));
        Assert.NotEqual(before.AppArchive, current);
        Assert.Equal(before.DependencyArchive, after.DependencyArchive);
    }

    [Fact]
    public void Archives_beyond_the_retain_count_are_deleted_but_only_those_the_sdk_wrote()
    {
        var p = Scenarios.AppWithLibrary(extraAppProperties: "<SparkBundleRetainCount>2</SparkBundleRetainCount>");
        p.Build("App/App.csproj").AssertSuccess();
        var folder = p.PathOf("App/bin/Debug/net8.0/spark-bundle");
        var first = new Bundle(folder).AppArchive;
        // A file of the user's that merely looks like an archive of ours.
        File.WriteAllText(Path.Combine(folder, "App.app-0000000000000000.zip"), "not ours");

        for (int i = 2; i <= 3; i++)
        {
            p.Edit("App/Program.cs", i == 2 ? "\"dir=\"" : "\"dir2=\"", i == 2 ? "\"dir2=\"" : "\"dir3=\"");
            p.Build("App/App.csproj").AssertSuccess();
        }

        var archives = new Bundle(folder).Archives;
        Assert.DoesNotContain(first, archives);
        Assert.Equal(2, archives.Count(a => a.Contains(".app-") && a != "App.app-0000000000000000.zip"));
        Assert.Equal("not ours", File.ReadAllText(Path.Combine(folder, "App.app-0000000000000000.zip")));
    }
}
