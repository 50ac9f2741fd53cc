using SparkShip.Tasks;
using SparkShip.Tasks.Hashing;
using SparkShip.Tasks.Planning;
using SparkShip.Tests.Support;
using Xunit;

namespace SparkShip.Tests.Planning;

/// <summary>
/// BundlePlanner over candidates shaped as the build gives them: copy-local package assets with
/// TargetPath = DestinationSubDirectory + file name (runtimes/&lt;rid&gt;/… in a portable build), NuGet metadata,
/// content with its TargetPath, and compiled outputs that do not exist yet.
/// </summary>
public sealed class BundlePlannerTests : IDisposable
{
    private static readonly string[] LinuxX64Chain = { "linux-x64", "linux", "unix-x64", "unix", "any", "base" };

    private readonly TempFolder _dir = new("planner");

    public void Dispose() => _dir.Dispose();

    // ---- helpers ------------------------------------------------------------------------------------------

    /// <summary>A package asset under packages/&lt;id&gt;/&lt;targetPath&gt; (distinct bytes unless <paramref name="content"/> is given).</summary>
    private BundleCandidate Package(string packageId, string targetPath, string? rid = null, string? assetType = null, string? content = null, string version = "1.0.0")
    {
        var source = _dir.Write($"packages/{packageId}/{version}/{targetPath}", content ?? $"{packageId}/{targetPath}");
        return new BundleCandidate(source, targetPath, BundleFileKind.CopyLocal)
        {
            PackageId = packageId,
            RuntimeIdentifier = rid,
            AssetType = assetType ?? (rid != null && targetPath.Contains("/native/") ? "native" : "runtime"),
        };
    }

    /// <summary>A file of a project reference or content item, at <paramref name="targetPath"/> in the output.</summary>
    private BundleCandidate Local(string sourceRelative, string targetPath, BundleFileKind kind = BundleFileKind.CopyLocal, string? content = null) =>
        new(_dir.Write("projects/" + sourceRelative, content ?? sourceRelative), targetPath, kind);

    private BundleCandidate Compiled(string fileName, string framework = ".NETCoreApp,Version=v8.0") =>
        new(_dir.Combine("obj/Debug/net8.0/" + fileName), fileName, BundleFileKind.Compiled) { DeclaredFramework = framework };

    private static BundlePlan Plan(BundlePlanOptions options, params BundleCandidate[] candidates) =>
        new BundlePlanner(options, FileHashCache.Load(null)).Plan(candidates);

    private static BundlePlan Plan(params BundleCandidate[] candidates) =>
        Plan(new BundlePlanOptions { RuntimeIdentifierChain = LinuxX64Chain }, candidates);

    private static PlannedFile At(BundlePlan plan, string archivePath) =>
        Assert.Single(plan.Files, f => f.ArchivePath == archivePath);

    private static void NoDiagnostics(BundlePlan plan) => Assert.True(plan.Diagnostics.Count == 0, string.Join("\n", plan.Diagnostics));

    private static Diagnostic Single(BundlePlan plan, string code) => Assert.Single(plan.Diagnostics, d => d.Code == code);

    private static bool IsExcluded(BundlePlan plan, BundleCandidate candidate) => plan.Excluded.Any(e => ReferenceEquals(e.Candidate, candidate));

    private static string ReasonFor(BundlePlan plan, BundleCandidate candidate) => Assert.Single(plan.Excluded, e => ReferenceEquals(e.Candidate, candidate)).Reason;

    // ---- runtime identifier selection -----------------------------------------------------------------------

    [Fact]
    public void Sdk_graph_chain_keeps_linux_x64_native_asset_at_root_leaves_out_other_runtimes()
    {
        var chain = RuntimeIdentifierGraph.FallbackChain("linux-x64", DotnetInstall.RidGraph);
        const string id = "SQLitePCLRaw.lib.e_sqlite3";
        var linux = Package(id, "runtimes/linux-x64/native/libe_sqlite3.so", rid: "linux-x64");
        var others = new[]
        {
            Package(id, "runtimes/linux-arm64/native/libe_sqlite3.so", rid: "linux-arm64"),
            Package(id, "runtimes/linux-musl-x64/native/libe_sqlite3.so", rid: "linux-musl-x64"),
            Package(id, "runtimes/osx-x64/native/libe_sqlite3.dylib", rid: "osx-x64"),
            Package(id, "runtimes/win-x64/native/e_sqlite3.dll", rid: "win-x64"),
            Package(id, "runtimes/browser-wasm/nativeassets/net8.0/e_sqlite3.a", rid: "browser-wasm"),
        };

        var plan = Plan(new BundlePlanOptions { RuntimeIdentifierChain = chain }, others.Prepend(linux).ToArray());

        NoDiagnostics(plan);
        var file = Assert.Single(plan.Files);
        Assert.Equal("libe_sqlite3.so", file.ArchivePath);
        Assert.Same(linux, file.Candidate);
        Assert.Equal(BundleLayer.Dependencies, file.Layer);
        Assert.All(others, o => Assert.True(IsExcluded(plan, o), o.TargetPath));
    }

