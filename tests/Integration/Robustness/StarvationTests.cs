using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SparkShip.Sdk.IntegrationTests.Robustness;

/// <summary>
/// The output refuses writes (a file-size limit, a read-only folder, a full volume) or an input cannot be read. Each
/// time the build must fail with a coded error naming the file and the cause, leave the previous good archives byte
/// for byte as they were and no partial archive at a final name, and the build after the fault is fixed must succeed.
/// </summary>
[Collection(RobustnessCollection.Name)]
public class StarvationTests
{
    private readonly ITestOutputHelper _log;
    public StarvationTests(ITestOutputHelper log) => _log = log;

    private static bool IsRoot => Environment.UserName == "root";

    [Fact]
    public void A_file_size_limit_is_a_coded_error_and_the_previous_archives_stay() => RobustnessReport.Run(
        "Starvation", "File-size limit: `ulimit -f` of 32 MB, below the new ≈41 MB app layer (every other file the build writes stays under it)", r =>
        {
            const int limitKb = 32 * 1024; // the .NET runtime itself aborts at start-up ("Out of memory.") below ~16-32 MB with W^X on
            var p = RobustProjects.BigApp("fsize", files: 40, fileKb: 1024, depsKb: 256, compressible: false); // an app layer of ≈41 MB
            var bundle = p.PathOf("App/bin/Debug/net8.0/spark-bundle");
            var user = UserFiles.Plant(p.PathOf("App"), "App");
            r.FaultsText = "1 build under `ulimit -f 32768` (W^X off, see below)";

            p.Build("App/App.csproj").AssertSuccess();
            r.Builds++;
            var good = RobustProjects.Snapshot(bundle, user.BundleFolderNames);

            RobustProjects.Mutate(p, 1, deps: false);
            var project = p.PathOf("App/App.csproj");
            // With W^X on (the default), the .NET runtime maps code through a memfd whose size the limit also caps: the
            // compiler and MSBuild abort with "Out of memory." under a limit this small, before SparkShip runs at all.
            var environment = p.Env.ChildEnvironment();
            environment["DOTNET_EnableWriteXorExecute"] = "0";
            var limited = ProcessRunner.Run("bash", new[] { "-c", $"ulimit -f {limitKb} && exec dotnet build '{project}' -nr:false -v:m" },
                p.Root, environment, TimeSpan.FromMinutes(5));
            r.Builds++;
            r.Faults++;
            _log.WriteLine(limited.ToString());

            // Without SparkShip's SIGXFSZ handler the kernel killed the whole build here (exit 153, no message).
            Assert.NotEqual(128 + 25, limited.ExitCode);
            Assert.NotEqual(0, limited.ExitCode);
            var errors = RobustProjects.ErrorLines(limited.Output);
            var error = Assert.Single(errors, e => e.Contains("SSHIP0006"));
            Assert.Matches(@"spark-bundle/App\.app-[0-9a-f]{16}\.zip", error);
            Assert.Contains("too large", error);
            Assert.Empty(RobustProjects.SparkShipCrashes(limited.Output));
            r.Outcome("the build failed with SSHIP0006 naming the new app archive (\"too large for the file system or for the file-size limit\")");

            AssertPreviousBundleKept(r, good, bundle, user, p.PathOf("App"), "previous archives byte-identical, no partial archive or temporary file left");

            AssertNextBuildRecovers(r, p, bundle, user, "the next build without the limit succeeded");
            RobustProjects.DeleteTree(p);
        });

