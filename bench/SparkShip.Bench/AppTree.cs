using System.Text.RegularExpressions;

namespace SparkShip.Bench;

internal enum AppSize { Small, Large }

/// <summary>A package of the large app's closure.</summary>
internal sealed record Package(string Id, string Version);

/// <summary>
/// One throwaway tree: App (Exe) → Lib (the "UDFs", which hold the package references), with or without
/// <c>&lt;Sdk Name="SparkShip.Sdk" /&gt;</c> on App (or, as a baseline that pays NuGet's SDK resolver too, an empty
/// MSBuild SDK in its place). The trees of one size are identical except for that line, so a ratio between them is
/// the cost of SparkShip and nothing else. Each tree has its own global.json (pinning the packed SDK),
/// nuget.config (the feed, then the package source) and Directory.Build.* files of its own (so nothing of the
/// repository's build settings or git state leaks in).
/// </summary>
internal sealed class AppTree
{
    public const string Configuration = "Debug";
    public const string TargetFramework = "net8.0";

    /// <summary>Small app: one managed package.</summary>
    public static readonly Package[] SmallPackages = { new("Humanizer.Core", "2.14.1") };

    /// <summary>
    /// Large app: real packages with native assets for many RIDs (≈440 MB of copy-local files in a framework-dependent
    /// build, which copies every RID's natives; the bundle keeps linux-x64's). Versions are ones the package source has.
    /// </summary>
    public static readonly Package[] LargePackages =
    {
        new("Humanizer.Core", "2.14.1"),
        new("Microsoft.ML.OnnxRuntime", "1.31.1"),
        new("SkiaSharp", "2.88.9"),
        new("SkiaSharp.NativeAssets.Linux", "2.88.9"),
        new("Microsoft.Data.SqlClient", "6.0.1"),
        new("LibGit2Sharp.NativeBinaries", "2.0.324"),
        new("Grpc.Core", "2.46.5"),
        new("SQLitePCLRaw.bundle_e_sqlite3", "2.1.13"),
    };

    /// <summary>The test-only empty MSBuild SDK (bench/EmptySdk) of the "empty" trees.</summary>
    public const string EmptySdkName = "SparkShip.Bench.EmptySdk";

    private int _libEdits;
    private int _appEdits;

    /// <param name="sdkMode">"sdk" (<c>&lt;Sdk Name="SparkShip.Sdk" /&gt;</c>), "package" (a PackageReference to it), "empty"
    /// (<c>&lt;Sdk Name="SparkShip.Bench.EmptySdk" /&gt;</c> instead: an MSBuild SDK from NuGet with nothing in it), or null (without any).</param>
    public AppTree(string root, AppSize size, string? sdkMode)
    {
        Root = root;
        Size = size;
        SdkMode = sdkMode;
    }

    public string Root { get; }
    public AppSize Size { get; }
    public string? SdkMode { get; }
    public bool UsesSdk => SdkMode is "sdk" or "package";
    public string Name => Path.GetFileName(Root);

    public string AppProject => Path.Combine(Root, "App", "App.csproj");
    public string OutputDirectory => Path.Combine(Root, "App", "bin", Configuration, TargetFramework);
    public string BundleDirectory => Path.Combine(OutputDirectory, "spark-bundle");
    public string IntermediateDirectory => Path.Combine(Root, "App", "obj", Configuration, TargetFramework);
    public string StateDirectory => Path.Combine(IntermediateDirectory, "sparkship");
    public string GeneratedSource => Path.Combine(IntermediateDirectory, "SparkBundle.g.cs");

