using System.Text;
using SparkShip.Sdk.IntegrationTests.Infrastructure;

namespace SparkShip.Sdk.IntegrationTests.Robustness;

/// <summary>Project trees for the robustness scenarios, and the edits that make the next build write new archives.</summary>
public static class RobustProjects
{
    /// <summary>
    /// One app, "App/App.csproj" (assembly App), whose bundle takes a while to write: <paramref name="files"/> content
    /// files of <paramref name="fileKb"/> KB under big/ (half random bytes, half compressible text, so deflate has
    /// work to do; all random when not <paramref name="compressible"/>) in the app layer, and a deps-layer file (<c>deps-data.bin</c>, <paramref name="depsKb"/> KB, added with
    /// SparkBundleInclude Layer="deps") next to the Humanizer package. <see cref="Mutate"/> changes both layers.
    /// </summary>
    public static TestProject BigApp(string name, int files, int fileKb, int depsKb, string? extraProperties = null, string? extraItems = null, string? extraTargets = null,
        bool compressible = true)
    {
        var p = new TestProject(name);
        p.Write("App/App.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Sdk Name="SparkShip.Sdk" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net8.0</TargetFramework>
                {extraProperties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Humanizer.Core" Version="{Scenarios.HumanizerVersion}" />
                <Content Include="big/**" CopyToOutputDirectory="PreserveNewest" />
                <SparkBundleInclude Include="deps-data.bin" ArchivePath="data/deps-data.bin" Layer="deps" />
                {extraItems}
              </ItemGroup>
              {extraTargets}
            </Project>
            """);
        p.Write("App/Program.cs", "System.Console.WriteLine(SparkShip.SparkBundle.AppArchive);\n");
        var random = new Random(name.Aggregate(17, (h, c) => unchecked(h * 31 + c)));
        for (int i = 0; i < files; i++)
            RobustProjects.WriteBytes(p.PathOf($"App/big/part{i:000}.bin"), i % 2 == 0 || !compressible ? RandomBytes(random, fileKb * 1024) : Text(random, fileKb * 1024));
        RobustProjects.WriteBytes(p.PathOf("App/big/changing.bin"), RandomBytes(random, fileKb * 1024));
        RobustProjects.WriteBytes(p.PathOf("App/deps-data.bin"), RandomBytes(random, depsKb * 1024));
        return p;
    }

    /// <summary>
    /// A user's edit that changes both layers: the source (so the next build compiles), one content file of the app
    /// layer and the deps-layer file. The next build must write two new archives.
    /// </summary>
    public static void Mutate(TestProject p, int round, bool source = true, bool app = true, bool deps = true)
    {
        var random = new Random(round * 7919 + 17);
        if (source) File.AppendAllText(p.PathOf("App/Program.cs"), $"// edit {round}\n");
        if (app) Rewrite(p.PathOf("App/big/changing.bin"), random);
        if (deps) Rewrite(p.PathOf("App/deps-data.bin"), random);
    }

    private static void Rewrite(string path, Random random)
    {
        var bytes = File.ReadAllBytes(path);
        random.NextBytes(bytes.AsSpan(0, Math.Min(bytes.Length, 4096)));
        File.WriteAllBytes(path, bytes);
    }

    public static void WriteBytes(string path, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    public static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Words from a small vocabulary: compresses about 3:1, and costs deflate real work.</summary>
    public static byte[] Text(Random random, int length)
    {
        string[] words = { "spark", "bundle", "executor", "driver", "archive", "layer", "manifest", "fingerprint", "worker", "udf",
                           "deflate", "entry", "content", "hash", "retain", "atomic", "rename", "build", "node", "cluster" };
        var text = new StringBuilder(length + 16);
        while (text.Length < length) text.Append(words[random.Next(words.Length)]).Append(random.Next(1000)).Append(random.Next(8) == 0 ? '\n' : ' ');
        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    /// <summary>Removes a passing scenario's tree (tens to hundreds of MB); a failing one keeps it as evidence.</summary>
    public static void DeleteTree(TestProject p)
    {
        try { Directory.Delete(p.Root, recursive: true); }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { /* the run folder is pruned later anyway */ }
    }

    /// <summary>Every leftover temporary file of an atomic write anywhere under <paramref name="root"/>.</summary>
    public static IReadOnlyList<string> TempFiles(string root) =>
        Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*.sparkship-tmp", SearchOption.AllDirectories).ToList()
            : Array.Empty<string>();

    /// <summary>Byte copies of every archive in a folder, keyed by name.</summary>
    public static Dictionary<string, byte[]> Snapshot(string bundleFolder, IEnumerable<string>? skip = null)
    {
        var skipped = new HashSet<string>(skip ?? Array.Empty<string>());
        return Directory.Exists(bundleFolder)
            ? Directory.GetFiles(bundleFolder, "*.zip").Where(f => !skipped.Contains(Path.GetFileName(f)))
                .ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes)
            : new Dictionary<string, byte[]>();
    }

    /// <summary>Archives of the snapshot that are gone or differ now.</summary>
    public static IReadOnlyList<string> ChangedSince(Dictionary<string, byte[]> snapshot, string bundleFolder) =>
        snapshot.Where(s =>
        {
            var path = Path.Combine(bundleFolder, s.Key);
            return !File.Exists(path) || !File.ReadAllBytes(path).AsSpan().SequenceEqual(s.Value);
        }).Select(s => s.Key).ToList();

    /// <summary>Error lines ("file : error CODE1234: message") of a build's output.</summary>
    public static IReadOnlyList<string> ErrorLines(string output) =>
        output.Split('\n').Select(l => l.Trim()).Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"\berror [A-Z]{2,}[0-9]{3,}\s*:"))
            .Distinct().ToList();

    /// <summary>Every error line, coded or not (NuGet reports some of its own races as a plain "error : …").</summary>
    public static IReadOnlyList<string> AnyErrorLines(string output) =>
        output.Split('\n').Select(l => l.Trim()).Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"\berror( [A-Z]{2,}[0-9]{3,})?\s*:"))
            .Distinct().ToList();

    /// <summary>The codes of those error lines, e.g. "SSHIP0006", "MSB3021", "CS2012".</summary>
    public static IReadOnlyList<string> ErrorCodes(string output) =>
        ErrorLines(output).Select(l => System.Text.RegularExpressions.Regex.Match(l, @"\berror ([A-Z]{2,}[0-9]{3,})").Groups[1].Value)
            .Distinct().OrderBy(c => c, StringComparer.Ordinal).ToList();

    /// <summary>
    /// A SparkShip task that crashed (MSB4018 "task failed unexpectedly", an unhandled exception's stack trace) instead
    /// of reporting a coded diagnostic.
    /// </summary>
    public static IReadOnlyList<string> SparkShipCrashes(string output) =>
        output.Split('\n').Where(l => (l.Contains("MSB4018") || l.Contains("MSB4061") || l.Contains("Unhandled exception"))
            && (l.Contains("SparkBundle") || l.Contains("SparkShip") || l.Contains("Unhandled exception"))).Select(l => l.Trim()).Distinct().ToList();
}
