using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SparkShip.Sdk.IntegrationTests.Robustness;

/// <summary>
/// Builds killed with SIGKILL (the whole process group: dotnet, MSBuild nodes, compiler) at moments spread from
/// start-up to the middle of writing each layer's archive. After every kill no archive at a final name may be partial
/// or invalid; the next, normal build must succeed, leave no temporary file anywhere, and bundle the current bytes.
/// </summary>
[Collection(RobustnessCollection.Name)]
public class InterruptionTests
{
    private readonly ITestOutputHelper _log;
    public InterruptionTests(ITestOutputHelper log) => _log = log;

    /// <summary>When to kill: a time after start, or a delay after the temporary file of a layer's archive appeared.</summary>
    private sealed record Kill(string Trigger, int DelayMs)
    {
        public override string ToString() => Trigger == "start" ? $"{DelayMs} ms after start" : $"{DelayMs} ms into writing the {Trigger} layer";
    }

    private static readonly Kill[] Schedule =
    {
        new("start", 300), new("start", 1000), new("start", 1600),
        new("deps", 0), new("deps", 150),
        new("app", 0), new("app", 50), new("app", 150), new("app", 300), new("app", 450), new("app", 600),
    };

    [Fact]
    public void Builds_killed_at_any_moment_never_leave_a_bad_archive_and_the_next_build_recovers() => RobustnessReport.Run(
        "Interruption", $"`dotnet build` SIGKILLed (whole process group) at {Schedule.Length} moments from start-up to mid-write of each layer (≈42 MB app layer, 12 MB deps layer); a normal build after each kill", r =>
        {
            if (!GroupProcess.Supported) { RobustnessReport.NotRun(r, "needs Linux and setsid(1)"); return; }
            var p = RobustProjects.BigApp("interrupt", files: 40, fileKb: 1024, depsKb: 12 * 1024);
            var bundle = p.PathOf("App/bin/Debug/net8.0/spark-bundle");
            var generated = p.PathOf("App/obj/Debug/net8.0/SparkBundle.g.cs");
            var user = UserFiles.Plant(p.PathOf("App"), "App");

            p.Build("App/App.csproj").AssertSuccess();
            r.Builds++;
            Assert.True(r.Audited(ArchiveAudit.Folder(bundle, user.BundleFolderNames, unzip: 128 << 20)).Ok);

            var landed = new Dictionary<string, int>();
            int round = 0;
            foreach (var kill in Schedule)
            {
                round++;
                RobustProjects.Mutate(p, round);
                var before = File.ReadAllText(generated);
                var where = KillOneBuild(p, bundle, kill);
                r.Builds++;
                if (where != "finished before the kill") r.Faults++;
                _log.WriteLine($"kill {round} ({kill}): {where}");
                r.Detail($"kill {round} ({kill}): {where}");

                // Where the kill landed, for the report: the temporary file open at that moment says which layer.
                var phase = where.StartsWith("writing", StringComparison.Ordinal) ? where.Split(' ')[0] + " " + where.Split(' ')[1] + " layer"
                    : where.StartsWith("finished", StringComparison.Ordinal) ? "finished first"
                    : File.ReadAllText(generated) != before && ArchiveAudit.CurrentArchives(generated).All(a => File.Exists(Path.Combine(bundle, a)))
                        ? "after both layers were published" : "before writing (start-up, restore, compile, identify)";
                landed[phase] = landed.GetValueOrDefault(phase) + 1;

                var afterKill = r.Audited(ArchiveAudit.Folder(bundle, user.BundleFolderNames));
                Assert.True(afterKill.Ok, $"after kill {round} ({kill}, {where}): {afterKill}");
                Assert.Empty(user.Describe());

                var next = p.Build("App/App.csproj");
                r.Builds++;
                Assert.True(next.Succeeded, $"the build after kill {round} ({kill}) failed:\n{next.Process}");
                Assert.Empty(RobustProjects.TempFiles(p.PathOf("App")));
                var afterRecovery = r.Audited(ArchiveAudit.Folder(bundle, user.BundleFolderNames));
                Assert.True(afterRecovery.Ok, $"after the build that followed kill {round}: {afterRecovery}");
                AssertCurrentBytes(p, bundle, generated);
                Assert.Empty(user.Describe());
            }

            // The archives left at the end are still readable by an independent implementation.
            Assert.True(r.Audited(ArchiveAudit.Folder(bundle, user.BundleFolderNames, unzip: 128 << 20)).Ok);
            r.FaultsText = $"{r.Faults} × SIGKILL of the build's process group ({Schedule.Length} scheduled; a build that finished before its moment was not killed)";
            r.Outcome("kills landed: " + string.Join(", ", landed.OrderByDescending(l => l.Value).Select(l => $"{l.Value} {l.Key}")));
            r.Outcome($"no partial or invalid archive at a final name after any kill; all {Schedule.Length} following builds succeeded, left no `*.sparkship-tmp` and bundled the current bytes");
            r.UserFiles(user);
            Assert.Empty(user.Describe());
            RobustProjects.DeleteTree(p);
        });