    [Fact]
    public void A_read_only_bundle_folder_is_a_coded_error_and_the_previous_archives_stay() => RobustnessReport.Run(
        "Starvation", "Read-only output folder (spark-bundle/ made unwritable even for root)", r =>
        {
            var p = RobustProjects.BigApp("readonly", files: 4, fileKb: 256, depsKb: 256);
            var bundle = p.PathOf("App/bin/Debug/net8.0/spark-bundle");
            var user = UserFiles.Plant(p.PathOf("App"), "App");

            p.Build("App/App.csproj").AssertSuccess();
            r.Builds++;
            var good = RobustProjects.Snapshot(bundle, user.BundleFolderNames);

            RobustProjects.Mutate(p, 1, source: false, deps: false);
            var readOnly = ReadOnlyFolder.Make(bundle);
            if (readOnly.Undo is null) { RobustnessReport.NotRun(r, readOnly.How); return; }
            r.FaultsText = $"1 build into a folder made read-only with {readOnly.How}";
            BuildResult failed;
            try
            {
                failed = p.Build("App/App.csproj");
                r.Builds++;
                r.Faults++;
            }
            finally
            {
                readOnly.Undo();
            }

            failed.AssertFailure();
            var error = Assert.Single(failed.Diagnostics("SSHIP0006"));
            Assert.Matches(@"spark-bundle/App\.app-[0-9a-f]{16}\.zip", error);
            Assert.Matches("(denied|not permitted|Read-only file system)", error);
            Assert.Empty(RobustProjects.SparkShipCrashes(failed.Output));
            r.Outcome($"SSHIP0006 naming the new app archive and the cause (\"{Cause(error)}\")");

            AssertPreviousBundleKept(r, good, bundle, user, p.PathOf("App"), "previous archives byte-identical");

            AssertNextBuildRecovers(r, p, bundle, user, "writable again: the next build succeeded");
        });

    [Fact]
    public void A_read_only_output_volume_keeps_a_current_bundle_and_refuses_a_new_one_with_a_coded_error() => RobustnessReport.Run(
        "Starvation", "Read-only output volume (spark-bundle/ a read-only bind mount): a build with nothing new to write, then one with a new app layer", r =>
        {
            var p = RobustProjects.BigApp("readonly-volume", files: 4, fileKb: 256, depsKb: 256);
            var bundle = p.PathOf("App/bin/Debug/net8.0/spark-bundle");
            var user = UserFiles.Plant(p.PathOf("App"), "App");
            p.Build("App/App.csproj").AssertSuccess();
            r.Builds++;
            var good = RobustProjects.Snapshot(bundle, user.BundleFolderNames);

            var quoted = $"'{bundle}'";
            var mount = Sh($"mount --bind {quoted} {quoted} && mount -o remount,ro,bind {quoted}");
            if (mount.ExitCode != 0)
            {
                Sh($"umount {quoted}");
                RobustnessReport.NotRun(r, "a read-only bind mount is not permitted here: " + mount.Output.Trim());
                return;
            }
            r.FaultsText = "2 builds onto a read-only volume (EROFS)";
            BuildResult current, failed;
            try
            {
                // Same bytes, newer time: WriteSparkBundle runs, finds both archives under their names, writes nothing.
                File.SetLastWriteTimeUtc(p.PathOf("App/big/changing.bin"), DateTime.UtcNow);
                current = p.Build("App/App.csproj");
                RobustProjects.Mutate(p, 1, source: false, deps: false);
                failed = p.Build("App/App.csproj");
                r.Builds += 2;
                r.Faults += 2;
            }
            finally
            {
                if (Sh($"umount {quoted}").ExitCode != 0) Sh($"umount -l {quoted}");
            }

            // Before the fix, refreshing the unchanged archives' time failed this build (SSHIP0006 naming the folder).
            current.AssertSuccess();
            Assert.Empty(current.Diagnostics("SSHIP0006"));
            r.Outcome("nothing new to write: the build succeeded (archives that exist are never touched)");
            failed.AssertFailure();
            var error = Assert.Single(failed.Diagnostics("SSHIP0006"));
            Assert.Matches(@"spark-bundle/App\.app-[0-9a-f]{16}\.zip", error);
            Assert.Contains("Read-only file system", error);
            Assert.Empty(RobustProjects.SparkShipCrashes(failed.Output));
            r.Outcome($"a new app layer: SSHIP0006 naming the new app archive and the cause (\"{Cause(error)}\")");

            AssertPreviousBundleKept(r, good, bundle, user, p.PathOf("App"), "previous archives byte-identical");
            AssertNextBuildRecovers(r, p, bundle, user, "writable again: the next build succeeded");
        });