    [Fact]
    public void Runtime_identifier_metadata_wins_over_the_folder_name()
    {
        // The build's RuntimeIdentifier metadata is authoritative; the path is the fallback.
        var tagged = Package("P", "runtimes/whatever/native/libp.so", rid: "linux-x64");
        var plan = Plan(tagged);
        Assert.Equal("libp.so", Assert.Single(plan.Files).ArchivePath);
    }

    [Fact]
    public void Nearest_rid_wins_for_managed_assets()
    {
        var unix = Package("X", "runtimes/unix/lib/net8.0/X.dll", rid: "unix");
        var linuxX64 = Package("X", "runtimes/linux-x64/lib/net8.0/X.dll", rid: "linux-x64");
        var win = Package("X", "runtimes/win/lib/net8.0/X.dll", rid: "win");

        var plan = Plan(unix, linuxX64, win);

        NoDiagnostics(plan);
        Assert.Same(linuxX64, At(plan, "X.dll").Candidate);
        Assert.Contains("nearer", ReasonFor(plan, unix));
        Assert.True(IsExcluded(plan, win));
    }

    [Fact]
    public void Only_a_farther_rid_is_still_chosen()
    {
        var unix = Package("X", "runtimes/unix/lib/net8.0/X.dll", rid: "unix");
        var win = Package("X", "runtimes/win/lib/net8.0/X.dll", rid: "win");

        var plan = Plan(win, unix);

        NoDiagnostics(plan);
        Assert.Same(unix, At(plan, "X.dll").Candidate);
    }

    [Fact]
    public void Hand_written_chain_order_decides_not_the_graph()
    {
        // With a chain that ranks unix above linux, the unix asset wins.
        var linux = Package("N", "runtimes/linux/native/libn.so", rid: "linux");
        var unix = Package("N", "runtimes/unix/native/libn.so", rid: "unix");

        var plan = Plan(new BundlePlanOptions { ClusterRuntimeIdentifier = "custom", RuntimeIdentifierChain = new[] { "custom", "unix", "linux" } }, linux, unix);

        Assert.Same(unix, At(plan, "libn.so").Candidate);
        Assert.True(IsExcluded(plan, linux));
    }

    [Fact]
    public void Rid_matching_is_case_insensitive()
    {
        var asset = Package("C", "runtimes/Linux-X64/native/libc.so", rid: "Linux-X64");
        var plan = Plan(asset);
        Assert.Same(asset, At(plan, "libc.so").Candidate);
    }

    [Fact]
    public void Nearest_rid_is_chosen_per_package_and_per_asset_kind()
    {
        // Package A's linux-x64 asset does not push out package B's unix asset, and a package's native group does
        // not compete with its managed group.
        var aNative = Package("A", "runtimes/linux-x64/native/liba.so", rid: "linux-x64");
        var bNative = Package("B", "runtimes/unix/native/libb.so", rid: "unix");
        var aManaged = Package("A", "runtimes/unix/lib/net8.0/A.dll", rid: "unix");

        var plan = Plan(aNative, bNative, aManaged);

        NoDiagnostics(plan);
        Assert.Equal(new[] { "A.dll", "liba.so", "libb.so" }, plan.Files.Select(f => f.ArchivePath));
    }

    [Fact]
    public void Rid_specific_managed_group_replaces_the_same_packages_lib_assets_only()
    {
        var libAsset = Package("System.Foo", "System.Foo.dll", assetType: "runtime");
        var libExtra = Package("System.Foo", "System.Foo.Extra.dll", assetType: "runtime");
        var ridAsset = Package("System.Foo", "runtimes/unix/lib/net8.0/System.Foo.dll", rid: "unix");
        var resources = Package("System.Foo", "fr/System.Foo.resources.dll", assetType: "resources");
        var otherPackage = Package("Humanizer", "Humanizer.dll", assetType: "runtime");

        var plan = Plan(libAsset, libExtra, ridAsset, resources, otherPackage);

        NoDiagnostics(plan);
        Assert.Same(ridAsset, At(plan, "System.Foo.dll").Candidate);
        Assert.Contains("replaced", ReasonFor(plan, libAsset));
        Assert.Contains("replaced", ReasonFor(plan, libExtra)); // NuGet uses the RID group instead of the whole lib/ group
        Assert.Same(resources, At(plan, "fr/System.Foo.resources.dll").Candidate);
        Assert.Same(otherPackage, At(plan, "Humanizer.dll").Candidate);
    }

