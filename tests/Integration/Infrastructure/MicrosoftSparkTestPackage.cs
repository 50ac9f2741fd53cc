using System.IO.Compression;
using System.Security;

namespace SparkShip.Sdk.IntegrationTests.Infrastructure;

/// <summary>
/// TEST-ONLY package named Microsoft.Spark 2.3.1: the stand-in assembly (tests/Assets/MicrosoftSparkStandIn, exact
/// 2.3.1 signatures) in lib/netstandard2.0, with the real package's dependency list where this machine's package
/// source serves it. The real package cannot be restored here. It is written into a feed of the test run's own and
/// restored only into a package folder of the run's own (<see cref="TestEnvironment.PrivatePackageCache"/>), so it
/// can never reach the shared test cache or a user's (~/.nuget/packages).
/// </summary>
public static class MicrosoftSparkTestPackage
{
    public const string Version = "2.3.1";

    /// <summary>
    /// The dependencies declared, per dotnet/spark src/csharp/Microsoft.Spark/Microsoft.Spark.csproj (2.3.1), where the
    /// package source serves that version. Where it does not:
    /// MessagePack: the real 3.0.214-rc.1 is not served, and 3.1.9+ needs MessagePackAnalyzer 3.1.9+, which is not
    /// served either: declared as 2.5.307, the newest served version that restores.
    /// Microsoft.Data.Analysis (real: 0.21.1): only 0.23.1 is served, which needs System.Memory 4.6.3, a downgrade
    /// error (NU1605) against the real list's System.Memory 4.5.5: left out.
    /// Razorvine.Pyrolite (real: 5.1.0): not served: left out.
    /// Nothing here is taken as "nearest version" (NU1603): every declared version is served.
    /// </summary>
    public static readonly IReadOnlyList<(string Id, string Version)> Dependencies = new[]
    {
        ("Apache.Arrow", "14.0.2"),
        ("MessagePack", "2.5.307"),
        ("Microsoft.CSharp", "4.7.0"),
        ("Newtonsoft.Json", "13.0.3"),
        ("Razorvine.Pickle", "1.5.0"),
        ("System.Memory", "4.5.5"),
    };

    /// <summary>Writes microsoft.spark.2.3.1.nupkg into <paramref name="feed"/> (a folder feed), once per run.</summary>
    public static void Write(string feed, string standInAssembly)
    {
        Directory.CreateDirectory(feed);
        var nupkg = Path.Combine(feed, $"microsoft.spark.{Version}.nupkg");
        var temporary = nupkg + ".tmp";
        using (var zip = ZipFile.Open(temporary, ZipArchiveMode.Create))
        {
            var nuspec = zip.CreateEntry("Microsoft.Spark.nuspec");
            using (var writer = new StreamWriter(nuspec.Open())) writer.Write(Nuspec());
            // Both groups of the real package; the stand-in targets netstandard2.0 only.
            zip.CreateEntryFromFile(standInAssembly, "lib/netstandard2.0/Microsoft.Spark.dll");
        }
        File.Move(temporary, nupkg, overwrite: true);
    }

    private static string Nuspec()
    {
        var dependencies = string.Join("\n", Dependencies.Select(d =>
            $"""        <dependency id="{SecurityElement.Escape(d.Id)}" version="{d.Version}" exclude="Build,Analyzers" />"""));
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
              <metadata>
                <id>Microsoft.Spark</id>
                <version>{Version}</version>
                <authors>SparkShip tests</authors>
                <description>TEST-ONLY stand-in of Microsoft.Spark {Version} for SparkShip's integration tests. Never published.</description>
                <dependencies>
                  <group targetFramework=".NETStandard2.0">
            {dependencies}
                  </group>
                  <group targetFramework=".NETStandard2.1">
            {dependencies}
                  </group>
                </dependencies>
              </metadata>
            </package>
            """;
    }
}
