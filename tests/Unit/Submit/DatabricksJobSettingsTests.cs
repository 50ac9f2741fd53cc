using System.Text.Json;
using SparkShip.Tasks.Build;
using SparkShip.Tasks.Submit;
using SparkShip.Tests.Build;
using SparkShip.Tests.Support;
using Xunit;

namespace SparkShip.Tests.Submit;

/// <summary>
/// SparkMaster=databricks: the Jobs API 2.1 settings of a JAR task running DotnetRunner with the driver archive, as
/// the Jobs API documents its fields (spark_jar_task.main_class_name and parameters, libraries[].jar,
/// existing_cluster_id). Not checked against Databricks itself: none runs here.
/// </summary>
public sealed class DatabricksJobSettingsTests : IDisposable
{
    private readonly TempFolder _dir = new("databricks");

    public void Dispose() => _dir.Dispose();

    private static DatabricksJobOptions Options(string baseUri = "dbfs:/apps/wordcount/", string clusterId = "0123-456789-abcdefgh") => new()
    {
        AppName = "WordCount",
        DriverArchive = "/src/WordCount/bin/Debug/net8.0/spark-driver/WordCount.driver-3f0c9a1b2d4e5f60.zip",
        DriverExecutable = "WordCount",
        JarName = "microsoft-spark-3-5_2.12-2.3.1.jar",
        DeployBaseUri = baseUri,
        ClusterId = clusterId,
        AppArguments = new[] { "dbfs:/data/input.txt", "it's \"quoted\"", "naïve, €" },
    };

