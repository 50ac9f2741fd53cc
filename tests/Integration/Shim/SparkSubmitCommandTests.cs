using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Shim;

public class SparkSubmitCommandTests
{
    [Fact]
    public void The_target_prints_the_command_with_the_bundle_only_when_the_zero_code_path_is_off()
    {
        var p = Scenarios.SparkDriverApp();

        var zeroCode = p.Build("App/App.csproj", "-t:SparkSubmitCommand", "-p:SparkMaster=yarn", "-p:SparkDeployMode=client", "-p:SparkVersion=3.5.1").AssertSuccess();
        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        var command = PrintedCommand.In(zeroCode.Output);
        Assert.StartsWith("spark-submit", command);
        Assert.Contains("--class org.apache.spark.deploy.dotnet.DotnetRunner", command);
        Assert.Contains("--master yarn", command);
        Assert.Contains("--deploy-mode client", command);
        Assert.Contains("microsoft-spark-3-5_2.12-2.3.1.jar", command);   // the stand-in reports Microsoft.Spark 2.3.1
        Assert.Contains("dotnet " + p.PathOf("App/bin/Debug/net8.0/App.dll"), command);
        Assert.DoesNotContain("--archives", command);                     // the shim attaches the bundle itself

        var manual = p.Build("App/App.csproj", "-t:SparkSubmitCommand", "-p:SparkMaster=yarn", "-p:SparkDeployMode=cluster", "-p:SparkShipAutoAttach=false").AssertSuccess();
        command = PrintedCommand.In(manual.Output);
        // Turning the automatic attach off changes what is compiled into the app, so the app layer has a new name.
        var generated = p.Read("App/obj/Debug/net8.0/SparkBundle.g.cs");
        var appArchive = new Bundle(bundle.Folder).Archives.Single(a => generated.Contains($"AppArchive = \"{a}\""));
        Assert.NotEqual(bundle.AppArchive, appArchive);
        string app = appArchive[..^4], deps = bundle.DependencyArchive![..^4];
        Assert.Contains($"--archives file://{bundle.PathOf(appArchive)}#{app},file://{bundle.PathOf(bundle.DependencyArchive!)}#{deps}", command);
        Assert.Contains($"--conf spark.yarn.appMasterEnv.DOTNET_ASSEMBLY_SEARCH_PATHS=./{app},./{deps}", command);
    }

    [Theory]
    [InlineData("sln")]
    [InlineData("slnx")]
    public void The_property_prints_the_command_from_the_solution_folder_where_the_target_cannot(string format)
    {
        // A target named on the command line is asked of every project of a solution, and Lib (no SparkShip)
        // has none: MSB4057. The property is ignored where nobody reads it, so this is the solution-folder command.
        var p = Scenarios.SparkDriverApp("solution-" + format);
        Assert.Equal(0, p.Env.Dotnet(p.Root, "new", "sln", "-n", "Jobs", "--format", format).ExitCode);
        Assert.Equal(0, p.Env.Dotnet(p.Root, "sln", "Jobs." + format, "add", "App/App.csproj", "Lib/Lib.csproj").ExitCode);

        // Exactly what a user types next to the solution: no project argument.
        var build = p.Env.Dotnet(p.Root, "build", "-p:SparkSubmitCommand=true", "-p:SparkMaster=yarn", "-nr:false", "-tl:off");

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.DoesNotContain("MSB4057", build.Output);
        var command = PrintedCommand.In(build.Output);
        Assert.Contains("--master yarn", command);
        Assert.Contains("dotnet " + p.PathOf("App/bin/Debug/net8.0/App.dll"), command);
        Assert.Single(build.Output.Split('\n'), l => l.TrimStart().StartsWith("spark-submit"));   // the app's, not the library's
        Assert.True(File.Exists(p.PathOf("Lib/bin/Debug/net8.0/Lib.dll")));                       // and the library built
    }