    [Fact]
    public void A_full_output_volume_is_a_coded_error_and_the_previous_archives_stay() => RobustnessReport.Run(
        "Starvation", "Full output volume (spark-bundle/ on a tmpfs shrunk to what the previous bundle uses + 1 MB)", r =>
        {
            var p = RobustProjects.BigApp("fullvolume", files: 8, fileKb: 1024, depsKb: 512);
            var bundle = p.PathOf("App/bin/Debug/net8.0/spark-bundle");
            Directory.CreateDirectory(bundle);
            var mount = Sh($"mount -t tmpfs -o size=64m sparkship-full '{bundle}'");
            if (mount.ExitCode != 0) { RobustnessReport.NotRun(r, "cannot mount a tmpfs here: " + mount.Output.Trim()); return; }
            try
            {
                var user = UserFiles.Plant(p.PathOf("App"), "App"); // after the mount: its spark-bundle/ files live on the tmpfs
                r.FaultsText = "1 build onto a full volume (ENOSPC)";
                p.Build("App/App.csproj").AssertSuccess();
                r.Builds++;
                var good = RobustProjects.Snapshot(bundle, user.BundleFolderNames);

                var usedKb = long.Parse(Sh($"df -k --output=used '{bundle}' | tail -1").Output.Trim());
                Assert.Equal(0, Sh($"mount -o remount,size={usedKb + 1024}k '{bundle}'").ExitCode);
                RobustProjects.Mutate(p, 1, source: false, deps: false);
                var failed = p.Build("App/App.csproj");
                r.Builds++;
                r.Faults++;

                failed.AssertFailure();
                var error = Assert.Single(failed.Diagnostics("SSHIP0006"));
                Assert.Matches(@"spark-bundle/App\.app-[0-9a-f]{16}\.zip", error);
                Assert.Contains("No space left on device", error);
                Assert.Empty(RobustProjects.SparkShipCrashes(failed.Output));
                r.Outcome($"SSHIP0006 naming the new app archive and the cause (\"{Cause(error)}\")");
                AssertPreviousBundleKept(r, good, bundle, user, bundle, "previous archives byte-identical, the partial temporary file removed");

                Assert.Equal(0, Sh($"mount -o remount,size=64m '{bundle}'").ExitCode);
                AssertNextBuildRecovers(r, p, bundle, user, "space freed: the next build succeeded");
            }
            finally
            {
                if (Sh($"umount '{bundle}'").ExitCode != 0) Sh($"umount -l '{bundle}'");
            }
        });

    /// <summary>The unreadable-input cases: how the input is broken, and when (before identify, or between identify and bundle).</summary>
    public static readonly (string Case, string Fault, string Input)[] UnreadableCases =
    {
        ("an app-layer input deleted between identify and bundle", "vanish-app", "inputs/app-input.txt"),
        ("a deps-layer input deleted between identify and bundle", "vanish-deps", "inputs/deps-input.txt"),
        ("an app-layer input replaced by a named pipe between identify and bundle", "fifo-app", "inputs/app-input.txt"),
        ("a deps-layer input replaced by a named pipe between identify and bundle", "fifo-deps", "inputs/deps-input.txt"),
        ("an input that is a named pipe from the start", "fifo-before", "inputs/app-input.txt"),
        ("an input that is a directory", "directory-before", "inputs/app-input.txt"),
    };