    [Fact]
    public void Native_only_rid_group_does_not_replace_lib_assets()
    {
        var managed = Package("Z", "Z.dll", assetType: "runtime");
        var native = Package("Z", "runtimes/linux-x64/native/libz.so", rid: "linux-x64");

        var plan = Plan(managed, native);

        Assert.Same(managed, At(plan, "Z.dll").Candidate);
        Assert.Same(native, At(plan, "libz.so").Candidate);
    }

    [Fact]
    public void Managed_group_for_other_rids_only_leaves_lib_asset_in_place_without_warning()
    {
        var lib = Package("W", "W.dll", assetType: "runtime");
        var win = Package("W", "runtimes/win/lib/net8.0/W.dll", rid: "win");

        var plan = Plan(lib, win);

        NoDiagnostics(plan);
        Assert.Same(lib, At(plan, "W.dll").Candidate);
        Assert.True(IsExcluded(plan, win));
    }

    [Fact]
    public void Browser_wasm_native_assets_are_left_out()
    {
        var wasm = Package("S", "runtimes/browser-wasm/nativeassets/net8.0/x.a", rid: "browser-wasm");
        var linux = Package("S", "runtimes/linux-x64/native/libx.so", rid: "linux-x64");

        var plan = Plan(wasm, linux);

        NoDiagnostics(plan);
        Assert.Equal(new[] { "libx.so" }, plan.Files.Select(f => f.ArchivePath));
        Assert.True(IsExcluded(plan, wasm));
    }

    [Fact]
    public void Package_with_native_assets_but_none_for_the_chain_warns_SSHIP0002()
    {
        var win = Package("Native.Only", "runtimes/win-x64/native/nat.dll", rid: "win-x64");
        var osx = Package("Native.Only", "runtimes/osx-arm64/native/libnat.dylib", rid: "osx-arm64");
        var managed = Package("Native.Only", "Native.Only.dll", assetType: "runtime");

        var plan = Plan(win, osx, managed);

        var warning = Single(plan, "SSHIP0002");
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("'Native.Only'", warning.Message);
        Assert.Contains("osx-arm64, win-x64", warning.Message);
        Assert.Contains("linux-x64", warning.Message);
        Assert.False(plan.HasErrors);
        Assert.Equal(new[] { "Native.Only.dll" }, plan.Files.Select(f => f.ArchivePath));
    }

    [Fact]
    public void A_package_whose_native_another_package_places_for_the_cluster_runtime_does_not_warn()
    {
        // SQLitePCLRaw.lib.e_sqlite3.linux 1.1.14 beside lib.e_sqlite3 2.1.13: both ship runtimes/linux-x64/native/
        // libe_sqlite3.so, the SDK's conflict resolution keeps the newer one, and the old package is left with
        // natives for other runtimes only. The bundle holds a libe_sqlite3.so for linux-x64: nothing to warn about.
        var old = Package("SQLitePCLRaw.lib.e_sqlite3.linux", "runtimes/linux-armel/native/libe_sqlite3.so", rid: "linux-armel", version: "1.1.14");
        var oldAlpine = Package("SQLitePCLRaw.lib.e_sqlite3.linux", "runtimes/alpine-x64/native/libe_sqlite3.so", rid: "alpine-x64", version: "1.1.14");
        var current = Package("SQLitePCLRaw.lib.e_sqlite3", "runtimes/linux-x64/native/libe_sqlite3.so", rid: "linux-x64", version: "2.1.13");

        var plan = Plan(old, oldAlpine, current);

        NoDiagnostics(plan);
        Assert.Equal(new[] { "libe_sqlite3.so" }, plan.Files.Select(f => f.ArchivePath));
        Assert.Equal(current.SourcePath, plan.Files.Single().Candidate.SourcePath);
    }

    [Fact]
    public void A_package_whose_natives_are_only_partly_placed_by_another_package_still_warns()
    {
        var partly = Package("Two.Natives", "runtimes/osx-arm64/native/libone.dylib", rid: "osx-arm64");
        var missing = Package("Two.Natives", "runtimes/osx-arm64/native/libtwo.dylib", rid: "osx-arm64");
        var other = Package("Other", "runtimes/linux-x64/native/libone.dylib", rid: "linux-x64");

        var plan = Plan(partly, missing, other);

        var warning = Single(plan, "SSHIP0002");
        Assert.Contains("'Two.Natives'", warning.Message);
    }

    [Fact]
    public void Package_without_native_assets_does_not_warn()
    {
        var plan = Plan(
            Package("Humanizer.Core", "Humanizer.dll", assetType: "runtime"),
            Package("Managed.Rid", "runtimes/win/lib/net8.0/Managed.Rid.dll", rid: "win"));

        NoDiagnostics(plan);
    }

