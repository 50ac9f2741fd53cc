using SparkShip.Tasks.Submit;
using Xunit;

namespace SparkShip.Sdk.Tests.Submit;

public class SparkSubmitCommandBuilderTests
{
    private static readonly string[] Archives = { "/b/spark-bundle/App.app-1.zip", "/b/spark-bundle/App.deps-2.zip" };

    [Theory]
    [InlineData("3.5", "2.3.1", "microsoft-spark-3-5_2.12-2.3.1.jar")]
    [InlineData("3.5.1", "2.3.1", "microsoft-spark-3-5_2.12-2.3.1.jar")]
    [InlineData("3.0", "2.1.1", "microsoft-spark-3-0_2.12-2.1.1.jar")]
    [InlineData("2.4", "2.1.1", "microsoft-spark-2-4_2.11-2.1.1.jar")]
    public void The_jar_matches_the_spark_version(string spark, string msSpark, string jar) =>
        Assert.Equal(jar, SparkSubmitCommandBuilder.JarName(spark, msSpark));

    [Theory]
    [InlineData("3")]
    [InlineData("x.y")]
    public void A_bad_spark_version_is_refused(string spark) =>
        Assert.Throws<ArgumentException>(() => SparkSubmitCommandBuilder.JarName(spark, "2.3.1"));

    // Every master and deploy mode: where the driver reads DOTNET_ASSEMBLY_SEARCH_PATHS from, when the bundle is
    // passed on the command line (zero-code off). null: the environment of spark-submit itself.
    [Theory]
    [InlineData("local[*]", "client", null, false)]
    [InlineData("spark://m:7077", "client", null, true)]
    [InlineData("spark://m:7077", "cluster", null, true)]
    [InlineData("yarn", "client", null, true)]
    [InlineData("yarn", "cluster", "spark.yarn.appMasterEnv.", true)]
    [InlineData("k8s://https://k:6443", "client", null, true)]
    [InlineData("k8s://https://k:6443", "cluster", "spark.kubernetes.driverEnv.", true)]
    [InlineData("mesos://m:5050", "cluster", "spark.mesos.driverEnv.", true)]
    public void With_archives_the_search_path_goes_where_that_driver_reads_its_environment(string master, string mode, string? conf, bool archives)
    {
        var command = SparkSubmitCommandBuilder.Build(Options(master, mode, includeArchives: true));

        Assert.Contains("--class org.apache.spark.deploy.dotnet.DotnetRunner", command);
        Assert.Contains("dotnet /b/App.dll", command);
        const string value = "DOTNET_ASSEMBLY_SEARCH_PATHS=./App.app-1,./App.deps-2";
        if (!archives)
        {
            // Local mode cannot use ./alias (the worker does not run in the SparkFiles root): the flat copies, by absolute path.
            Assert.DoesNotContain("--archives", command);
            Assert.DoesNotContain(value, command);
            Assert.StartsWith("DOTNET_ASSEMBLY_SEARCH_PATHS=/o/local/App.app-1,/o/local/App.deps-2 spark-submit", command);
            return;
        }
        Assert.Contains("--archives file:///b/spark-bundle/App.app-1.zip#App.app-1,file:///b/spark-bundle/App.deps-2.zip#App.deps-2", command);
        if (conf != null)
        {
            Assert.Contains("--conf " + conf + value, command);
            Assert.False(command.StartsWith(value, StringComparison.Ordinal));
        }
        else
        {
            Assert.StartsWith(value + " spark-submit", command);
        }
        Assert.Contains("--deploy-mode " + mode, command);
    }

    [Fact]
    public void The_zero_code_command_has_no_bundle_arguments()
    {
        var command = SparkSubmitCommandBuilder.Build(Options("yarn", "cluster", includeArchives: false));
        Assert.DoesNotContain("--archives", command);
        Assert.DoesNotContain("DOTNET_ASSEMBLY_SEARCH_PATHS", command);
        Assert.StartsWith("spark-submit \\\n  --class org.apache.spark.deploy.dotnet.DotnetRunner \\\n  --master yarn \\\n  --deploy-mode cluster", command);
    }

    [Fact]
    public void Arguments_are_quoted_for_the_shell_only_when_needed()
    {
        var o = Options("local[*]", "client", includeArchives: false);
        o.AppAssembly = "/my apps/App.dll";
        o.AppArguments = new[] { "in.txt", "it's" };
        var command = SparkSubmitCommandBuilder.Build(o);
        Assert.Contains("--master 'local[*]'", command);
        Assert.Contains("dotnet '/my apps/App.dll' in.txt 'it'\\''s'", command);
    }

