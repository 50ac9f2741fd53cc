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
        var command = CommandIn(zeroCode.Output);
        Assert.StartsWith("spark-submit", command);
        Assert.Contains("--class org.apache.spark.deploy.dotnet.DotnetRunner", command);
        Assert.Contains("--master yarn", command);
        Assert.Contains("--deploy-mode client", command);
        Assert.Contains("microsoft-spark-3-5_2.12-2.3.1.jar", command);   // the stand-in reports Microsoft.Spark 2.3.1
        Assert.Contains("dotnet " + p.PathOf("App/bin/Debug/net8.0/App.dll"), command);
        Assert.DoesNotContain("--archives", command);                     // the shim attaches the bundle itself

        var manual = p.Build("App/App.csproj", "-t:SparkSubmitCommand", "-p:SparkMaster=yarn", "-p:SparkDeployMode=cluster", "-p:SparkShipAutoAttach=false").AssertSuccess();
        command = CommandIn(manual.Output);
        // Turning the automatic attach off changes what is compiled into the app, so the app layer has a new name.
        var generated = p.Read("App/obj/Debug/net8.0/SparkBundle.g.cs");
        var appArchive = new Bundle(bundle.Folder).Archives.Single(a => generated.Contains($"AppArchive = \"{a}\""));
        Assert.NotEqual(bundle.AppArchive, appArchive);
        string app = appArchive[..^4], deps = bundle.DependencyArchive![..^4];
        Assert.Contains($"--archives file://{bundle.PathOf(appArchive)}#{app},file://{bundle.PathOf(bundle.DependencyArchive!)}#{deps}", command);
        Assert.Contains($"--conf spark.yarn.appMasterEnv.DOTNET_ASSEMBLY_SEARCH_PATHS=./{app},./{deps}", command);
    }

    private static string CommandIn(string output)
    {
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        int start = lines.FindIndex(l => l.StartsWith("spark-submit") || l.Contains(" spark-submit"));
        Assert.True(start >= 0, "no spark-submit command in the output:\n" + output);
        var command = new List<string>();
        for (int i = start; i < lines.Count; i++)
        {
            command.Add(lines[i].TrimEnd('\\').Trim());
            if (!lines[i].EndsWith("\\")) break;
        }
        return string.Join(" ", command);
    }
}
