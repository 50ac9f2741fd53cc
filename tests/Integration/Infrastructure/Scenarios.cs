namespace SparkShip.Sdk.IntegrationTests.Infrastructure;

/// <summary>Project trees the tests build. Each is what a user would write; nothing here mocks MSBuild.</summary>
public static class Scenarios
{
    public const string HumanizerVersion = "2.14.1";
    public const string SqliteVersion = "2.1.13";

    /// <summary>
    /// App (uses SparkShip.Sdk) → Lib (UDFs using a managed package, Humanizer, and a native one, SQLite via
    /// SQLitePCLRaw, which ships libe_sqlite3 for many RIDs under runtimes/&lt;rid&gt;/native).
    /// </summary>
    public static TestProject AppWithLibrary(string name = "app", string? extraAppProperties = null, string? extraAppItems = null)
    {
        var p = new TestProject(name);
        p.Write("Lib/Lib.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net8.0</TargetFramework>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Humanizer.Core" Version="{HumanizerVersion}" />
                <PackageReference Include="SQLitePCLRaw.bundle_e_sqlite3" Version="{SqliteVersion}" />
                <None Include="lib-data.txt" CopyToOutputDirectory="PreserveNewest" />
              </ItemGroup>
            </Project>
            """);
        p.Write("Lib/lib-data.txt", "data shipped by the library\n");
        p.Write("Lib/TextUdfs.cs", """
            using Humanizer;
            namespace Lib;

            public static class TextUdfs
            {
                /// <summary>A UDF body: managed dependency (Humanizer) and native one (SQLite through SQLitePCLRaw).</summary>
                public static string Describe(string word)
                {
                    SQLitePCL.Batteries_V2.Init();
                    int major = SQLitePCL.raw.sqlite3_libversion_number() / 1000000;
                    return word.Humanize(LetterCasing.Title) + "|sqlite" + major + "|v1";
                }
            }
            """);
        p.Write("App/App.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Sdk Name="SparkShip.Sdk" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net8.0</TargetFramework>
                <Nullable>enable</Nullable>
                {extraAppProperties}
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="../Lib/Lib.csproj" />
                <Content Include="data/words.txt" CopyToOutputDirectory="PreserveNewest" />
                {extraAppItems}
              </ItemGroup>
            </Project>
            """);
        p.Write("App/data/words.txt", "the quick brown fox\n");
        p.Write("App/Program.cs", """
            System.Console.WriteLine("app=" + SparkShip.SparkBundle.AppArchive);
            System.Console.WriteLine("deps=" + SparkShip.SparkBundle.DependencyArchive);
            System.Console.WriteLine("dir=" + SparkShip.SparkBundle.Directory);
            System.Console.WriteLine("udf=" + Lib.TextUdfs.Describe("hello_world"));
            """);
        return p;
    }

    /// <summary>
    /// An app multi-targeted to net8.0 and net472 (one bundle per framework), with a package (Humanizer) and
    /// <paramref name="extraItems"/>; Program.cs prints the framework and the app layer's name.
    /// </summary>
    public static TestProject MultiTargetedApp(string name, string? extraItems = null)
    {
        var p = new TestProject(name);
        p.Write("App/App.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Sdk Name="SparkShip.Sdk" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFrameworks>net8.0;net472</TargetFrameworks>
                <LangVersion>latest</LangVersion>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Humanizer.Core" Version="{HumanizerVersion}" />
                {extraItems}
              </ItemGroup>
            </Project>
            """);
        p.Write("App/Program.cs", "System.Console.WriteLine(SparkShip.SparkBundle.TargetFramework + \" \" + SparkShip.SparkBundle.AppArchive);");
        return p;
    }

    /// <summary>
    /// <see cref="AppWithLibrary"/> as a Spark driver: the app references Microsoft.Spark (the test-only stand-in,
    /// exact 2.3.1 signatures, which records the calls it receives) and runs one scenario per command-line argument,
    /// printing what the stand-in saw, one "KEY=value" per line.
    /// </summary>
    public static TestProject SparkDriverApp(string name = "driver", string? extraAppProperties = null)
    {
        var p = AppWithLibrary(name, extraAppProperties, $"""
            <Reference Include="Microsoft.Spark"><HintPath>{TestEnvironment.Instance.MicrosoftSparkStandIn}</HintPath></Reference>
            """);
        p.Write("App/Program.cs", """
            using System;
            using System.Linq;
            using Microsoft.Spark.Sql;
            using Microsoft.Spark.StandIn;
            using SparkShip;

            string scenario = args.Length > 0 ? args[0] : "session";
            SparkSession spark = null;
            switch (scenario)
            {
                case "none":         // a program that never starts Spark (a unit test, a tool)
                    break;
                case "session":      // what every app does; the zero-code path attached before Main
                    spark = SparkSession.Builder().AppName("t").GetOrCreate();
                    break;
                case "builder":      // opt-in for apps that turned the automatic path off
                    spark = SparkSession.Builder().WithSparkBundle().AppName("t").GetOrCreate();
                    break;
                case "builder-catch": // the explicit API's failure, as user code sees it
                    try { SparkSession.Builder().WithSparkBundle(); }
                    catch (SparkShip.Runtime.SparkBundleException e) { Console.WriteLine("CAUGHT=" + e.Code + "|" + e.Message); }
                    break;
                case "existing":     // attach to a session that already exists, twice
                    spark = SparkSession.Builder().AppName("t").GetOrCreate();
                    spark.AttachSparkBundle();
                    spark.AttachSparkBundle();
                    break;
            }
            if (spark != null)
            {
                Functions.Udf<string, string>(Lib.TextUdfs.Describe);
                Console.WriteLine("ARCHIVES=" + string.Join(",", spark.SparkContext.ListArchives()));
                Console.WriteLine("UDFENV=" + CallLog.Udfs.Last().Environment["DOTNET_ASSEMBLY_SEARCH_PATHS"]);
                Console.WriteLine("ADDARCHIVE=" + CallLog.Calls.Count(c => c.Contains("AddArchive")));
                Console.WriteLine("WORKEREXE=" + CallLog.Udfs.Last().WorkerExecutable);   // what the driver sends with the UDF
            }
            Console.WriteLine("WORKERDIR=" + Environment.GetEnvironmentVariable("DOTNET_WORKER_DIR"));
            Console.WriteLine("SEARCH=" + Environment.GetEnvironmentVariable("DOTNET_ASSEMBLY_SEARCH_PATHS"));
            Console.WriteLine("BRIDGE=" + CallLog.BridgeTouches);
            """);
        return p;
    }
}
