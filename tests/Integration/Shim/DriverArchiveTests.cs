using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Shim;

/// <summary>
/// The driver archive (issue 11): `dotnet publish` writes what DotnetRunner takes as its first argument in cluster
/// deploy modes, and a driver started from it the way DotnetRunner starts one (<see cref="DotnetRunnerHarness"/>,
/// which REPRODUCES DotnetRunner.scala's unzip, lookup, chmod and start; no Spark or JVM here) attaches the bundle
/// against the Microsoft.Spark stand-in (exact 2.3.1 signatures, simulated JVM).
/// </summary>
public class DriverArchiveTests
{
    private const string Rid = "linux-x64";

    [Fact]
    public void Publish_writes_a_content_addressed_driver_archive_that_a_driver_started_by_DotnetRunner_attaches_from()
    {
        var p = Scenarios.SparkDriverApp("driver-archive");
        var folder = p.PathOf($"App/bin/Release/net8.0/{Rid}/spark-driver");

        var first = p.Run("publish", "App/App.csproj", "-r", Rid, "--self-contained", "false").AssertSuccess();
        var archive = Assert.Single(Directory.GetFiles(folder));
        Assert.Matches(@"^App\.driver-[0-9a-f]{16}\.zip$", Path.GetFileName(archive));
        Assert.Contains("driver archive -> " + archive, first.Output);
        var entries = Bundle.Entries(archive);
        var bundle = new Bundle(p.PathOf($"App/bin/Release/net8.0/{Rid}/spark-bundle"));
        Assert.Contains("App", entries);                                  // the apphost DotnetRunner runs
        Assert.Contains("App.dll", entries);
        Assert.Contains("App.runtimeconfig.json", entries);
        Assert.Contains("App.deps.json", entries);
        Assert.Contains("Lib.dll", entries);
        Assert.Contains("spark-bundle/" + bundle.AppArchive, entries);     // the bundle, where the shim looks for it
        // The dependency files once: the publish holds each at its layer path (a publish for the cluster's runtime
        // flattens natives as the layer does), so the layer archive is left out and the driver archive stands in.
        Assert.DoesNotContain("spark-bundle/" + bundle.DependencyArchive, entries);
        var depsFiles = Bundle.Entries(bundle.PathOf(bundle.DependencyArchive!));
        Assert.Contains("libe_sqlite3.so", depsFiles);
        Assert.All(depsFiles, f => Assert.Contains(f, entries));
        Assert.DoesNotContain(entries, e => e.Contains("spark-driver"));
        var bytes = File.ReadAllBytes(archive);
        var stamp = File.GetLastWriteTimeUtc(archive);

        // Nothing changed: the same name, the file not rewritten, no temporary file left.
        Thread.Sleep(50);
        var again = p.Run("publish", "App/App.csproj", "-r", Rid, "--self-contained", "false").AssertSuccess();
        Assert.Equal(new[] { archive }, Directory.GetFiles(folder));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(archive));
        Assert.Contains("unchanged", again.Output);

        // DotnetRunner with the archive's path (standalone cluster mode: copied into the driver's working folder).
        var host = Path.Combine(p.Root, "driver-host");
        var run = DriverRun.From(DotnetRunnerHarness.Run(new[] { archive, "App", "session" }, host,
            new Dictionary<string, string> { ["spark.master"] = "yarn" }, Path.Combine(p.Root, "cache")));
        Assert.True(run.Process.ExitCode == 0, run.Process.ToString());
        // The shim found and checked the bundle next to the unpacked app (a missing one is SSHIP1001, exit 3).
        Assert.True(File.Exists(Path.Combine(host, Path.GetFileNameWithoutExtension(archive), "spark-bundle", bundle.AppArchive)));
        string app = bundle.AppArchive[..^4], driver = Path.GetFileNameWithoutExtension(archive);
        var archives = run["ARCHIVES"].Split(',');
        Assert.Equal(2, archives.Length);
        Assert.EndsWith($"/{bundle.AppArchive}#{app}", archives[0]);
        Assert.EndsWith($"/{driver}.zip#{driver}", archives[1]);   // the zip DotnetRunner unpacked, served by the driver
        Assert.Equal($"./{app},./{driver}", run["UDFENV"]);
        Assert.Equal("0", run["ADDARCHIVE"]);