    [Fact]
    public void An_unreadable_input_is_a_coded_error_naming_it_and_the_previous_archives_stay() => RobustnessReport.Run(
        "Starvation", $"Unreadable input ({UnreadableCases.Length} cases, as root, where permissions do not stop reads): " + string.Join("; ", UnreadableCases.Select(c => c.Case)), r =>
        {
            var p = RobustProjects.BigApp("unreadable", files: 2, fileKb: 64, depsKb: 64, extraItems: """
                <SparkBundleInclude Include="inputs/app-input.txt" ArchivePath="conf/app-input.txt" />
                <SparkBundleInclude Include="inputs/deps-input.txt" ArchivePath="conf/deps-input.txt" Layer="deps" />
                """, extraTargets: """
                <!-- Test-only fault injection between identify (ComputeSparkBundle) and bundle (WriteSparkBundle). -->
                <Target Name="InjectFault" BeforeTargets="WriteSparkBundle" Condition="'$(Fault)' != ''">
                  <Delete Files="inputs/app-input.txt" Condition="'$(Fault)' == 'vanish-app'" />
                  <Delete Files="inputs/deps-input.txt" Condition="'$(Fault)' == 'vanish-deps'" />
                  <Exec Command="rm -f inputs/app-input.txt &amp;&amp; mkfifo inputs/app-input.txt" Condition="'$(Fault)' == 'fifo-app'" />
                  <Exec Command="rm -f inputs/deps-input.txt &amp;&amp; mkfifo inputs/deps-input.txt" Condition="'$(Fault)' == 'fifo-deps'" />
                </Target>
                """);
            var bundle = p.PathOf("App/bin/Debug/net8.0/spark-bundle");
            var user = UserFiles.Plant(p.PathOf("App"), "App");
            r.FaultsText = $"{UnreadableCases.Length} builds, one unreadable input each";
            int round = 0;
            ResetInputs(p, round);
            p.Build("App/App.csproj").AssertSuccess();
            r.Builds++;

            foreach (var (what, fault, input) in UnreadableCases)
            {
                var good = RobustProjects.Snapshot(bundle, user.BundleFolderNames);
                ResetInputs(p, ++round); // new bytes in both layers: the build would write two new archives
                RobustProjects.Mutate(p, round, source: false, deps: false);
                var path = p.PathOf("App/" + input);
                if (fault == "fifo-before") { File.Delete(path); Assert.Equal(0, Sh($"mkfifo '{path}'").ExitCode); }
                if (fault == "directory-before") { File.Delete(path); Directory.CreateDirectory(path); }

                // A build that hangs (a named pipe opened for reading) must fail the test, not block the suite.
                var failed = BuildWithin(p, TimeSpan.FromMinutes(2), "-p:Fault=" + fault);
                r.Builds++;
                r.Faults++;
                failed.AssertFailure();
                Assert.Empty(RobustProjects.SparkShipCrashes(failed.Output));
                var errors = failed.Diagnostics("SSHIP0007");
                var error = Assert.Single(errors);
                Assert.Contains(path, error);
                Assert.Empty(failed.Diagnostics("SSHIP0006"));
                // BuildResult.Diagnostics gives "<location>: <text>"; the location should be the input itself.
                var location = error[..error.IndexOf(": Could not", StringComparison.Ordinal)];
                r.Outcome($"{what}: SSHIP0007 naming it (\"{Cause(error)}\")" + (location == path ? "" : $", reported at location '{location}'"));

                Assert.Empty(RobustProjects.ChangedSince(good, bundle));
                Assert.Empty(RobustProjects.TempFiles(p.PathOf("App")));
                Assert.True(r.Audited(ArchiveAudit.Folder(bundle, user.BundleFolderNames)).Ok);
                if (Directory.Exists(path)) Directory.Delete(path);
            }
            r.Outcome("every time the previous archives stayed byte-identical and no temporary file was left");

            ResetInputs(p, ++round);
            p.Build("App/App.csproj").AssertSuccess();
            r.Builds++;
            Assert.True(r.Audited(ArchiveAudit.Folder(bundle, user.BundleFolderNames, unzip: 64 << 20)).Ok);
            r.Outcome("inputs readable again: the next build succeeded");
            r.UserFiles(user);
            Assert.Empty(user.Describe());
        });

    private static void ResetInputs(TestProject p, int round)
    {
        foreach (var name in new[] { "app-input.txt", "deps-input.txt" })
        {
            var path = p.PathOf("App/inputs/" + name);
            if (Directory.Exists(path)) Directory.Delete(path);
            if (File.Exists(path)) File.Delete(path); // also a named pipe left by the previous case
            RobustProjects.WriteBytes(path, System.Text.Encoding.UTF8.GetBytes($"{name} round {round}\n"));
        }
    }