    [Fact]
    public void The_job_runs_DotnetRunner_with_the_driver_archive_the_apphost_and_the_arguments_and_the_jar_as_library()
    {
        using var doc = JsonDocument.Parse(DatabricksJobSettings.Json(Options()));
        var root = doc.RootElement;
        Assert.Equal("WordCount", root.GetProperty("name").GetString());
        var task = Assert.Single(root.GetProperty("tasks").EnumerateArray());
        Assert.Equal("WordCount", task.GetProperty("task_key").GetString());
        Assert.Equal("0123-456789-abcdefgh", task.GetProperty("existing_cluster_id").GetString());
        var jar = task.GetProperty("spark_jar_task");
        Assert.Equal("org.apache.spark.deploy.dotnet.DotnetRunner", jar.GetProperty("main_class_name").GetString());
        Assert.Equal(new[]
        {
            "dbfs:/apps/wordcount/WordCount.driver-3f0c9a1b2d4e5f60.zip", "WordCount",
            "dbfs:/data/input.txt", "it's \"quoted\"", "naïve, €",   // JSON escaping, not shell quoting: the values arrive as they are
        }, jar.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()));
        var library = Assert.Single(task.GetProperty("libraries").EnumerateArray());
        Assert.Equal("dbfs:/apps/wordcount/microsoft-spark-3-5_2.12-2.3.1.jar", library.GetProperty("jar").GetString());
    }

    [Fact]
    public void The_printed_text_says_what_to_upload_where_and_without_a_cluster_id_leaves_a_named_placeholder()
    {
        var text = DatabricksJobSettings.Print(Options(baseUri: "dbfs:/apps/wordcount", clusterId: ""));
        var lines = text.Split('\n');
        Assert.Equal("# Databricks job (Jobs API 2.1). Upload to dbfs:/apps/wordcount: /src/WordCount/bin/Debug/net8.0/spark-driver/WordCount.driver-3f0c9a1b2d4e5f60.zip "
            + "microsoft-spark-3-5_2.12-2.3.1.jar (from the Microsoft.Spark package's jars/ folder)", lines[0]);
        Assert.Contains("SparkDatabricksClusterId", text);
        var json = text[text.IndexOf('{')..];
        using var doc = JsonDocument.Parse(json);
        var task = doc.RootElement.GetProperty("tasks")[0];
        Assert.Equal(DatabricksJobSettings.ClusterIdPlaceholder, task.GetProperty("existing_cluster_id").GetString());
        Assert.Equal("dbfs:/apps/wordcount/WordCount.driver-3f0c9a1b2d4e5f60.zip", task.GetProperty("spark_jar_task").GetProperty("parameters")[0].GetString());
    }

    [Fact]
    public void The_printed_text_says_how_the_executors_get_the_worker()
    {
        var none = DatabricksJobSettings.Print(Options());
        Assert.Contains("# the executors need Microsoft.Spark.Worker: set SparkWorkerArchive", none);
        var local = Options();
        local.WorkerArchive = "/home/me/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz";
        Assert.Contains("(SSHIP1008): upload it to DBFS", DatabricksJobSettings.Print(local));
        var remote = Options();
        remote.WorkerArchive = "dbfs:/w/Microsoft.Spark.Worker.net8.0.linux-x64-2.3.1.tar.gz";
        var text = DatabricksJobSettings.Print(remote);
        Assert.DoesNotContain("SparkWorkerArchive", text);
        using var doc = JsonDocument.Parse(text[text.IndexOf('{')..]);   // the comment lines stay before the JSON
    }

    [Theory]
    [InlineData("dbfs:/apps/wordcount/", true)]
    [InlineData("abfss://apps@account.dfs.core.windows.net/wordcount/", true)]
    [InlineData("s3a://bucket/apps/", true)]
    [InlineData("", false)]
    [InlineData("/dbfs/apps/", false)]          // DotnetRunner would read it from the default file system, not the mount
    [InlineData("hdfs:///apps/", false)]
    [InlineData("file:///shared/apps/", false)]
    [InlineData("dbfs:/apps with space/", false)]
    public void The_base_uri_must_be_one_a_Databricks_cluster_reads(string baseUri, bool valid)
    {
        Assert.Equal(valid, DatabricksJobSettings.CheckDeployBaseUri(baseUri) == null);
    }

    [Fact]
    public void A_task_key_is_made_of_the_characters_the_Jobs_API_allows()
    {
        using var doc = JsonDocument.Parse(DatabricksJobSettings.Json(new DatabricksJobOptions
        {
            AppName = "Contoso.Word Count", DriverArchive = "/a/x.zip", DriverExecutable = "x", JarName = "j.jar", DeployBaseUri = "dbfs:/a",
        }));
        Assert.Equal("Contoso_Word_Count", doc.RootElement.GetProperty("tasks")[0].GetProperty("task_key").GetString());
        Assert.Equal("Contoso.Word Count", doc.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public void The_print_task_prints_the_job_for_databricks_and_refuses_a_missing_base_uri_or_driver_archive_with_SSHIP0021()
    {
        var archive = _dir.Write("bin/spark-driver/App.driver-0123456789abcdef.zip", "zip");
        PrintSparkSubmitCommand Task(RecordingBuildEngine engine, string baseUri, string driverArchive) => new()
        {
            BuildEngine = engine, Master = "databricks", SparkVersion = "3.5", MicrosoftSparkVersion = "2.3.1", AppAssembly = "/a/App.dll",
            DriverArchive = driverArchive, DriverExecutable = "App", DeployBaseUri = baseUri, ProjectFile = "/a/App.csproj",
            ClusterRuntimeIdentifier = "linux-x64", AppArguments = new[] { "in.txt" },
        };

        var ok = new RecordingBuildEngine();
        Assert.True(Task(ok, "dbfs:/apps/", archive).Execute());
        var printed = string.Join("\n", ok.Messages.Select(m => m.Message));
        Assert.Contains("\"dbfs:/apps/App.driver-0123456789abcdef.zip\"", printed);
        Assert.Contains("\"jar\": \"dbfs:/apps/microsoft-spark-3-5_2.12-2.3.1.jar\"", printed);
        Assert.DoesNotContain("spark-submit", printed);

        var noUri = new RecordingBuildEngine();
        Assert.False(Task(noUri, "", archive).Execute());
        Assert.Equal("SSHIP0021", noUri.ErrorCodes);
        Assert.Equal("/a/App.csproj", noUri.Errors[0].File);
        Assert.Contains("dbfs:/apps/wordcount/", noUri.Errors[0].Message);

        var hdfs = new RecordingBuildEngine();
        Assert.False(Task(hdfs, "hdfs:///apps/", archive).Execute());
        Assert.Equal("SSHIP0021", hdfs.ErrorCodes);
        Assert.Contains("'hdfs:///apps/' is not a dbfs: URI", hdfs.Errors[0].Message);

        var noArchive = new RecordingBuildEngine();
        Assert.False(Task(noArchive, "dbfs:/apps/", "").Execute());
        Assert.Equal("SSHIP0021", noArchive.ErrorCodes);
        Assert.Contains("-r linux-x64", noArchive.Errors[0].Message);
    }
}