    [Fact]
    public void The_target_prints_one_command_per_target_framework_of_a_multi_targeted_app()
    {
        var p = Scenarios.MultiTargetedApp("submit-multitarget");

        var build = p.Build("App/App.csproj", "-t:SparkSubmitCommand").AssertSuccess();

        var commands = build.Output.Split('\n').Where(l => l.TrimStart().StartsWith("spark-submit")).ToList();
        Assert.Equal(2, commands.Count);
        Assert.Contains("dotnet " + p.PathOf("App/bin/Debug/net8.0/App.dll"), build.Output);
        Assert.Contains("dotnet " + p.PathOf("App/bin/Debug/net472/App.exe"), build.Output);
    }

    // "Runs as printed", without Spark: what the printed command gives the worker is reproduced. --archives values
    // are unpacked the way Spark unpacks spark.archives (each into <SparkFiles root>/<alias>, an executor's working
    // folder); the driver's DOTNET_ASSEMBLY_SEARCH_PATHS (spark-submit's environment, or the --conf the command names
    // for that driver) reaches every UDF (spark-facts §2); tests/Assets/WorkerHarness REPRODUCES the worker's lookup.
    [Theory]
    [InlineData("local[*]", "client")]
    [InlineData("local[2]", "client")]
    [InlineData("spark://master:7077", "client")]
    [InlineData("yarn", "client")]
    [InlineData("yarn", "cluster")]
    [InlineData("k8s://https://k8s:6443", "client")]
    public void With_the_automatic_attach_off_the_printed_command_carries_the_bundle_to_the_worker(string master, string mode)
    {
        var p = Scenarios.SparkDriverApp("manual-" + new string(master.Where(char.IsLetterOrDigit).ToArray()) + "-" + mode,
            extraAppProperties: "<SparkShipAutoAttach>false</SparkShipAutoAttach>");

        var build = p.Build("App/App.csproj", "-t:SparkSubmitCommand", "-p:SparkMaster=" + master, "-p:SparkDeployMode=" + mode).AssertSuccess();
        var command = PrintedCommand.In(build.Output);

        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('\'')).ToList();
        const string variable = "DOTNET_ASSEMBLY_SEARCH_PATHS=";
        var searchPath = words.Select(w => w.Contains(variable) ? w.Substring(w.IndexOf(variable) + variable.Length) : null).Single(w => w != null)!;
        var executor = Directory.CreateDirectory(Path.Combine(p.Root, "executor")).FullName;
        int archivesAt = words.IndexOf("--archives");
        if (master.StartsWith("local"))
        {
            Assert.Equal(-1, archivesAt);   // local executors never run in the SparkFiles root: absolute flat folders
            Assert.All(searchPath.Split(','), f => Assert.True(Path.IsPathRooted(f) && Directory.Exists(f), f));
        }
        else
        {
            foreach (var spec in words[archivesAt + 1].Split(','))
            {
                var (uri, alias) = (spec[..spec.IndexOf('#')], spec[(spec.IndexOf('#') + 1)..]);
                System.IO.Compression.ZipFile.ExtractToDirectory(new Uri(uri).LocalPath, Path.Combine(executor, alias));
            }
        }

        var udf = ProcessRunner.Run("dotnet",
            new[] { p.Env.WorkerHarness, "--assembly-file", "Lib.dll", "--type", "Lib.TextUdfs", "--method", "Describe", "--input", "hello_world" },
            executor, new Dictionary<string, string?> { ["DOTNET_ASSEMBLY_SEARCH_PATHS"] = searchPath, ["DOTNET_ROLL_FORWARD"] = "Major" },
            TimeSpan.FromMinutes(2));