        // An executor unpacks what the driver registered (the app layer, the driver archive) into ./<alias> and the
        // worker's lookup rules (WorkerHarness) find the UDF, its packages and SQLite's native library in them.
        var executor = Directory.CreateDirectory(Path.Combine(p.Root, "executor-1")).FullName;
        FakeWorkerRelease.UnpackAsExecutor(executor, archives, new[] { Path.Combine(host, driver, "spark-bundle", bundle.AppArchive), Path.Combine(host, driver + ".zip") });
        var udf = Harness.Run(p, run["UDFENV"], "Lib.dll", "Lib.TextUdfs", "Describe", "hello_world", cwd: executor);
        Assert.True(udf.ExitCode == 0, udf.ToString());
        Assert.Contains("RESULT: Hello World|sqlite3|v1", udf.Output);

        // A code edit: a new name; the earlier archive is kept (SparkBundleRetainCount) and listed for clean.
        p.Edit("Lib/TextUdfs.cs", "\"|v1\"", "\"|v2\"");
        p.Run("publish", "App/App.csproj", "-r", Rid, "--self-contained", "false").AssertSuccess();
        var names = Directory.GetFiles(folder).Select(Path.GetFileName).ToList();
        Assert.Equal(2, names.Count);
        Assert.Contains(Path.GetFileName(archive), names);
        Assert.Equal(bytes, File.ReadAllBytes(archive));