    // ---- flattening ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData("sub/dir/A.dll", "A.dll")]
    [InlineData("fr/A.resources.dll", "fr/A.resources.dll")]
    [InlineData("zh-Hans/A.resources.dll", "zh-Hans/A.resources.dll")]
    [InlineData("data/words.txt", "data/words.txt")]
    [InlineData("native/linux/libfoo.so", "libfoo.so")]
    [InlineData("lib/libbar.so.1", "libbar.so.1")]
    [InlineData("tools/App.exe", "App.exe")]
    [InlineData("sym/Lib.pdb", "Lib.pdb")]
    [InlineData("osx/libm.dylib", "libm.dylib")]
    [InlineData("docs/Lib.xml", "docs/Lib.xml")]
    [InlineData("Top.dll", "Top.dll")]
    public void Flattening_puts_binaries_at_the_root_keeps_satellites_and_content(string targetPath, string archivePath)
    {
        var candidate = Local("p/" + targetPath, targetPath);
        var plan = Plan(candidate);
        NoDiagnostics(plan);
        Assert.Same(candidate, At(plan, archivePath).Candidate);
    }

    [Fact]
    public void Rid_specific_satellite_keeps_its_culture_folder()
    {
        var satellite = Package("R", "runtimes/unix/lib/net8.0/de/R.resources.dll", rid: "unix");
        var plan = Plan(satellite);
        Assert.Same(satellite, At(plan, "de/R.resources.dll").Candidate);
    }

    [Fact]
    public void Candidate_normalizes_backslashes_in_target_path()
    {
        var candidate = Local("c/words.txt", @"data\words.txt", BundleFileKind.Content);
        Assert.Equal("data/words.txt", candidate.TargetPath);
        Assert.Same(candidate, At(Plan(candidate), "data/words.txt").Candidate);
    }

    // ---- layers -------------------------------------------------------------------------------------------

    [Fact]
    public void Layers_packages_to_dependencies_rest_to_app_override_wins()
    {
        var package = Package("Humanizer.Core", "Humanizer.dll");
        var packageContent = new BundleCandidate(_dir.Write("pc/config.json", "{}"), "config.json", BundleFileKind.Content) { PackageId = "Some.Content" };
        var projectRef = Local("Lib/bin/Lib.dll", "Lib.dll");
        var content = Local("App/data/words.txt", "data/words.txt", BundleFileKind.Content);
        var compiled = Compiled("App.dll");
        var includedToDeps = new BundleCandidate(_dir.Write("inc/big.bin", "big"), "big.bin", BundleFileKind.Included) { LayerOverride = BundleLayer.Dependencies };
        var packageForcedToApp = Package("Forced", "Forced.dll");
        packageForcedToApp.LayerOverride = BundleLayer.App;

        var plan = Plan(package, packageContent, projectRef, content, compiled, includedToDeps, packageForcedToApp);

        NoDiagnostics(plan);
        Assert.Equal(BundleLayer.Dependencies, At(plan, "Humanizer.dll").Layer);
        Assert.Equal(BundleLayer.Dependencies, At(plan, "config.json").Layer);
        Assert.Equal(BundleLayer.App, At(plan, "Lib.dll").Layer);
        Assert.Equal(BundleLayer.App, At(plan, "data/words.txt").Layer);
        Assert.Equal(BundleLayer.App, At(plan, "App.dll").Layer);
        Assert.Equal(BundleLayer.Dependencies, At(plan, "big.bin").Layer);
        Assert.Equal(BundleLayer.App, At(plan, "Forced.dll").Layer);
    }

    [Fact]
    public void Planned_files_are_ordered_by_archive_path()
    {
        var plan = Plan(Local("z.txt", "z.txt"), Local("a.txt", "a.txt"), Local("M.dll", "M.dll"), Local("d/b.txt", "d/b.txt"));
        Assert.Equal(new[] { "M.dll", "a.txt", "d/b.txt", "z.txt" }, plan.Files.Select(f => f.ArchivePath));
    }

    // ---- exclusions ---------------------------------------------------------------------------------------

