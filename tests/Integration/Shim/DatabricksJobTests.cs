using System.Text.Json;
using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Shim;

/// <summary>
/// SparkMaster=databricks: a real build prints the settings of a Databricks job (Jobs API 2.1) for the driver archive
/// it published. No Databricks here: the JSON is parsed and checked against the files the build wrote, and its
/// parameters go to <see cref="DotnetRunnerHarness"/> (which REPRODUCES DotnetRunner.scala; a dbfs: URI is "downloaded"
/// from a local folder standing for DBFS), whose driver attaches the bundle against the Microsoft.Spark stand-in.
/// </summary>
public class DatabricksJobTests
{
    private const string BaseUri = "dbfs:/apps/wordcount/";

    [Fact]
    public void The_printed_job_names_the_published_driver_archive_the_apphost_the_jar_and_the_arguments_and_runs_as_printed()
    {
        var p = Scenarios.SparkDriverApp("databricks");

        var build = p.Build("App/App.csproj", "-t:SparkSubmitCommand", "-p:SparkMaster=databricks", "-p:SparkDeployBaseUri=" + BaseUri,
            "-p:SparkDatabricksClusterId=0123-456789-abcdefgh", "-p:SparkSubmitAppArguments=session").AssertSuccess();

        // Published by this build (SparkDeployMode left at client: a Databricks driver always runs on the cluster).
        var archive = Assert.Single(Directory.GetFiles(p.PathOf("App/bin/Debug/net8.0/spark-driver")));
        var name = Path.GetFileName(archive);
        Assert.DoesNotContain("spark-submit", build.Output);
        Assert.Contains($"Upload to {BaseUri}: {archive} ", build.Output);
        Assert.Contains("microsoft-spark-3-5_2.12-2.3.1.jar", build.Output);

        using var job = JobIn(build.Output);
        var task = Assert.Single(job.RootElement.GetProperty("tasks").EnumerateArray());
        Assert.Equal("0123-456789-abcdefgh", task.GetProperty("existing_cluster_id").GetString());
        var jarTask = task.GetProperty("spark_jar_task");
        Assert.Equal("org.apache.spark.deploy.dotnet.DotnetRunner", jarTask.GetProperty("main_class_name").GetString());
        var parameters = jarTask.GetProperty("parameters").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(new[] { BaseUri + name, "App", "session" }, parameters);
        Assert.Contains(parameters[1], Bundle.Entries(archive));                 // the apphost DotnetRunner looks for
        var library = Assert.Single(task.GetProperty("libraries").EnumerateArray());
        Assert.Equal(BaseUri + "microsoft-spark-3-5_2.12-2.3.1.jar", library.GetProperty("jar").GetString());

        // What the user uploads, then DotnetRunner with the job's parameters on the Databricks driver.
        var dbfs = Directory.CreateDirectory(Path.Combine(p.Root, "dbfs-apps")).FullName;
        File.Copy(archive, Path.Combine(dbfs, name));
        var host = Path.Combine(p.Root, "databricks-driver");
        var run = DriverRun.From(DotnetRunnerHarness.Run(parameters, host, new Dictionary<string, string> { ["spark.master"] = "spark://10.139.64.4:7077" },
            Path.Combine(p.Root, "cache"), uri =>
            {
                Assert.StartsWith(BaseUri, uri);
                return Path.Combine(dbfs, uri[BaseUri.Length..]);
            }));
        Assert.True(run.Process.ExitCode == 0, run.Process.ToString());
        // The shim found the bundle next to the unpacked app and registered its app layer (which layers ride in the
        // driver archive is the driver archive's business; a missing bundle would be SSHIP1001, exit 3).
        var appLayer = Assert.Single(Bundle.Entries(archive), e => e.StartsWith("spark-bundle/") && e.Contains(".app-"))["spark-bundle/".Length..];
        Assert.Contains(run["ARCHIVES"].Split(','), a => a.EndsWith($"/{appLayer}#{appLayer[..^4]}"));

        // Without a base URI the job cannot name its files: a coded error naming the project, nothing printed.
        var missing = p.Build("App/App.csproj", "-t:SparkSubmitCommand", "-p:SparkMaster=databricks").AssertFailure();
        var error = Assert.Single(missing.Diagnostics("SSHIP0021"));
        Assert.Contains(p.PathOf("App/App.csproj"), error);
        Assert.Contains("SparkDeployBaseUri", error);
        Assert.DoesNotContain("\"spark_jar_task\"", missing.Output);
    }

    // The JSON printed after the comment lines: from the first line that is "{" to the first "}" that closes it.
    private static JsonDocument JobIn(string output)
    {
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        int start = lines.FindIndex(l => l == "{");
        Assert.True(start >= 0, "no job settings in the output:\n" + output);
        for (int end = start + 1; end < lines.Count; end++)
        {
            if (lines[end] != "}") continue;
            try { return JsonDocument.Parse(string.Join("\n", lines.Skip(start).Take(end - start + 1))); }
            catch (JsonException) { }
        }
        throw new Xunit.Sdk.XunitException("the job settings are not JSON:\n" + output);
    }
}