    private static SparkSubmitOptions Options(string master, string mode, bool includeArchives) => new()
    {
        Master = master,
        DeployMode = mode,
        SparkVersion = "3.5",
        MicrosoftSparkVersion = "2.3.1",
        AppAssembly = "/b/App.dll",
        Archives = Archives,
        IncludeArchives = includeArchives,
        LocalFolders = new[] { "/o/local/App.app-1", "/o/local/App.deps-2" },
    };

    [Fact]
    public void A_local_master_without_the_unpacked_layers_is_refused_rather_than_printed_incomplete()
    {
        var o = Options("local[2]", "client", includeArchives: true);
        o.LocalFolders = Array.Empty<string>();
        Assert.Throws<ArgumentException>(() => SparkSubmitCommandBuilder.Build(o));
    }

    [Fact]
    public void Local_folders_with_spaces_are_quoted_as_one_shell_word()
    {
        var o = Options("local", "client", includeArchives: true);
        o.LocalFolders = new[] { "/my dir/App.app-1", "/my dir/App.deps-2" };
        Assert.StartsWith("DOTNET_ASSEMBLY_SEARCH_PATHS='/my dir/App.app-1,/my dir/App.deps-2' spark-submit", SparkSubmitCommandBuilder.Build(o));
    }

    // Cluster deploy mode with a driver archive: DotnetRunner's arguments are the archive and the apphost's name.
    private static SparkSubmitOptions Cluster(string master, string baseUri = "", string mode = "cluster")
    {
        var o = Options(master, mode, includeArchives: false);
        o.DriverArchive = "/b/spark-driver/App.driver-0123456789abcdef.zip";
        o.DriverExecutable = "App";
        o.DeployBaseUri = baseUri;
        o.AppArguments = new[] { "in.txt" };
        return o;
    }

    [Theory]
    [InlineData("yarn", DriverArchiveShipping.YarnFiles)]
    [InlineData("spark://m:7077", DriverArchiveShipping.LocalPath)]
    [InlineData("k8s://https://k:6443", DriverArchiveShipping.LocalPath)]
    public void Without_a_base_uri_the_driver_archive_is_shipped_by_spark_submit_on_yarn_and_named_by_path_elsewhere(string master, DriverArchiveShipping expected)
    {
        var o = Cluster(master);
        var command = SparkSubmitCommandBuilder.Build(o);

        Assert.Equal(expected, SparkSubmitCommandBuilder.ShippingOf(o));
        Assert.DoesNotContain("dotnet ", command);
        if (expected == DriverArchiveShipping.YarnFiles)
        {
            Assert.Contains("--files /b/spark-driver/App.driver-0123456789abcdef.zip", command);
            Assert.EndsWith("microsoft-spark-3-5_2.12-2.3.1.jar \\\n  App.driver-0123456789abcdef.zip App in.txt", command);
        }
        else
        {
            Assert.DoesNotContain("--files", command);
            Assert.EndsWith("microsoft-spark-3-5_2.12-2.3.1.jar \\\n  /b/spark-driver/App.driver-0123456789abcdef.zip App in.txt", command);
        }
    }

    [Theory]
    [InlineData("yarn", "hdfs:///apps/x", false)]
    [InlineData("spark://m:7077", "hdfs:///apps/x/", false)]
    [InlineData("k8s://https://k:6443", "s3a://bucket/apps/", true)]
    public void With_a_base_uri_the_command_names_the_archive_under_it_and_says_what_to_upload(string master, string baseUri, bool jarUploaded)
    {
        var command = SparkSubmitCommandBuilder.Build(Cluster(master, baseUri));

        var root = baseUri.TrimEnd('/') + "/";
        Assert.StartsWith($"# upload to {baseUri}: /b/spark-driver/App.driver-0123456789abcdef.zip", command);
        Assert.Contains($"{root}App.driver-0123456789abcdef.zip App in.txt", command);
        Assert.DoesNotContain("--files", command);
        Assert.Equal(jarUploaded, command.Contains($"  {root}microsoft-spark-3-5_2.12-2.3.1.jar"));
    }

    [Theory]
    [InlineData("local[*]", "cluster")]
    [InlineData("yarn", "client")]
    public void Client_mode_and_local_masters_start_the_app_with_dotnet_whatever_the_driver_archive(string master, string mode)
    {
        var o = Cluster(master, mode: mode);
        Assert.Equal(DriverArchiveShipping.None, SparkSubmitCommandBuilder.ShippingOf(o));
        Assert.Contains("dotnet /b/App.dll in.txt", SparkSubmitCommandBuilder.Build(o));
    }

    [Fact]
    public void With_archives_a_cluster_mode_command_carries_both_the_driver_archive_and_the_layers()
    {
        var o = Cluster("yarn");
        o.IncludeArchives = true;
        var command = SparkSubmitCommandBuilder.Build(o);
        Assert.Contains("--archives file:///b/spark-bundle/App.app-1.zip#App.app-1,file:///b/spark-bundle/App.deps-2.zip#App.deps-2", command);
        Assert.Contains("--conf spark.yarn.appMasterEnv.DOTNET_ASSEMBLY_SEARCH_PATHS=./App.app-1,./App.deps-2", command);
        Assert.Contains("App.driver-0123456789abcdef.zip App in.txt", command);
    }