    private static BuildResult BuildWithin(TestProject p, TimeSpan limit, params string[] args)
    {
        var binlog = p.PathOf($"logs/starvation-{Guid.NewGuid():N}.binlog");
        Directory.CreateDirectory(Path.GetDirectoryName(binlog)!);
        var all = new List<string> { "build", p.PathOf("App/App.csproj"), "-bl:" + binlog, "-nr:false", "-v:n" };
        all.AddRange(args);
        return new BuildResult(ProcessRunner.Run("dotnet", all, p.Root, p.Env.ChildEnvironment(), limit), binlog);
    }

    /// <summary>The system's reason inside a diagnostic's text (after the file name), shortened for the report.</summary>
    /// <summary>After a refused build: the previous archives byte-identical and clean, no temporary file under <paramref name="tempRoot"/>.</summary>
    private static void AssertPreviousBundleKept(ScenarioRecord r, Dictionary<string, byte[]> good, string bundle, UserFiles user, string tempRoot, string outcome)
    {
        Assert.Empty(RobustProjects.ChangedSince(good, bundle));
        Assert.Empty(RobustProjects.TempFiles(tempRoot));
        Assert.True(r.Audited(ArchiveAudit.Folder(bundle, user.BundleFolderNames)).Ok);
        r.Outcome(outcome);
    }

    /// <summary>With the fault gone, the next build succeeds with a clean bundle, and no user file was touched.</summary>
    private static void AssertNextBuildRecovers(ScenarioRecord r, TestProject p, string bundle, UserFiles user, string outcome)
    {
        p.Build("App/App.csproj").AssertSuccess();
        r.Builds++;
        Assert.True(r.Audited(ArchiveAudit.Folder(bundle, user.BundleFolderNames)).Ok);
        r.Outcome(outcome);
        r.UserFiles(user);
        Assert.Empty(user.Describe());
    }

    internal static string Cause(string diagnostic)
    {
        var m = System.Text.RegularExpressions.Regex.Match(diagnostic, @"(?:Could not (?:write|read) '[^']*'(?:, which belongs in the Spark bundle)?: )(.*?)(?:\.\.?\s+(?:Nothing was left|Make the file)|$)");
        var text = m.Success ? m.Groups[1].Value : diagnostic;
        foreach (var root in new[] { TestEnvironment.Instance.RunRoot + "/" })
            text = text.Replace(root, "…/");
        return text.Length > 160 ? text[..160] + "…" : text;
    }

    internal static ProcessResult Sh(string command) =>
        ProcessRunner.Run("bash", new[] { "-c", command + " 2>&1" }, Path.GetTempPath(), timeout: TimeSpan.FromMinutes(1));

    /// <summary>Makes a folder refuse new files even for root: chmod (enough for other users), else chattr +i, else a read-only bind mount.</summary>
    private static class ReadOnlyFolder
    {
        public static (string How, Action? Undo) Make(string folder)
        {
            var quoted = $"'{folder}'";
            if (!IsRoot)
            {
                Sh($"chmod a-w {quoted}");
                if (Refuses(folder)) return ("chmod a-w", () => Sh($"chmod u+w {quoted}"));
                Sh($"chmod u+w {quoted}");
            }
            if (Sh($"chattr +i {quoted}").ExitCode == 0)
            {
                if (Refuses(folder)) return ("chattr +i (immutable; chmod does not stop root)", () => Sh($"chattr -i {quoted}"));
                Sh($"chattr -i {quoted}");
            }
            if (Sh($"mount --bind {quoted} {quoted} && mount -o remount,ro,bind {quoted}").ExitCode == 0)
            {
                if (Refuses(folder)) return ("a read-only bind mount", () => Sh($"umount {quoted}"));
                Sh($"umount {quoted}");
            }
            return ("no way to make a folder read-only here: not root, or neither chattr +i nor a read-only bind mount is permitted", null);
        }

        private static bool Refuses(string folder)
        {
            var probe = Path.Combine(folder, ".probe-" + Guid.NewGuid().ToString("N"));
            try { File.WriteAllText(probe, "x"); File.Delete(probe); return false; }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return true; }
        }
    }
}