        // dotnet clean removes what publish wrote there, and nothing else.
        File.WriteAllText(Path.Combine(folder, "mine.txt"), "not SparkShip's");
        p.Run("clean", "App/App.csproj", "-c", "Release", "-r", Rid).AssertSuccess();
        Assert.Equal(new[] { "mine.txt" }, Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_publish_whose_apphost_is_not_for_the_cluster_writes_no_driver_archive_and_says_so()
    {
        var p = Scenarios.SparkDriverApp("driver-archive-rid", extraAppProperties: "<SparkClusterRuntimeIdentifier>linux-arm64</SparkClusterRuntimeIdentifier>");

        // A publish for a runtime identifier asked for a deployable app: the missing driver archive is a warning.
        var forRid = p.Run("publish", "App/App.csproj", "-r", Rid, "--self-contained", "false").AssertSuccess();
        Assert.Single(forRid.Diagnostics("SSHIP0018"));
        Assert.False(Directory.Exists(p.PathOf($"App/bin/Release/net8.0/{Rid}/spark-driver")));

        // A portable publish (every publish on a developer's Windows or macOS machine) is told in the log, not warned.
        var portable = p.Run("publish", "App/App.csproj").AssertSuccess();
        Assert.Empty(portable.Diagnostics("SSHIP0018"));
        Assert.Contains("SparkShip: No driver archive was written for this publish", portable.Output);
        Assert.False(Directory.Exists(p.PathOf("App/bin/Release/net8.0/spark-driver")));
    }

    // The printed cluster-mode command, run as printed where that is reproducible here: YARN's --files are
    // localized into the application master's working folder (copied there), a SparkDeployBaseUri is "downloaded"
    // from a local folder standing for the bucket; then DotnetRunner's arguments go to the harness.
    [Theory]
    [InlineData("yarn", "")]
    [InlineData("spark://master:7077", "")]
    [InlineData("yarn", "hdfs:///apps/driver")]
    [InlineData("spark://master:7077", "hdfs:///apps/driver")]
    [InlineData("k8s://https://k8s:6443", "s3a://bucket/apps/")]
    public void The_cluster_mode_command_names_the_driver_archive_and_the_apphost_and_runs_as_printed(string master, string baseUri)
    {
        var p = Scenarios.SparkDriverApp("driver-submit-" + new string(master.Where(char.IsLetter).ToArray()) + (baseUri.Length > 0 ? "-uri" : ""));
        var args = new List<string> { "-t:SparkSubmitCommand", "-p:SparkMaster=" + master, "-p:SparkDeployMode=cluster", "-p:SparkSubmitAppArguments=session" };
        if (baseUri.Length > 0) args.Add("-p:SparkDeployBaseUri=" + baseUri);

        var build = p.Build("App/App.csproj", args.ToArray()).AssertSuccess();

        var archive = Assert.Single(Directory.GetFiles(p.PathOf("App/bin/Debug/net8.0/spark-driver")));
        var name = Path.GetFileName(archive);
        var output = build.Output;
        var command = PrintedCommand.In(output);
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        int jarAt = words.FindIndex(w => w.Contains("microsoft-spark-3-5_2.12-2.3.1.jar"));
        Assert.True(jarAt > 0, command);
        var runnerArgs = words.Skip(jarAt + 1).ToList();
        Assert.Equal("App", runnerArgs[1]);
        Assert.Equal("session", runnerArgs[2]);
        Assert.DoesNotContain("<", command);                                  // nothing left to fill in
        Assert.DoesNotContain("dotnet ", command);
        var host = Path.Combine(p.Root, "driver-host");
        Directory.CreateDirectory(host);
        var bucket = Path.Combine(p.Root, "bucket");
        if (baseUri.Length > 0)
        {
            Assert.Equal(baseUri.TrimEnd('/') + "/" + name, runnerArgs[0]);
            Assert.DoesNotContain("--files", command);
            Assert.Contains($"# upload to {baseUri}: {archive}", output);
            if (master.StartsWith("k8s")) Assert.StartsWith(baseUri.TrimEnd('/') + "/microsoft-spark-", words[jarAt]);
            Directory.CreateDirectory(bucket);
            File.Copy(archive, Path.Combine(bucket, name));                  // what the user uploads
        }
        else if (master == "yarn")
        {
            Assert.Equal(name, runnerArgs[0]);
            Assert.Equal(archive, words[words.IndexOf("--files") + 1]);
            File.Copy(archive, Path.Combine(host, name));                    // YARN localizes --files there
            Assert.Empty(build.Diagnostics("SSHIP0019"));
        }
        else
        {
            Assert.Equal(archive, runnerArgs[0]);
            Assert.Single(build.Diagnostics("SSHIP0019"));                  // only where the driver's host sees the path
        }

        var run = DriverRun.From(DotnetRunnerHarness.Run(runnerArgs, host, new Dictionary<string, string> { ["spark.master"] = master },
            Path.Combine(p.Root, "cache"), uri => Path.Combine(bucket, Path.GetFileName(new Uri(uri).AbsolutePath))));
        Assert.True(run.Process.ExitCode == 0, run.Process.ToString());
        // This publish is portable (the build's own, no -r): SQLite's native library is under runtimes/linux-x64/native/
        // for the driver, and added at the root, its layer path, for the executors; the layer archive is left out.
        var entries = Bundle.Entries(archive);
        var app = Assert.Single(entries, e => e.StartsWith("spark-bundle/"))["spark-bundle/".Length..];
        Assert.Contains("runtimes/linux-x64/native/libe_sqlite3.so", entries);
        Assert.Contains("libe_sqlite3.so", entries);
        Assert.True(File.Exists(Path.Combine(host, name[..^4], "spark-bundle", app)));   // unpacked as DotnetRunner does
        var archives = run["ARCHIVES"].Split(',');
        Assert.Equal(new[] { $"/{app}#{app[..^4]}", $"/{name}#{name[..^4]}" }, archives.Select(a => a[a.LastIndexOf('/')..]));
    }

    // SparkWorkerArchive in cluster deploy mode: the build checked a file on this machine, which the cluster's driver
    // host does not have. The printed command ships it (--archives: YARN localizes it into every container; on
    // Kubernetes it is named under SparkDeployBaseUri, uploaded with the driver archive), and the shim in the driver
    // finds it among the submission's archives: not registered again, DOTNET_WORKER_DIR pointed into it.
    [Theory]
    [InlineData("yarn", "")]
    [InlineData("k8s://https://k8s:6443", "s3a://bucket/apps/")]
    public void A_cluster_mode_command_ships_the_worker_archive_and_the_UDFs_run_in_the_worker_it_brought(string master, string baseUri)
    {
        const string release = "Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz", alias = "Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1";
        var p = Scenarios.SparkDriverApp("driver-worker-" + new string(master.Where(char.IsLetter).ToArray()),
            extraAppProperties: $"<SparkWorkerArchive>../downloads/{release}</SparkWorkerArchive>");
        FakeWorkerRelease.Write(p.PathOf("downloads"), "2.3.1", ".tar.gz");
        var local = p.PathOf("downloads/" + release);
        var args = new List<string> { "-t:SparkSubmitCommand", "-p:SparkMaster=" + master, "-p:SparkDeployMode=cluster", "-p:SparkSubmitAppArguments=session" };
        if (baseUri.Length > 0) args.Add("-p:SparkDeployBaseUri=" + baseUri);

        var build = p.Build("App/App.csproj", args.ToArray()).AssertSuccess();

        var archive = Assert.Single(Directory.GetFiles(p.PathOf("App/bin/Debug/net8.0/spark-driver")));
        var name = Path.GetFileName(archive);
        var command = PrintedCommand.In(build.Output);
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var shipped = words[words.IndexOf("--archives") + 1];
        var runnerArgs = words.Skip(words.FindIndex(w => w.Contains("microsoft-spark-3-5_2.12-2.3.1.jar")) + 1).ToList();
        var host = Directory.CreateDirectory(Path.Combine(p.Root, "driver-host")).FullName;
        var bucket = Directory.CreateDirectory(Path.Combine(p.Root, "bucket")).FullName;
        Dictionary<string, string> properties;
        if (baseUri.Length > 0)
        {
            Assert.Equal($"{baseUri}{release}#{alias}", shipped);
            Assert.Contains($"# upload to {baseUri}: {archive}", build.Output);
            Assert.Contains(local, build.Output.Split('\n').Single(l => l.Contains("# upload to")));   // on the upload line too
            File.Copy(archive, Path.Combine(bucket, name));
            properties = new() { ["spark.master"] = master, ["spark.archives"] = shipped };
        }
        else
        {
            Assert.Equal($"{new Uri(local).AbsoluteUri}#{alias}", shipped);   // spark-submit uploads it with the job
            File.Copy(archive, Path.Combine(host, name));                      // --files, localized by YARN
            properties = new() { ["spark.master"] = master, ["spark.yarn.dist.archives"] = shipped };
        }
        Assert.DoesNotContain("DOTNET_WORKER_DIR", command);   // the shim sets it in the driver
        // The driver's host does not have this machine's download.
        var elsewhere = Directory.CreateDirectory(Path.Combine(p.Root, "cluster-storage")).FullName;
        File.Move(local, Path.Combine(elsewhere, release));

        var run = DriverRun.From(DotnetRunnerHarness.Run(runnerArgs, host, properties, Path.Combine(p.Root, "cache"),
            uri => Path.Combine(bucket, Path.GetFileName(new Uri(uri).AbsolutePath))));

        Assert.True(run.Process.ExitCode == 0, run.Process.ToString());
        Assert.Equal($"./{alias}/Microsoft.Spark.Worker-2.3.1", run["WORKERDIR"]);
        var registered = run["ARCHIVES"].Split(',');
        Assert.Equal(baseUri.Length > 0 ? 1 : 0, registered.Count(a => a.EndsWith("#" + alias)));   // never twice
        var ours = registered.Where(a => !a.EndsWith("#" + alias)).ToList();
        Assert.Equal(2, ours.Count);   // the app layer and the driver archive (the dependency files once)

        // An executor: the cluster manager unpacked the worker archive, Spark the driver's archives; the driver's
        // relative worker path resolves to the executable the archive brought, which runs the UDF.
        var executor = Directory.CreateDirectory(Path.Combine(p.Root, "executor-1")).FullName;
        var app = ours[0][(ours[0].LastIndexOf('/') + 1)..ours[0].IndexOf('#')];
        FakeWorkerRelease.UnpackAsExecutor(executor, ours.Append(shipped),
            new[] { Path.Combine(host, name[..^4], "spark-bundle", app), Path.Combine(host, name), Path.Combine(elsewhere, release) });
        var udf = Harness.RunInWorker(Path.Combine(executor, run["WORKEREXE"]), run["UDFENV"], executor);
        Assert.True(udf.ExitCode == 0, udf.ToString());
        Assert.Contains("RESULT: Hello World|sqlite3|v1", udf.Output);
    }

    [Fact]
    public void A_deploy_base_uri_that_DotnetRunner_cannot_download_from_is_refused()
    {
        var p = Scenarios.SparkDriverApp("driver-submit-bad-uri");

        var build = p.Build("App/App.csproj", "-t:SparkSubmitCommand", "-p:SparkMaster=yarn", "-p:SparkDeployMode=cluster", "-p:SparkDeployBaseUri=file:///shared/apps");

        build.AssertFailure();
        Assert.Contains(build.Diagnostics("SSHIP0009"), d => d.Contains("SparkDeployBaseUri"));
    }
}