        Assert.True(udf.ExitCode == 0, udf.ToString());
        Assert.Contains("RESULT: Hello World|sqlite3|v1", udf.Output);
    }

    // SparkWorkerArchive with the automatic attach off: what the shim would do, the command does. Cluster master: the
    // worker archive in --archives and DOTNET_WORKER_DIR relative to the executor's folder; local master: the archive
    // unpacked under obj/ (like the layers) and DOTNET_WORKER_DIR absolute. The UDF runs in the worker the command names.
    [Theory]
    [InlineData("local[*]")]
    [InlineData("yarn")]
    public void Without_the_shim_the_printed_command_carries_the_worker_archive_and_DOTNET_WORKER_DIR(string master)
    {
        const string release = "Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz", alias = "Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1";
        var p = Scenarios.SparkDriverApp("manual-worker-" + new string(master.Where(char.IsLetter).ToArray()),
            extraAppProperties: $"<SparkShipAutoAttach>false</SparkShipAutoAttach><SparkWorkerArchive>../downloads/{release}</SparkWorkerArchive>");
        FakeWorkerRelease.Write(p.PathOf("downloads"), "2.3.1", ".tar.gz");

        var build = p.Build("App/App.csproj", "-t:SparkSubmitCommand", "-p:SparkMaster=" + master).AssertSuccess();

        var words = PrintedCommand.In(build.Output).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('\'')).ToList();
        string Value(string variable) => words.Select(w => w.StartsWith(variable + "=") ? w[(variable.Length + 1)..] : null).Single(w => w != null)!;
        var searchPath = Value("DOTNET_ASSEMBLY_SEARCH_PATHS");
        var workerDir = Value("DOTNET_WORKER_DIR");
        var executor = Directory.CreateDirectory(Path.Combine(p.Root, "executor")).FullName;
        if (master.StartsWith("local"))
        {
            Assert.Equal(Path.Combine(p.PathOf("App/obj/Debug/net8.0/sparkship/local"), alias, "Microsoft.Spark.Worker-2.3.1"), workerDir);
            Assert.DoesNotContain("--archives", words);
        }
        else
        {
            Assert.Equal($"./{alias}/Microsoft.Spark.Worker-2.3.1", workerDir);
            var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
            FakeWorkerRelease.UnpackAsExecutor(executor, words[words.IndexOf("--archives") + 1].Split(','),
                bundle.Archives.Select(bundle.PathOf).Append(p.PathOf("downloads/" + release)));
        }

        var udf = Harness.RunInWorker(Path.Combine(executor, workerDir, "Microsoft.Spark.Worker"), searchPath, executor);
        Assert.True(udf.ExitCode == 0, udf.ToString());
        Assert.Contains("RESULT: Hello World|sqlite3|v1", udf.Output);
    }

    [Fact]
    public void A_local_masters_flat_copies_live_under_obj_and_only_the_kept_archives_keep_theirs()
    {
        var p = Scenarios.SparkDriverApp("manual-local-retention", extraAppProperties: "<SparkShipAutoAttach>false</SparkShipAutoAttach><SparkBundleRetainCount>1</SparkBundleRetainCount>");
        p.Build("App/App.csproj", "-t:SparkSubmitCommand").AssertSuccess();
        var local = p.PathOf("App/obj/Debug/net8.0/sparkship/local");
        var first = Directory.GetDirectories(local).Select(Path.GetFileName).ToList();
        Assert.Equal(2, first.Count);

        p.Edit("Lib/TextUdfs.cs", "\"|v1\"", "\"|v2\"");
        var build = p.Build("App/App.csproj", "-t:SparkSubmitCommand").AssertSuccess();

        var second = Directory.GetDirectories(local).Select(Path.GetFileName).ToList();
        Assert.Equal(2, second.Count);
        Assert.Single(second.Intersect(first));                   // the dependency layer did not change
        Assert.Contains(string.Join(",", second.OrderBy(n => n.Contains(".deps-")).Select(n => Path.Combine(local, n!))), PrintedCommand.In(build.Output));

        p.Run("clean", "App/App.csproj").AssertSuccess();
        Assert.Empty(Directory.Exists(local) ? Directory.EnumerateFiles(local, "*", SearchOption.AllDirectories) : Array.Empty<string>());
    }
}