    /// <summary>Starts a build in its own process group, kills the group at the scheduled moment, says where it was.</summary>
    private static string KillOneBuild(TestProject p, string bundle, Kill kill)
    {
        var existing = new HashSet<string>(Directory.Exists(bundle) ? Directory.GetFiles(bundle, "*.sparkship-tmp") : Array.Empty<string>());
        using var build = GroupProcess.Start(p.Root, p.Env.ChildEnvironment(), "dotnet", "build", p.PathOf("App/App.csproj"), "-nr:false", "-v:m");
        var limit = TimeSpan.FromMinutes(3);
        string? layer = null;
        if (kill.Trigger == "start")
        {
            while (!build.HasExited && build.Elapsed < TimeSpan.FromMilliseconds(kill.DelayMs)) Thread.Sleep(5);
        }
        else
        {
            var marker = kill.Trigger == "app" ? ".app-" : ".deps-";
            while (!build.HasExited && build.Elapsed < limit)
            {
                if (Directory.Exists(bundle) && Directory.EnumerateFiles(bundle, "*.sparkship-tmp").Any(f => !existing.Contains(f) && f.Contains(marker, StringComparison.Ordinal)))
                    break;
                Thread.Sleep(1);
            }
            if (kill.DelayMs > 0) Thread.Sleep(kill.DelayMs);
        }
        if (build.HasExited) return "finished before the kill";

        var open = Directory.Exists(bundle)
            ? Directory.GetFiles(bundle, "*.sparkship-tmp").Where(f => !existing.Contains(f)).Select(f => (Name: Path.GetFileName(f), Size: new FileInfo(f).Length)).ToList()
            : new List<(string Name, long Size)>();
        build.KillGroup();
        foreach (var (name, size) in open)
            layer = $"writing {(name.Contains(".app-") ? "app" : "deps")} layer ({size >> 20} MB of the temporary file written)";
        return layer ?? $"{build.Elapsed.TotalSeconds:0.0} s after start, no archive being written";
    }

    /// <summary>The archives the app names hold the bytes now on disk (no stale or garbage archive kept under a name).</summary>
    private static void AssertCurrentBytes(TestProject p, string bundle, string generated)
    {
        var current = ArchiveAudit.CurrentArchives(generated);
        Assert.Equal(2, current.Count);
        Assert.Equal(File.ReadAllBytes(p.PathOf("App/big/changing.bin")), ArchiveAudit.ReadEntry(Path.Combine(bundle, current[0]), "big/changing.bin"));
        Assert.Equal(File.ReadAllBytes(p.PathOf("App/deps-data.bin")), ArchiveAudit.ReadEntry(Path.Combine(bundle, current[1]), "data/deps-data.bin"));
    }
}