    private const string Worker = "/dl/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz";
    private const string WorkerAlias = "Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1";

    // SparkWorkerArchive, a file on this machine: in cluster deploy mode the driver's host cannot read it, so the
    // command ships it (the shim in the driver finds its alias among the submission's archives and sets DOTNET_WORKER_DIR).
    [Theory]
    [InlineData("yarn", "", "file:///dl/" + "Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz")]
    [InlineData("spark://m:7077", "", "file:///dl/" + "Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz")]
    [InlineData("k8s://https://k:6443", "s3a://bucket/apps/", "s3a://bucket/apps/" + "Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz")]
    public void A_cluster_mode_command_ships_a_local_worker_archive_where_the_driver_cannot_read_it(string master, string baseUri, string uri)
    {
        var o = Cluster(master, baseUri);
        o.WorkerArchive = Worker;
        o.WorkerArchiveVersion = "2.3.1";
        var command = SparkSubmitCommandBuilder.Build(o);

        Assert.Contains($"--archives {uri}#{WorkerAlias}", command);
        Assert.DoesNotContain("DOTNET_WORKER_DIR", command);   // the shim's
        Assert.Equal(baseUri.Length > 0, command.Split('\n')[0].EndsWith(" " + Worker));   // what to upload
    }

    [Theory]
    [InlineData("yarn", "client", false)]                 // client mode: the shim registers the local file, served by the driver
    [InlineData("yarn", "cluster", true)]
    public void A_worker_archive_uri_is_left_to_the_shim_and_a_local_one_to_the_shim_in_client_mode(string master, string mode, bool shipped)
    {
        var o = Cluster(master, mode: mode);
        o.WorkerArchive = Worker;
        o.WorkerArchiveVersion = "2.3.1";
        Assert.Equal(shipped, SparkSubmitCommandBuilder.Build(o).Contains(WorkerAlias));
        o.WorkerArchive = "hdfs:///w/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz";
        Assert.DoesNotContain(WorkerAlias, SparkSubmitCommandBuilder.Build(o));
    }

    // Without the shim (IncludeArchives) the command carries what the shim would have done: the worker archive with
    // the layers, and DOTNET_WORKER_DIR where the driver reads its environment; on a local master, its unpacked folder.
    [Fact]
    public void With_archives_the_command_carries_the_worker_archive_and_DOTNET_WORKER_DIR()
    {
        var o = Options("yarn", "cluster", includeArchives: true);
        o.WorkerArchive = "hdfs:///w/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz";
        o.WorkerArchiveVersion = "2.3.1";
        var command = SparkSubmitCommandBuilder.Build(o);
        Assert.Contains($"--archives file:///b/spark-bundle/App.app-1.zip#App.app-1,file:///b/spark-bundle/App.deps-2.zip#App.deps-2,{o.WorkerArchive}#{WorkerAlias}", command);
        Assert.Contains($"--conf spark.yarn.appMasterEnv.DOTNET_WORKER_DIR=./{WorkerAlias}/Microsoft.Spark.Worker-2.3.1", command);

        o = Options("spark://m:7077", "client", includeArchives: true);
        o.WorkerArchive = Worker;
        o.WorkerArchiveVersion = "2.3.1";
        Assert.Contains($"DOTNET_WORKER_DIR=./{WorkerAlias}/Microsoft.Spark.Worker-2.3.1 spark-submit", SparkSubmitCommandBuilder.Build(o));

        o = Options("local[*]", "client", includeArchives: true);
        o.WorkerArchive = Worker;
        o.WorkerArchiveVersion = "2.3.1";
        o.LocalWorkerFolder = "/o/local/" + WorkerAlias;
        Assert.Contains($" DOTNET_WORKER_DIR=/o/local/{WorkerAlias}/Microsoft.Spark.Worker-2.3.1 spark-submit", SparkSubmitCommandBuilder.Build(o));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("hdfs:///apps/x/", true)]
    [InlineData("s3a://bucket/apps", true)]
    [InlineData("https://files.example.com/apps/", true)]
    [InlineData("file:///shared/apps", false)]
    [InlineData("local:///opt/apps", false)]
    [InlineData("/shared/apps", false)]
    [InlineData("apps", false)]
    [InlineData("hdfs:///my apps", false)]
    [InlineData("hdfs:///apps#x", false)]
    public void A_deploy_base_uri_must_be_one_DotnetRunner_downloads_from(string baseUri, bool valid) =>
        Assert.Equal(valid, SparkSubmitCommandBuilder.CheckDeployBaseUri(baseUri) is null);
}
