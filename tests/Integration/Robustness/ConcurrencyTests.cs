using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Robustness;

/// <summary>
/// Builds racing each other over the same obj/ and bin/ folders, and inputs rewritten while builds run. A build that
/// loses a race may fail (MSBuild's own obj/ races included) but only with a coded message; every archive at a final
/// name must be complete and consistent with its manifest, and the racing builds' current archives byte-identical to
/// what a lone build of the same tree writes (two reported defects are tolerated, see IsKnownRacingInputCrash and
/// SameAsLoneBuild).
/// </summary>
[Collection(RobustnessCollection.Name)]
public class ConcurrencyTests
{
    [Fact]
    public void Three_builds_of_one_project_at_once_leave_only_complete_archives() => RobustnessReport.Run(
        "Concurrency", "3 `dotnet build`s of one app (project reference, packages) at once, 3 rounds: fresh clone, after a library edit, after a content edit", r =>
        {
            var p = Scenarios.AppWithLibrary("race-one");
            var user = UserFiles.Plant(p.PathOf("App"), "App");
            var outputs = new[] { (p.PathOf("App"), "net8.0") };

            string[] rounds = { "fresh clone", "after a library edit", "after a content edit" };
            IReadOnlyList<BuildResult> last = Array.Empty<BuildResult>();
            for (int round = 0; round < rounds.Length; round++)
            {
                if (round == 1) p.Edit("Lib/TextUdfs.cs", "|v1", "|v2");
                if (round == 2) p.Write("App/data/words.txt", "jumps over the lazy dog\n");
                last = AtOnce(Enumerable.Repeat<Func<BuildResult>>(() => p.Build("App/App.csproj"), 3));
                r.Builds += last.Count;
                Judge(last, r, rounds[round]);
                AuditAll(outputs, user, r);
            }

            SameAsLoneBuild(p, "App/App.csproj", outputs, user, r, last);
            r.UserFiles(user);
            Assert.Empty(user.Describe());
        });

    [Fact]
    public void A_multi_targeted_project_built_with_m_writes_one_complete_bundle_per_framework() => RobustnessReport.Run(
        "Concurrency", "A multi-targeted app (net8.0;net472) built with `-m` (both frameworks bundled at once in two nodes), then two such builds at once", r =>
        {
            var p = Scenarios.MultiTargetedApp("race-multitarget", """<Content Include="data/**" CopyToOutputDirectory="PreserveNewest" />""");
            RobustProjects.WriteBytes(p.PathOf("App/data/table.bin"), RobustProjects.Text(new Random(3), 2 << 20));
            var frameworks = new[] { "net8.0", "net472" };
            var user = UserFiles.Plant(p.PathOf("App"), "App", frameworks);
            var outputs = frameworks.Select(f => (p.PathOf("App"), f)).ToArray();

            var first = p.Build("App/App.csproj", "-m");
            r.Builds++;
            Judge(new[] { first }, r, "one `-m` build");
            first.AssertSuccess();
            AuditAll(outputs, user, r);

            p.Write("App/Program.cs", "System.Console.WriteLine(\"edited \" + SparkShip.SparkBundle.AppArchive);");
            var racing = AtOnce(Enumerable.Repeat<Func<BuildResult>>(() => p.Build("App/App.csproj", "-m"), 2));
            r.Builds += racing.Count;
            Judge(racing, r, "two `-m` builds at once after an edit");
            AuditAll(outputs, user, r);

            SameAsLoneBuild(p, "App/App.csproj", outputs, user, r, racing);
            r.UserFiles(user);
            Assert.Empty(user.Describe());
        });