    [Fact]
    public void Microsoft_spark_is_left_out_by_package_id_and_by_file_name_extensions_are_kept()
    {
        var fromPackage = Package("Microsoft.Spark", "Microsoft.Spark.dll");
        var packageDependencyFile = Package("Microsoft.Spark", "jars/microsoft-spark-3-5_2.12-2.3.1.jar", assetType: "content");
        var localBuild = Local("spark/Microsoft.Spark.dll", "Microsoft.Spark.dll");
        var localPdb = Local("spark/Microsoft.Spark.pdb", "Microsoft.Spark.pdb");
        var lowerCase = Local("spark2/microsoft.spark.xml", "microsoft.spark.xml");
        var jar = Local("jars/microsoft-spark-3-5_2.12-2.3.1.jar", "jars/microsoft-spark-3-5_2.12-2.3.1.jar", BundleFileKind.Content);
        var delta = Package("Microsoft.Spark.Extensions.Delta", "Microsoft.Spark.Extensions.Delta.dll");
        var localDelta = Local("ext/Microsoft.Spark.Extensions.Hyperspace.dll", "Microsoft.Spark.Extensions.Hyperspace.dll");
        var worker = Local("w/Microsoft.Spark.Worker.dll", "Microsoft.Spark.Worker.dll");
        var otherJar = Local("jars/other-1.0.jar", "jars/other-1.0.jar", BundleFileKind.Content);

        var plan = Plan(fromPackage, packageDependencyFile, localBuild, localPdb, lowerCase, jar, delta, localDelta, worker, otherJar);

        NoDiagnostics(plan);
        foreach (var left in new[] { fromPackage, packageDependencyFile, localBuild, localPdb, lowerCase, jar })
            Assert.True(IsExcluded(plan, left), left.SourcePath);
        Assert.Contains("worker brings", ReasonFor(plan, fromPackage));
        Assert.Contains("jar", ReasonFor(plan, jar));
        Assert.Equal(
            new[] { "Microsoft.Spark.Extensions.Delta.dll", "Microsoft.Spark.Extensions.Hyperspace.dll", "Microsoft.Spark.Worker.dll", "jars/other-1.0.jar" },
            plan.Files.Select(f => f.ArchivePath));
    }

    [Fact]
    public void Microsoft_spark_is_kept_when_exclusion_is_off()
    {
        var fromPackage = Package("Microsoft.Spark", "Microsoft.Spark.dll");
        var jar = Local("jars/microsoft-spark-3-5_2.12-2.3.1.jar", "microsoft-spark-3-5_2.12-2.3.1.jar", BundleFileKind.Content);

        var plan = Plan(new BundlePlanOptions { RuntimeIdentifierChain = LinuxX64Chain, ExcludeMicrosoftSpark = false }, fromPackage, jar);

        Assert.Equal(new[] { "Microsoft.Spark.dll", "microsoft-spark-3-5_2.12-2.3.1.jar" }, plan.Files.Select(f => f.ArchivePath));
    }

    [Fact]
    public void Symbols_are_left_out_only_when_include_symbols_is_false()
    {
        BundleCandidate[] Candidates() => new[] { Compiled("App.pdb"), Local("lib/Lib.pdb", "Lib.pdb"), Local("lib/Lib.dll", "Lib.dll") };

        var without = Plan(new BundlePlanOptions { RuntimeIdentifierChain = LinuxX64Chain, IncludeSymbols = false }, Candidates());
        var with = Plan(new BundlePlanOptions { RuntimeIdentifierChain = LinuxX64Chain, IncludeSymbols = true }, Candidates());

        Assert.Equal(new[] { "Lib.dll" }, without.Files.Select(f => f.ArchivePath));
        Assert.Equal(2, without.Excluded.Count(e => e.Reason.Contains("symbols")));
        Assert.Equal(new[] { "App.pdb", "Lib.dll", "Lib.pdb" }, with.Files.Select(f => f.ArchivePath));
    }

    [Fact]
    public void Excluded_paths_match_archive_path_or_full_source_path()
    {
        var byArchivePath = Local("c/words.txt", "data/words.txt", BundleFileKind.Content);
        var byFlattenedArchivePath = Local("deep/folder/Lib.dll", "deep/folder/Lib.dll");
        var bySourcePath = Local("c/other.txt", "other.txt", BundleFileKind.Content);
        var byBackslashes = Local("c/win.txt", "conf/win.txt", BundleFileKind.Content);
        var kept = Local("c/kept.txt", "kept.txt", BundleFileKind.Content);
        var options = new BundlePlanOptions
        {
            RuntimeIdentifierChain = LinuxX64Chain,
            ExcludedPaths = new[] { "DATA/Words.txt", "Lib.dll", bySourcePath.SourcePath, @"conf\win.txt" },
        };

        var plan = Plan(options, byArchivePath, byFlattenedArchivePath, bySourcePath, byBackslashes, kept);

        Assert.Equal(new[] { "kept.txt" }, plan.Files.Select(f => f.ArchivePath));
        Assert.All(new[] { byArchivePath, byFlattenedArchivePath, bySourcePath, byBackslashes }, c => Assert.Equal("SparkBundleExclude item", ReasonFor(plan, c)));
    }

