using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Bundling;

/// <summary>
/// The terminal logger (dotnet build's default in an interactive terminal since .NET 9) shows a project's primary
/// output only and hides high-importance messages below detailed verbosity; MSBuild offers no way to opt a message
/// in (dotnet/msbuild#9667, dotnet/sdk#43293). The README says how to see the bundle line; this checks that it is true.
/// </summary>
public class TerminalLoggerTests
{
    [Fact]
    public void With_the_terminal_logger_the_bundle_line_shows_at_detailed_verbosity_and_not_below()
    {
        var p = Scenarios.AppWithLibrary();
        var normal = p.Build("App/App.csproj", "-tl:true").AssertSuccess();
        Assert.DoesNotContain("Spark bundle ->", normal.Output);
        Assert.Contains("App.dll", normal.Output); // the terminal logger did run: it shows the primary output

        p.Edit("Lib/TextUdfs.cs", "\"|v1\"", "\"|v2\"");
        var detailed = p.Build("App/App.csproj", "-tl:true", "-v:d").AssertSuccess();
        Assert.Contains("Spark bundle ->", detailed.Output);
    }
}