    [Fact]
    public void Two_apps_sharing_a_library_built_in_parallel_leave_only_complete_archives() => RobustnessReport.Run(
        "Concurrency", "Two apps of one solution referencing one library: the solution built with `-m`, then 3 rounds of each app's own `dotnet build` at the same time (both rebuild the library)", r =>
        {
            var p = new TestProject("race-two-apps");
            p.Write("Lib/Lib.csproj", $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Humanizer.Core" Version="{Scenarios.HumanizerVersion}" />
                    <None Include="lib-data.bin" CopyToOutputDirectory="PreserveNewest" />
                  </ItemGroup>
                </Project>
                """);
            p.Write("Lib/Udfs.cs", "namespace Lib; public static class Udfs { public static string Tag => \"v1\"; }");
            RobustProjects.WriteBytes(p.PathOf("Lib/lib-data.bin"), RobustProjects.Text(new Random(5), 3 << 20));
            foreach (var app in new[] { "App1", "App2" })
            {
                p.Write($"{app}/{app}.csproj", """
                    <Project Sdk="Microsoft.NET.Sdk">
                      <Sdk Name="SparkShip.Sdk" />
                      <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net8.0</TargetFramework></PropertyGroup>
                      <ItemGroup><ProjectReference Include="../Lib/Lib.csproj" /></ItemGroup>
                    </Project>
                    """);
                p.Write($"{app}/Program.cs", $"System.Console.WriteLine(\"{app} \" + Lib.Udfs.Tag + \" \" + SparkShip.SparkBundle.AppArchive);");
            }
            p.Write("Apps.slnx", """
                <Solution>
                  <Project Path="Lib/Lib.csproj" />
                  <Project Path="App1/App1.csproj" />
                  <Project Path="App2/App2.csproj" />
                </Solution>
                """);
            var user1 = UserFiles.Plant(p.PathOf("App1"), "App1");
            var user2 = UserFiles.Plant(p.PathOf("App2"), "App2");
            var outputs = new[] { (p.PathOf("App1"), "net8.0"), (p.PathOf("App2"), "net8.0") };

            var solution = p.Build("Apps.slnx", "-m");
            r.Builds++;
            Judge(new[] { solution }, r, "the solution with `-m`");
            solution.AssertSuccess();
            AuditAll(outputs, user1, r, user2);

            IReadOnlyList<BuildResult> racing = Array.Empty<BuildResult>();
            for (int round = 2; round <= 4; round++)
            {
                p.Edit("Lib/Udfs.cs", $"v{round - 1}", $"v{round}");
                racing = AtOnce(new Func<BuildResult>[] { () => p.Build("App1/App1.csproj"), () => p.Build("App2/App2.csproj") });
                r.Builds += racing.Count;
                Judge(racing, r, $"round {round - 1}: each app's own build at once after a library edit");
                AuditAll(outputs, user1, r, user2);
            }

            SameAsLoneBuild(p, "Apps.slnx", outputs, user1, r, racing, user2);
            r.UserFiles(user1);
            r.UserFilesPlanted += user2.Paths.Count;
            r.UserFilesTouched += user2.Touched();
            Assert.Empty(user1.Describe().Concat(user2.Describe()));
        });

    private static string LoneCounterpart(string racedPath)
    {
        var folder = Path.GetDirectoryName(racedPath)!;
        var tfm = Path.GetFileName(Path.GetDirectoryName(folder)!);
        var projectDir = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(folder)!)!)!)!;
        var layer = Path.GetFileName(racedPath).Contains(".app-") ? ".app-" : ".deps-";
        return Path.Combine(folder, ArchiveAudit.CurrentArchives(Path.Combine(projectDir, "obj", "Debug", tfm, "SparkBundle.g.cs")).Single(n => n.Contains(layer)));
    }

    /// <summary>Same entries with the same sizes and CRC-32s, and manifests listing the same files (names aside).</summary>
    private static bool SameContent(string a, string b)
    {
        static IEnumerable<string> Entries(string zip)
        {
            using var z = System.IO.Compression.ZipFile.OpenRead(zip);
            var entries = z.Entries.Where(e => e.FullName != ArchiveAudit.ManifestEntry).Select(e => $"{e.FullName} {e.Length} {e.Crc32:x8}").ToList();
            if (z.GetEntry(ArchiveAudit.ManifestEntry) is null) return entries;
            using var manifest = System.Text.Json.JsonDocument.Parse(ArchiveAudit.ReadEntry(zip, ArchiveAudit.ManifestEntry));
            foreach (var layer in manifest.RootElement.GetProperty("layers").EnumerateArray())
                entries.AddRange(layer.GetProperty("files").EnumerateArray().Select(f => $"manifest {f.GetProperty("path")} {f.GetProperty("size")} {f.GetProperty("hash")}"));
            return entries;
        }
        return Entries(a).OrderBy(x => x, StringComparer.Ordinal).SequenceEqual(Entries(b).OrderBy(x => x, StringComparer.Ordinal));
    }

    /// <summary>Why a racing build's archive name differs from the lone build's: fingerprint lines and entries that differ.</summary>
    private static string Explain(string racedPath, string evidence)
    {
        var folder = Path.GetDirectoryName(racedPath)!;                               // …/<App>/bin/Debug/<tfm>/spark-bundle
        var tfm = Path.GetFileName(Path.GetDirectoryName(folder)!);
        var projectDir = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(folder)!)!)!)!;
        var layer = Path.GetFileName(racedPath).Contains(".app-") ? "app" : "deps";
        var text = new System.Text.StringBuilder();
        var before = File.ReadAllLines(Path.Combine(evidence, $"{Path.GetFileName(projectDir)}-{tfm}-fingerprint-{layer}.txt"));
        var after = File.ReadAllLines(Path.Combine(projectDir, "obj", "Debug", tfm, "sparkship", $"fingerprint-{layer}.txt"));
        text.Append("fingerprint lines of the racing build only: ").AppendJoin(" | ", before.Except(after)).Append('\n');
        text.Append("fingerprint lines of the lone build only: ").AppendJoin(" | ", after.Except(before)).Append('\n');
        var lone = ArchiveAudit.CurrentArchives(Path.Combine(projectDir, "obj", "Debug", tfm, "SparkBundle.g.cs"))
            .Select(n => Path.Combine(folder, n)).FirstOrDefault(n => Path.GetFileName(n).Contains($".{layer}-"));
        if (lone != null)
        {
            using var a = System.IO.Compression.ZipFile.OpenRead(Path.Combine(evidence, Path.GetFileName(racedPath)));
            using var b = System.IO.Compression.ZipFile.OpenRead(lone);
            var x = a.Entries.Select(e => $"{e.FullName} {e.Length} {e.Crc32:x8}");
            var y = b.Entries.Select(e => $"{e.FullName} {e.Length} {e.Crc32:x8}");
            text.Append($"entries of the racing build's {Path.GetFileName(racedPath)} only: ").AppendJoin(" | ", x.Except(y)).Append('\n');
            text.Append($"entries of the lone build's {Path.GetFileName(lone)} only: ").AppendJoin(" | ", y.Except(x)).Append('\n');
        }
        return text.Append("evidence kept in ").Append(evidence).ToString();
    }

    /// <summary>Starts every build on its own thread at once and waits for all of them.</summary>
    internal static IReadOnlyList<BuildResult> AtOnce(IEnumerable<Func<BuildResult>> builds)
    {
        var start = new ManualResetEventSlim();
        var tasks = builds.Select(b => Task.Factory.StartNew(() => { start.Wait(); return b(); }, TaskCreationOptions.LongRunning)).ToList();
        start.Set();
        Task.WaitAll(tasks.ToArray());
        return tasks.Select(t => t.Result).ToList();
    }

    [Fact]
    public void An_input_rewritten_by_another_process_during_builds_never_yields_an_archive_at_odds_with_its_manifest() => RobustnessReport.Run(
        "Concurrency", "An input rewritten over and over by another process (a generator, another build's copy) while 8 builds run, each after an edit", r =>
        {
            var p = RobustProjects.BigApp("race-rewriter", files: 16, fileKb: 1024, depsKb: 512);
            var bundle = p.PathOf("App/bin/Debug/net8.0/spark-bundle");
            var user = UserFiles.Plant(p.PathOf("App"), "App");
            var target = p.PathOf("App/big/changing.bin");
            p.Build("App/App.csproj").AssertSuccess();
            r.Builds++;

            using var stop = new CancellationTokenSource();
            int rewrites = 0;
            var rewriter = Task.Factory.StartNew(() =>
            {
                // Truncate and write, different sizes, as a generator or MSBuild's delete-then-copy does.
                // Bursts of back-to-back rewrites and quiet spells: some builds meet a burst, some slip through.
                var random = new Random(11);
                while (!stop.IsCancellationRequested)
                {
                    var burst = System.Diagnostics.Stopwatch.StartNew();
                    var length = TimeSpan.FromMilliseconds(random.Next(300, 2000));
                    while (burst.Elapsed < length && !stop.IsCancellationRequested)
                    {
                        try { File.WriteAllBytes(target, RobustProjects.RandomBytes(random, random.Next(16, 1024) * 1024)); rewrites++; }
                        catch (IOException) { }
                    }
                    stop.Token.WaitHandle.WaitOne(random.Next(0, 2000));
                }
            }, TaskCreationOptions.LongRunning);

            int succeeded = 0, refused = 0;
            var causes = new SortedSet<string>(StringComparer.Ordinal);
            try
            {
                for (int round = 1; round <= 8; round++)
                {
                    RobustProjects.Mutate(p, round, app: false); // source and deps change: both layers are rewritten
                    var build = p.Build("App/App.csproj");
                    r.Builds++;
                    Assert.Empty(RobustProjects.SparkShipCrashes(build.Output));
                    if (build.Succeeded) succeeded++;
                    else
                    {
                        // The only acceptable failure: the rewritten input, named, with a coded error.
                        var error = Assert.Single(build.Diagnostics("SSHIP0007"));
                        Assert.Contains(target, error);
                        refused++;
                        causes.Add(StarvationTests.Cause(error));
                    }
                    var audit = r.Audited(ArchiveAudit.Folder(bundle, user.BundleFolderNames));
                    Assert.True(audit.Ok, $"after build {round} (input rewritten {rewrites} times so far): {audit}");
                    Assert.Empty(RobustProjects.TempFiles(p.PathOf("App")));
                }
            }
            finally
            {
                stop.Cancel();
                rewriter.Wait();
            }
            r.Faults = 8;
            r.FaultsText = $"8 builds while one app-layer input was rewritten ({rewrites} rewrites in bursts)";
            r.Outcome($"{succeeded} build{(succeeded == 1 ? "" : "s")} succeeded with archives matching their manifests, {refused} failed with SSHIP0007 naming the input"
                + (causes.Count > 0 ? " (" + string.Join(" / ", causes.Select(c => $"\"{c}\"")) + ")" : ""));

            p.Build("App/App.csproj").AssertSuccess();
            r.Builds++;
            Assert.True(r.Audited(ArchiveAudit.Folder(bundle, user.BundleFolderNames, unzip: 64 << 20)).Ok);
            var current = ArchiveAudit.CurrentArchives(p.PathOf("App/obj/Debug/net8.0/SparkBundle.g.cs"));
            Assert.Equal(File.ReadAllBytes(target), ArchiveAudit.ReadEntry(Path.Combine(bundle, current[0]), "big/changing.bin"));
            r.Outcome("once the input settled, the next build succeeded and bundled its final bytes");
            r.UserFiles(user);
            Assert.Empty(user.Describe());
            RobustProjects.DeleteTree(p);
        });

    /// <summary>
    /// KNOWN DEFECT (reported; in ComputeSparkBundle and its planner, outside what this work may change): when the other
    /// build's MSBuild Copy deletes, locks and rewrites a referenced project's output (Lib/bin/…/Lib.dll) at the instant
    /// identify reads it, the IOException ("Could not find file", "File not found", "being used by another process") escapes
    /// BundlePlanner/ComputeAppFingerprint and the task crashes (MSB4018 with a stack trace) instead of reporting
    /// SSHIP0007. Nothing is written, so no archive suffers; only the message is wrong. Tolerated here — exactly this
    /// crash, no other — and counted in the report; remove once ComputeSparkBundle catches it.
    /// </summary>
    private static bool IsKnownRacingInputCrash(BuildResult b) =>
        b.Output.Contains("The \"ComputeSparkBundle\" task failed unexpectedly", StringComparison.Ordinal)
        && System.Text.RegularExpressions.Regex.IsMatch(b.Output, @"error MSB4018: System\.IO\.(FileNotFoundException|DirectoryNotFoundException|IOException): ")
        && b.Output.Contains("at SparkShip.Tasks.Build.ComputeSparkBundle.Run", StringComparison.Ordinal);

    /// <summary>Each racer succeeded, or failed with coded errors and without a SparkShip crash.</summary>
    private static void Judge(IReadOnlyList<BuildResult> builds, ScenarioRecord r, string what)
    {
        int ok = builds.Count(b => b.Succeeded);
        int known = builds.Count(b => !b.Succeeded && IsKnownRacingInputCrash(b));
        // SparkShip's own codes with the file they name ("SSHIP0007 on Lib.dll"), others (MSBuild's obj/ races) as they are.
        var codes = builds.Where(b => !b.Succeeded && !IsKnownRacingInputCrash(b))
            .SelectMany(b => RobustProjects.ErrorCodes(b.Output).SelectMany(c => c.StartsWith("SSHIP", StringComparison.Ordinal)
                ? b.Diagnostics(c).Select(d => $"{c} on {Path.GetFileName(d[..d.IndexOf(": ", StringComparison.Ordinal)])}")
                : new[] { c }))
            .ToList();
        // Errors without a code come from NuGet's and MSBuild's own obj/ races ("… project.assets.json' already exists").
        codes.AddRange(builds.Where(b => !b.Succeeded && !IsKnownRacingInputCrash(b) && RobustProjects.ErrorCodes(b.Output).Count == 0)
            .SelectMany(b => RobustProjects.AnyErrorLines(b.Output)).Select(l => "uncoded \"" + Shorten(l[(l.IndexOf("error", StringComparison.Ordinal) + 5)..].TrimStart(' ', ':')) + "\""));
        codes = codes.Distinct().ToList();
        r.Outcome($"{what}: {ok} of {builds.Count} succeeded"
            + (codes.Count > 0 ? $", the others failed with {string.Join(", ", codes)}" : "")
            + (known > 0 ? $", {known} failed with the known ComputeSparkBundle crash (MSB4018: an input the other build was rewriting, reported)" : ""));
        foreach (var b in builds)
        {
            if (!IsKnownRacingInputCrash(b)) Assert.Empty(RobustProjects.SparkShipCrashes(b.Output));
            if (b.Succeeded) continue;
            var errors = RobustProjects.AnyErrorLines(b.Output);
            Assert.True(errors.Count > 0, "A racing build failed without an error message:\n" + b.Process);
            // SparkShip's own errors always carry a code; an uncoded one may only come from NuGet or MSBuild.
            Assert.DoesNotContain(errors, e => e.Contains("SparkShip.Sdk.targets", StringComparison.Ordinal) && RobustProjects.ErrorLines(e).Count == 0);
        }
    }

    /// <summary>An error message without its project suffix and run-specific folder, short enough for a table cell.</summary>
    private static string Shorten(string message)
    {
        message = System.Text.RegularExpressions.Regex.Replace(message, @"\s*\[[^\]]*\]$", "");
        message = message.Replace(TestEnvironment.Instance.RunRoot + "/", "…/");
        return message.Length > 100 ? message[..100] + "…" : message;
    }

    private static void AuditAll((string ProjectDir, string Tfm)[] outputs, UserFiles user, ScenarioRecord r, UserFiles? other = null)
    {
        foreach (var (dir, tfm) in outputs)
        {
            var skip = user.BundleFolderNames.Concat(other?.BundleFolderNames ?? Array.Empty<string>()).Distinct();
            var audit = r.Audited(ArchiveAudit.Folder(Path.Combine(dir, "bin", "Debug", tfm, "spark-bundle"), skip, unzip: 64 << 20));
            Assert.True(audit.Ok, audit.ToString());
            Assert.Empty(RobustProjects.TempFiles(Path.Combine(dir, "bin")));
        }
    }

    /// <summary>
    /// The current archives the racing builds left are byte for byte what one build on its own writes from the same
    /// tree: they are set aside, deleted, and a lone build writes them again.
    /// </summary>
    private static void SameAsLoneBuild(TestProject p, string project, (string ProjectDir, string Tfm)[] outputs, UserFiles user, ScenarioRecord r,
        IReadOnlyList<BuildResult> lastRound, UserFiles? other = null)
    {
        if (lastRound.Any(b => !b.Succeeded))
        {
            // A failed racer may have left SparkBundle.g.cs of an earlier round: there is no "current bundle" to compare.
            r.Outcome("comparison with a lone build skipped: a racing build of the last round failed (the audits above still apply)");
            return;
        }
        var raced = new Dictionary<string, byte[]>();
        var evidence = p.PathOf("raced"); // kept for a post-mortem when this fails: fingerprint texts and archives
        Directory.CreateDirectory(evidence);
        foreach (var (dir, tfm) in outputs)
        {
            var bundle = Path.Combine(dir, "bin", "Debug", tfm, "spark-bundle");
            foreach (var text in Directory.GetFiles(Path.Combine(dir, "obj", "Debug", tfm, "sparkship"), "fingerprint-*.txt"))
                File.Copy(text, Path.Combine(evidence, $"{Path.GetFileName(dir)}-{tfm}-{Path.GetFileName(text)}"), overwrite: true);
            foreach (var name in ArchiveAudit.CurrentArchives(Path.Combine(dir, "obj", "Debug", tfm, "SparkBundle.g.cs")))
            {
                var path = Path.Combine(bundle, name);
                Assert.True(File.Exists(path), $"{name}, named by SparkBundle.g.cs, is not in {bundle}");
                raced[path] = File.ReadAllBytes(path);
                File.Copy(path, Path.Combine(evidence, name), overwrite: true);
                File.Delete(path);
            }
        }
        var lone = p.Build(project).AssertSuccess();
        r.Builds++;
        int renamed = 0;
        foreach (var (path, bytes) in raced)
        {
            if (File.Exists(path))
            {
                // The same name must stand for the same bytes: anything else is garbage under a valid name.
                Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{path}: the racing builds' archive differs from the lone build's");
                continue;
            }
            // KNOWN DEFECT (reported; the fix needs ComputeSparkBundle to hand its hashes to the writer): a racing build
            // can fingerprint an input while the other build's MSBuild Copy rewrites it, and so name a correct archive
            // differently from a lone build. Tolerated only if the contents are exactly the lone build's.
            renamed++;
            var why = Explain(path, evidence);
            Assert.True(SameContent(Path.Combine(evidence, Path.GetFileName(path)), LoneCounterpart(path)),
                $"{Path.GetFileName(path)}: a racing build's archive has another name AND other contents than a lone build's.\n{why}");
            r.Outcome($"{Path.GetFileName(path)} was named differently from a lone build's archive with identical contents (known defect; {why.Split('\n')[0]})");
        }
        AuditAll(outputs, user, r, other);
        r.Outcome($"{raced.Count - renamed} of the {raced.Count} current archives are byte-identical to a lone build's" + (renamed > 0 ? $", {renamed} renamed with identical contents" : ""));
    }
}