    [Fact]
    public void Excluded_patterns_are_globs_on_archive_paths()
    {
        var xmlDeep = Local("a/docs/Lib.xml", "docs/api/Lib.xml", BundleFileKind.Content);
        var xmlTop = Local("a/Top.xml", "Top.xml", BundleFileKind.Content);
        var md = Local("a/readme.md", "notes/readme.md", BundleFileKind.Content);
        var flattened = Local("a/x/y/Debug.Helpers.dll", "x/y/Debug.Helpers.dll");
        var kept = Local("a/data/words.txt", "data/words.txt", BundleFileKind.Content);
        var options = new BundlePlanOptions
        {
            RuntimeIdentifierChain = LinuxX64Chain,
            ExcludedPatterns = new[] { "**/*.xml", "*.md", "  ", "Debug.*.dll" },
        };

        var plan = Plan(options, xmlDeep, xmlTop, md, flattened, kept);

        Assert.Equal(new[] { "data/words.txt" }, plan.Files.Select(f => f.ArchivePath));
        Assert.Equal("SparkBundleExcludePatterns '**/*.xml'", ReasonFor(plan, xmlDeep));
        Assert.Equal("SparkBundleExcludePatterns '**/*.xml'", ReasonFor(plan, xmlTop));
        Assert.Equal("SparkBundleExcludePatterns '*.md'", ReasonFor(plan, md));
        Assert.Equal("SparkBundleExcludePatterns 'Debug.*.dll'", ReasonFor(plan, flattened)); // matched on the flattened path
    }

    [Fact]
    public void Reference_assembly_folder_non_binary_files_are_left_out()
    {
        var refDoc = Local("r/ref/Lib.xml", "ref/Lib.xml", BundleFileKind.Content);
        var refintDoc = Local("r/refint/Lib.xml", "refint/Lib.xml", BundleFileKind.Content);

        var plan = Plan(refDoc, refintDoc);
        Assert.Empty(plan.Files);
        Assert.Equal("reference assembly folder", ReasonFor(plan, refDoc));

        var kept = Plan(new BundlePlanOptions { RuntimeIdentifierChain = LinuxX64Chain, ExcludeReferenceAssemblies = false }, refDoc, refintDoc);
        Assert.Equal(new[] { "ref/Lib.xml", "refint/Lib.xml" }, kept.Files.Select(f => f.ArchivePath));
    }

    [Fact]
    public void Reference_assembly_folder_assemblies_are_left_out()
    {
        // Not marked [ReferenceAssembly] (so only the folder rule can catch it), e.g. an old SDK's bin/ref/ copy.
        var refDll = Local("r/ref/Lib.dll", "ref/Lib.dll", content: "not really a PE file");
        var realLib = Local("r/Lib.dll", "Lib.dll", content: "the implementation");

        var plan = Plan(refDll, realLib);

        NoDiagnostics(plan); // today: SSHIP0003, both land at Lib.dll
        Assert.Same(realLib, At(plan, "Lib.dll").Candidate);
        Assert.Equal("reference assembly folder", ReasonFor(plan, refDll));
    }