    /// <param name="feed">The feed that holds the SDK the tree pins (SparkShip.Sdk, or the empty SDK for an "empty" tree).</param>
    /// <param name="sdkVersion">That SDK's version, pinned in global.json's msbuild-sdks.</param>
    public void Create(string feed, string sdkVersion)
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        Directory.CreateDirectory(Root);
        Write("global.json", $$"""
            {
              "sdk": { "version": "10.0.100", "rollForward": "latestFeature" },
              "msbuild-sdks": { "{{(SdkMode == "empty" ? EmptySdkName : "SparkShip.Sdk")}}": "{{sdkVersion}}" }
            }
            """);
        Write("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="sparkship-bench-feed" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        // Stop MSBuild's walk up the folders: nothing of the repository's build settings applies to these trees.
        // Nor its git state: the trees live inside the repository (bench/.cache/work), and the .NET SDK's Source Link
        // would put the repository's HEAD commit into every assembly (AssemblyInformationalVersion "1.0.0+<commit>"),
        // so a commit made during a run recompiles every tree and rewrites the bundle in a "no-op" build.
        Write("Directory.Build.props", """
            <Project>
              <PropertyGroup>
                <EnableSourceControlManagerQueries>false</EnableSourceControlManagerQueries>
              </PropertyGroup>
            </Project>
            """);
        Write("Directory.Build.targets", "<Project />\n");
        Write("Directory.Packages.props", "<Project />\n");

        var packages = Size == AppSize.Large ? LargePackages : SmallPackages;
        Write("Lib/Lib.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>{TargetFramework}</TargetFramework>
                <Nullable>enable</Nullable>
                <!-- Some packages ask for dependency versions the package source lacks; the next one is used. -->
                <NoWarn>$(NoWarn);NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>
            {string.Join("\n", packages.Select(p => $"    <PackageReference Include=\"{p.Id}\" Version=\"{p.Version}\" />"))}
              </ItemGroup>
            </Project>
            """);
        WriteLib(0);
        Write("App/App.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
            {SdkMode switch
            {
                "sdk" => "  <Sdk Name=\"SparkShip.Sdk\" />",
                "package" => "  <!-- SparkShip.Sdk as a PackageReference (below) -->",
                "empty" => $"  <Sdk Name=\"{EmptySdkName}\" />",
                _ => "  <!-- no SparkShip.Sdk: the baseline -->",
            }}
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>{TargetFramework}</TargetFramework>
                <Nullable>enable</Nullable>
                <NoWarn>$(NoWarn);NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="../Lib/Lib.csproj" />
            {(SdkMode == "package" ? $"    <PackageReference Include=\"SparkShip.Sdk\" Version=\"{sdkVersion}\" PrivateAssets=\"all\" />" : "")}
              </ItemGroup>
            </Project>
            """);
        WriteApp(0);
    }

    /// <summary>A one-line edit of the referenced library: a method body (its reference assembly does not change).</summary>
    public void EditLibrary() => WriteLib(++_libEdits);

    /// <summary>A one-line edit of the app itself.</summary>
    public void EditApp() => WriteApp(++_appEdits);

    private void WriteLib(int version)
    {
        // The large app touches a type of each managed package, so its references are real compile inputs.
        var touches = Size == AppSize.Large
            ? """
                  public static string Libraries() => string.Join(",", new[]
                  {
                      typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Name,
                      typeof(SkiaSharp.SKBitmap).Name,
                      typeof(Microsoft.Data.SqlClient.SqlConnection).Name,
                      typeof(Grpc.Core.Channel).Name,
                      typeof(SQLitePCL.raw).Name,
                  });
              """
            : "";
        Write("Lib/Udfs.cs", $$"""
            using Humanizer;

            namespace Lib;

            public static class Udfs
            {
                public static string Describe(string word)
                {
                    return word.Humanize(LetterCasing.Title) + "|v{{version}}";
                }
            {{touches}}
            }
            """);
    }

    private void WriteApp(int version) => Write("App/Program.cs", $$"""
        System.Console.WriteLine(Lib.Udfs.Describe("hello_world"));
        System.Console.WriteLine("app edit {{version}}");
        """);

    private void Write(string relative, string content)
    {
        var path = Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.ReplaceLineEndings("\n") + (content.EndsWith('\n') ? "" : "\n"));
    }

    /// <summary>The constants of the app's SparkBundle.g.cs (what the runtime shim is given).</summary>
    public Dictionary<string, string> BundleConstants()
    {
        var text = File.ReadAllText(GeneratedSource);
        var constants = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in Regex.Matches(text, @"public const \w+ (\w+) = ""?([^"";]*)""?;"))
            constants[m.Groups[1].Value] = m.Groups[2].Value;
        foreach (var required in new[] { "AppArchive", "AppFingerprint", "DependencyArchive", "DependencyFingerprint", "Directory", "ManifestEntry" })
            if (!constants.ContainsKey(required)) throw new BenchException($"{GeneratedSource} has no constant {required}");
        return constants;
    }

    /// <summary>The current bundle's archives (full paths), app layer first.</summary>
    public IReadOnlyList<string> CurrentArchives()
    {
        var c = BundleConstants();
        var list = new List<string> { Path.Combine(BundleDirectory, c["AppArchive"]) };
        if (c["DependencyArchive"].Length > 0) list.Add(Path.Combine(BundleDirectory, c["DependencyArchive"]));
        foreach (var a in list)
            if (!File.Exists(a)) throw new BenchException($"the bundle archive {a} named in {GeneratedSource} does not exist");
        return list;
    }
}