    [Fact]
    public void Real_reference_assembly_is_left_out_when_exclude_reference_assemblies_kept_otherwise()
    {
        var copy = Path.Combine(_dir.Path, "refs", "System.Runtime.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(DotnetInstall.RefSystemRuntime, copy);
        var candidate = new BundleCandidate(copy, "System.Runtime.dll", BundleFileKind.CopyLocal);
        int major = TestAssemblies.RefPackSystemRuntimeMajor;

        var excluded = Plan(new BundlePlanOptions { RuntimeIdentifierChain = LinuxX64Chain, WorkerTargetFramework = $"net{major}.0" }, candidate);
        Assert.Empty(excluded.Files);
        Assert.Equal("reference assembly (not loadable at run time)", ReasonFor(excluded, candidate));

        var kept = Plan(new BundlePlanOptions { RuntimeIdentifierChain = LinuxX64Chain, WorkerTargetFramework = $"net{major}.0", ExcludeReferenceAssemblies = false }, candidate);
        NoDiagnostics(kept);
        Assert.Same(candidate, At(kept, "System.Runtime.dll").Candidate);
    }

    // ---- collisions ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Same_bytes_at_one_archive_path_are_deduplicated_package_copy_preferred(bool packageFirst)
    {
        var package = Package("Newtonsoft.Json", "Newtonsoft.Json.dll", content: "same bytes");
        var projectCopy = Local("Lib/bin/sub/Newtonsoft.Json.dll", "sub/Newtonsoft.Json.dll", content: "same bytes");

        var plan = packageFirst ? Plan(package, projectCopy) : Plan(projectCopy, package);

        NoDiagnostics(plan);
        var file = At(plan, "Newtonsoft.Json.dll");
        Assert.Same(package, file.Candidate);
        Assert.Equal(BundleLayer.Dependencies, file.Layer);
        Assert.Contains("same bytes", ReasonFor(plan, projectCopy));
    }

    [Fact]
    public void Different_bytes_at_one_archive_path_is_SSHIP0003_naming_both_sources()
    {
        var v12 = Package("Newtonsoft.Json", "Newtonsoft.Json.dll", content: "version 12", version: "12.0.3");
        var v13 = Local("Lib/bin/Newtonsoft.Json.dll", "Newtonsoft.Json.dll", content: "version 13");
        var bystander = Local("ok.txt", "ok.txt");

        var plan = Plan(v12, v13, bystander);

        var error = Single(plan, "SSHIP0003");
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains(v12.SourcePath, error.Message);
        Assert.Contains(v13.SourcePath, error.Message);
        Assert.Contains("'Newtonsoft.Json.dll'", error.Message);
        Assert.True(plan.HasErrors);
        Assert.DoesNotContain(plan.Files, f => f.ArchivePath == "Newtonsoft.Json.dll");
    }

    [Fact]
    public void Archive_paths_differing_only_in_case_collide()
    {
        var upper = Local("u/Data.txt", "Data.txt", content: "one");
        var lower = Local("l/data.txt", "data.txt", content: "two");
        var plan = Plan(upper, lower);
        Assert.Contains(plan.Diagnostics, d => d.Code == "SSHIP0003");
    }

    [Fact]
    public void Compiled_output_colliding_with_a_file_is_SSHIP0003()
    {
        var compiled = Compiled("App.dll");
        var stale = Local("content/App.dll", "bin/App.dll", BundleFileKind.Content);

        var plan = Plan(compiled, stale);

        var error = Single(plan, "SSHIP0003");
        Assert.Contains(compiled.SourcePath, error.Message);
        Assert.Contains(stale.SourcePath, error.Message);
        Assert.Empty(plan.Files);
    }

    // ---- invalid input ------------------------------------------------------------------------------------

    [Theory]
    [InlineData("../x.txt")]
    [InlineData("/abs.txt")]
    [InlineData("a//b.txt")]
    [InlineData("a/./b.txt")]
    [InlineData("C:/x.txt")]
    [InlineData("dir/")]
    public void Unsafe_archive_path_is_SSHIP0010(string targetPath)
    {
        var candidate = new BundleCandidate(_dir.Write("inc/x.txt", "x"), targetPath, BundleFileKind.Included) { LayerOverride = BundleLayer.App };

        var plan = Plan(candidate, Local("ok.txt", "ok.txt"));

        var error = Single(plan, "SSHIP0010");
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal(candidate.SourcePath, error.File);
        Assert.Contains(targetPath, error.Message);
        Assert.DoesNotContain(plan.Files, f => f.Candidate == candidate);
    }

    [Fact]
    public void Missing_input_file_is_SSHIP0007_but_compiled_outputs_need_not_exist()
    {
        var missing = new BundleCandidate(_dir.Combine("gone/Lib.dll"), "Lib.dll", BundleFileKind.CopyLocal);

        var plan = Plan(Compiled("App.dll"), missing);
        var error = Single(plan, "SSHIP0007");
        Assert.Equal(missing.SourcePath, error.File);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);

        var fine = Plan(Compiled("App.dll"), Compiled("App.pdb"));
        NoDiagnostics(fine);
        Assert.Equal(new[] { "App.dll", "App.pdb" }, fine.Files.Select(f => f.ArchivePath));
    }

    [Fact]
    public void Missing_file_that_is_excluded_is_not_an_error()
    {
        var missingPdb = new BundleCandidate(_dir.Combine("gone/Lib.pdb"), "Lib.pdb", BundleFileKind.CopyLocal);
        var plan = Plan(new BundlePlanOptions { RuntimeIdentifierChain = LinuxX64Chain, IncludeSymbols = false }, missingPdb);
        NoDiagnostics(plan);
    }

    // ---- framework check ----------------------------------------------------------------------------------

    [Fact]
    public void Compiled_output_newer_than_worker_is_SSHIP0001()
    {
        var app = Compiled("App.dll", ".NETCoreApp,Version=v9.0");
        var plan = Plan(app, Compiled("App.pdb", ".NETCoreApp,Version=v9.0"), Compiled("fr/App.resources.dll", ".NETCoreApp,Version=v9.0"));

        var error = Single(plan, "SSHIP0001"); // once: not for the PDB nor the satellite
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal(app.SourcePath, error.File);
        Assert.Contains("net9.0", error.Message);
        Assert.Contains("net8.0", error.Message);
    }

    [Theory]
    [InlineData(".NETCoreApp,Version=v8.0")]
    [InlineData(".NETCoreApp,Version=v6.0")]
    [InlineData(".NETStandard,Version=v2.1")]
    public void Compiled_output_not_newer_than_worker_is_fine(string framework)
    {
        NoDiagnostics(Plan(Compiled("App.dll", framework)));
    }

    [Fact]
    public void Real_net10_assembly_on_net8_worker_is_SSHIP0001()
    {
        // This test assembly is built for net10.0 (TargetFrameworkAttribute .NETCoreApp,Version=v10.0).
        var copy = _dir.Combine("lib/SparkShip.Sdk.Tests.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(typeof(BundlePlannerTests).Assembly.Location, copy);
        var candidate = new BundleCandidate(copy, "SparkShip.Sdk.Tests.dll", BundleFileKind.CopyLocal);

        var error = Single(Plan(candidate), "SSHIP0001");
        Assert.Equal(copy, error.File);
        Assert.Contains("net10.0", error.Message);

        NoDiagnostics(Plan(new BundlePlanOptions { RuntimeIdentifierChain = LinuxX64Chain, WorkerTargetFramework = "net10.0" }, candidate));
    }

    [Fact]
    public void Shared_runtime_assembly_on_an_older_worker_is_SSHIP0001()
    {
        // System.Private.CoreLib of the runtime running the tests (net10.0 here), read where it is installed.
        int major = Environment.Version.Major;
        var coreLib = Path.Combine(DotnetInstall.RuntimeDirectory, "System.Private.CoreLib.dll");
        var candidate = new BundleCandidate(coreLib, "System.Private.CoreLib.dll", BundleFileKind.CopyLocal);

        var error = Single(Plan(new BundlePlanOptions { RuntimeIdentifierChain = LinuxX64Chain, WorkerTargetFramework = $"net{major - 1}.0" }, candidate), "SSHIP0001");
        Assert.Equal(coreLib, error.File);
        Assert.Contains($"net{major}.0", error.Message);
    }

    [Fact]
    public void Assembly_without_target_framework_attribute_is_judged_by_system_runtime_version()
    {
        int major = TestAssemblies.RefPackSystemRuntimeMajor;
        Assert.True(major > 8, "the ref pack must be newer than the net8.0 worker for this test");
        var path = TestAssemblies.Compile(_dir.Combine("lib/NoTfm.dll"), "NoTfm");
        var candidate = new BundleCandidate(path, "NoTfm.dll", BundleFileKind.CopyLocal);

        var error = Single(Plan(candidate), "SSHIP0001");
        Assert.Contains($"net{major}.0", error.Message);
        NoDiagnostics(Plan(new BundlePlanOptions { RuntimeIdentifierChain = LinuxX64Chain, WorkerTargetFramework = $"net{major}.0" }, candidate));
    }

    [Fact]
    public void Netstandard21_assembly_on_net48_worker_is_SSHIP0001_but_fine_on_net8()
    {
        var std21 = new BundleCandidate(TestAssemblies.WithTargetFramework(_dir.Combine("lib/Std21.dll"), "Std21", ".NETStandard,Version=v2.1"), "Std21.dll", BundleFileKind.CopyLocal);
        var std20 = new BundleCandidate(TestAssemblies.WithTargetFramework(_dir.Combine("lib/Std20.dll"), "Std20", ".NETStandard,Version=v2.0"), "Std20.dll", BundleFileKind.CopyLocal);
        var net472 = new BundleCandidate(TestAssemblies.WithTargetFramework(_dir.Combine("lib/Fx.dll"), "Fx", ".NETFramework,Version=v4.7.2"), "Fx.dll", BundleFileKind.CopyLocal);

        var onNet48 = Plan(new BundlePlanOptions { RuntimeIdentifierChain = LinuxX64Chain, WorkerTargetFramework = "net48" }, std21, std20, net472);
        var error = Single(onNet48, "SSHIP0001");
        Assert.Equal(std21.SourcePath, error.File);
        Assert.Contains("netstandard2.1", error.Message);

        NoDiagnostics(Plan(std21, std20, net472));
    }

    [Fact]
    public void Net8_compiled_output_on_net48_worker_is_SSHIP0001()
    {
        var plan = Plan(new BundlePlanOptions { RuntimeIdentifierChain = LinuxX64Chain, WorkerTargetFramework = "net48" }, Compiled("App.dll"));
        Single(plan, "SSHIP0001");
    }

    [Fact]
    public void Non_managed_dll_is_not_framework_checked()
    {
        var native = Local("n/e_sqlite3.dll", "e_sqlite3.dll", content: "MZ but not really a PE image");
        NoDiagnostics(Plan(native));
    }

    [Theory]
    [InlineData("banana")]
    [InlineData("net")]
    [InlineData("")]
    public void Invalid_worker_framework_is_SSHIP0009(string worker)
    {
        var plan = Plan(new BundlePlanOptions { RuntimeIdentifierChain = LinuxX64Chain, WorkerTargetFramework = worker }, Compiled("App.dll"));

        var error = Single(plan, "SSHIP0009");
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("SparkWorkerTargetFramework", error.Message);
    }

    // ---- design doubts ------------------------------------------------------------------------------------

    [Fact]
    public void Non_package_rid_assets_from_different_origins_do_not_compete()
    {
        var own = Local("App/runtimes/linux-x64/native/libown.so", "runtimes/linux-x64/native/libown.so", BundleFileKind.Content);
        var fromProjectReference = Local("Lib/runtimes/unix/native/libother.so", "runtimes/unix/native/libother.so", BundleFileKind.Content);

        var plan = Plan(own, fromProjectReference);

        Assert.Equal(new[] { "libother.so", "libown.so" }, plan.Files.Select(f => f.ArchivePath));
    }
}
