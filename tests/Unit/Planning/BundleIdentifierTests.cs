using SparkShip.Runtime;
using SparkShip.Tasks;
using SparkShip.Tasks.Hashing;
using SparkShip.Tasks.Planning;
using SparkShip.Tests.Support;
using Xunit;

namespace SparkShip.Tests.Planning;

/// <summary>
/// The identify step as a plain class: which inputs rename which layer (content addressing), and the checks it
/// makes. The inputs are the records the targets pass (<see cref="BundleInputs.Parse"/>), over real files.
/// </summary>
public sealed class BundleIdentifierTests : IDisposable
{
    private readonly TempFolder _dir = new("identify");
    private readonly Dictionary<string, string> _options = new()
    {
        ["AssemblyName"] = "App", ["ArchivePrefix"] = "App", ["TargetFramework"] = "net8.0",
        ["TargetFrameworkMoniker"] = ".NETCoreApp,Version=v8.0", ["BundleDirectory"] = "spark-bundle",
        ["ClusterRuntimeIdentifier"] = "linux-x64", ["WorkerTargetFramework"] = "net8.0", ["Deterministic"] = "true",
    };
    private readonly List<string> _files = new();

    public BundleIdentifierTests()
    {
        _options["ProjectDirectory"] = _dir.Combine("App");
        _options["GeneratedSource"] = _dir.Combine("App/obj/SparkBundle.g.cs");
        Record("Compiled", _dir.Combine("App/obj/App.dll"), "App.dll");
        Record("Source", _dir.WriteOld("App/Program.cs", "class P { static void Main() { } }"));
        Record("Source", _dir.WriteOld("App/obj/SparkBundle.g.cs", "// generated: not an input of the name it carries"));
        Record("Reference", _dir.WriteOld("ref/System.Runtime.dll", "reference assembly bytes"));
        Record("CopyLocal", _dir.WriteOld("Lib/bin/Lib.dll", "lib v1"), "", "", "", "", "");
        Record("CopyLocal", _dir.WriteOld("packages/humanizer/Humanizer.dll", "humanizer"), "", "Humanizer.Core", "2.14.1", "", "runtime");
        Record("Property", "DefineConstants", "TRACE;DEBUG");
    }

    public void Dispose() => _dir.Dispose();

    private void Record(string kind, params string[] fields) => _files.Add(string.Join("\t", new[] { kind }.Concat(fields)));

    private BundleInputs Inputs() =>
        BundleInputs.Parse(_options.Select(o => $"Option\t{o.Key}\t{o.Value}").Concat(_files));

    private BundleIdentification Identify() => new BundleIdentifier(FileHashCache.Load(null), "1.0.0").Identify(Inputs());

    private BundleIdentity Identity()
    {
        var found = Identify();
        Assert.False(found.HasErrors, string.Join("\n", found.Diagnostics));
        return found.Identity!;
    }

    [Fact]
    public void The_identity_names_both_layers_from_their_fingerprints()
    {
        var id = Identity();

        Assert.Equal(SparkBundleNames.Archive("App", "app", id.AppFingerprint), id.AppArchive);
        Assert.Equal(SparkBundleNames.Archive("App", "deps", id.DependencyFingerprint), id.DependencyArchive);
        Assert.Equal(("1.0.0", "App", "net8.0", "spark-bundle", "linux-x64"), (id.SdkVersion, id.AssemblyName, id.TargetFramework, id.Directory, id.ClusterRuntimeIdentifier));
        Assert.Null(id.SparkVersion);
        var plan = Identify().Plan.Files.Select(f => (f.ArchivePath, f.Layer)).ToList();
        Assert.Equal(new[] { ("App.dll", BundleLayer.App), ("Humanizer.dll", BundleLayer.Dependencies), ("Lib.dll", BundleLayer.App) }, plan);
    }

    [Fact]
    public void The_same_inputs_give_the_same_names()
    {
        Assert.Equal(BundleIdentityFile.Format(Identity()), BundleIdentityFile.Format(Identity()));
    }

    [Fact]
    public void A_source_edit_renames_the_app_layer_only()
    {
        var before = Identity();
        File.WriteAllText(_dir.Combine("App/Program.cs"), "class P { static void Main() { System.Console.WriteLine(); } }");
        var after = Identity();
        Assert.NotEqual(before.AppArchive, after.AppArchive);
        Assert.Equal(before.DependencyArchive, after.DependencyArchive);
    }

    [Fact]
    public void A_project_reference_edit_renames_the_app_layer_only()
    {
        var before = Identity();
        File.WriteAllText(_dir.Combine("Lib/bin/Lib.dll"), "lib v2");
        var after = Identity();
        Assert.NotEqual(before.AppArchive, after.AppArchive);
        Assert.Equal(before.DependencyArchive, after.DependencyArchive);
    }

    [Fact]
    public void A_package_change_renames_both_layers_since_the_app_manifest_names_the_dependency_archive()
    {
        var before = Identity();
        File.WriteAllText(_dir.Combine("packages/humanizer/Humanizer.dll"), "humanizer 3");
        var after = Identity();
        Assert.NotEqual(before.DependencyArchive, after.DependencyArchive);
        Assert.NotEqual(before.AppArchive, after.AppArchive);
    }

    [Fact]
    public void A_compile_property_renames_the_app_layer()
    {
        var before = Identity();
        _files[_files.Count - 1] = "Property\tDefineConstants\tTRACE;DEBUG;EXTRA";
        Assert.NotEqual(before.AppArchive, Identity().AppArchive);
    }

    [Fact]
    public void Where_a_reference_lives_does_not_count_only_its_name_and_bytes()
    {
        var before = Identity();
        var moved = _dir.WriteOld("elsewhere/System.Runtime.dll", "reference assembly bytes");
        _files[_files.FindIndex(r => r.StartsWith("Reference\t", StringComparison.Ordinal))] = "Reference\t" + moved;
        Assert.Equal(before.AppArchive, Identity().AppArchive);
    }

    [Fact]
    public void The_generated_source_is_not_an_input_of_the_name_it_carries()
    {
        var before = Identity();
        File.WriteAllText(_dir.Combine("App/obj/SparkBundle.g.cs"), "// rewritten with the new names");
        Assert.Equal(before.AppArchive, Identity().AppArchive);
    }

    [Fact]
    public void Sources_count_by_the_path_the_compiler_embeds()
    {
        var before = Identity();
        _options["PathMap"] = _dir.Combine("App") + "=/_/";
        Assert.NotEqual(before.AppArchive, Identity().AppArchive);
        Assert.Contains("/_/Program.cs", Identify().FingerprintInputs[BundleLayer.App].Text());
    }

    [Fact]
    public void Without_packages_there_is_no_dependency_layer()
    {
        _files.RemoveAll(r => r.Contains("Humanizer.Core", StringComparison.Ordinal));
        var id = Identity();
        Assert.Equal("", id.DependencyArchive);
        Assert.Equal("", id.DependencyFingerprint);
        Assert.False(Identify().FingerprintInputs.ContainsKey(BundleLayer.Dependencies));
    }

    [Fact]
    public void Ignored_files_such_as_the_drivers_runtimeconfig_stay_out()
    {
        var config = _dir.WriteOld("App/obj/App.runtimeconfig.json", "{}");
        Record("Content", config, "App.runtimeconfig.json", "");
        Assert.Contains(Identify().Plan.Files, f => f.ArchivePath == "App.runtimeconfig.json");
        Record("Ignored", config);
        Assert.DoesNotContain(Identify().Plan.Files, f => f.ArchivePath == "App.runtimeconfig.json");
    }

    [Fact]
    public void The_spark_version_comes_from_the_package_and_joins_the_app_fingerprint()
    {
        var before = Identity();
        Record("SparkReference", _dir.WriteOld("packages/spark/Microsoft.Spark.dll", "not loaded: the package says"), "Microsoft.Spark", "2.3.1");
        var after = Identity();
        Assert.Equal("2.3.1", after.SparkVersion);
        Assert.NotEqual(before.AppArchive, after.AppArchive);
        Assert.DoesNotContain(Identify().Plan.Files, f => f.ArchivePath == "Microsoft.Spark.dll");
    }

    [Fact]
    public void Without_a_package_version_the_spark_version_is_read_from_the_assembly()
    {
        var spark = TestAssemblies.Compile(_dir.Combine("standin/Microsoft.Spark.dll"), "Microsoft.Spark",
            "[assembly: System.Reflection.AssemblyInformationalVersion(\"2.3.1+abcdef\")]");
        Record("SparkReference", spark, "", "");
        Assert.Equal("2.3.1", Identity().SparkVersion);
    }

    [Theory]
    [InlineData("3.0.0", "SSHIP0004")]
    [InlineData("two", "SSHIP0009")]
    public void A_worker_of_another_major_version_or_no_version_is_an_error(string worker, string code)
    {
        Record("SparkReference", _dir.WriteOld("packages/spark/Microsoft.Spark.dll", "x"), "Microsoft.Spark", "2.3.1");
        _options["WorkerVersion"] = worker;
        var found = Identify();
        Assert.Contains(found.Diagnostics, d => d.Code == code && d.Severity == DiagnosticSeverity.Error);
        Assert.Null(found.Identity);
    }

    [Fact]
    public void A_worker_of_the_same_major_version_is_fine() =>
        Assert.Null(BundleIdentifier.CheckWorkerVersion("2.3.1", "2.1.0-preview"));

    [Fact]
    public void A_non_deterministic_compile_is_warned_about_and_still_identified()
    {
        _options["Deterministic"] = "false";
        var found = Identify();
        Assert.Contains(found.Diagnostics, d => d.Code == "SSHIP0008" && d.Severity == DiagnosticSeverity.Warning);
        Assert.NotNull(found.Identity);
    }

    // NuGet's graph as project.assets.json writes it: Microsoft.Spark depends on Newtonsoft.Json, the app's Lib needs ASP.NET Core.
    private string AssetsFile(bool libNeedsAspNetCore = false) => _dir.Write("App/obj/project.assets.json", $$"""
        {
          "targets": { "net8.0": {
            "Microsoft.Spark/2.3.1": { "type": "package", "dependencies": { "Newtonsoft.Json": "13.0.3" } },
            "Newtonsoft.Json/13.0.3": { "type": "package" },
            "Humanizer.Core/2.14.1": { "type": "package" },
            "Lib/1.0.0": { "type": "project"{{(libNeedsAspNetCore ? ", \"frameworkReferences\": [ \"Microsoft.AspNetCore.App\" ]" : "")}} }
          } },
          "libraries": { "Lib/1.0.0": { "type": "project", "path": "../Lib/Lib.csproj" } }
        }
        """);

    [Fact]
    public void Microsoft_Spark_s_dependencies_are_left_out_since_the_worker_brings_them()
    {
        Record("CopyLocal", _dir.WriteOld("packages/newtonsoft.json/Newtonsoft.Json.dll", "json"), "", "Newtonsoft.Json", "13.0.3", "", "runtime");
        var before = Identity();
        Assert.Contains(Identify().Plan.Files, f => f.ArchivePath == "Newtonsoft.Json.dll");

        _options["ProjectAssetsFile"] = AssetsFile();
        var found = Identify();
        Assert.DoesNotContain(found.Plan.Files, f => f.ArchivePath == "Newtonsoft.Json.dll");
        Assert.Contains(found.Plan.Files, f => f.ArchivePath == "Humanizer.dll");
        Assert.Contains(found.Plan.Excluded, e => e.Candidate.PackageId == "Newtonsoft.Json" && e.Reason.Contains("worker brings"));
        Assert.DoesNotContain(found.Diagnostics, d => d.Code == "SSHIP0013");
        Assert.NotEqual(before.DependencyArchive, found.Identity!.DependencyArchive);

        // Still left out when the app asks for it at a higher version, with a warning.
        _files[_files.Count - 1] = _files[^1].Replace("\t13.0.3\t", "\t13.0.4\t");
        Assert.Contains(Identify().Diagnostics, d => d.Code == "SSHIP0013" && d.Message.Contains("13.0.4") && d.Message.Contains("13.0.3"));

        // SparkBundleExcludeMicrosoftSpark=false ships what the worker brings too.
        _options["ExcludeMicrosoftSpark"] = "false";
        Assert.Contains(Identify().Plan.Files, f => f.ArchivePath == "Newtonsoft.Json.dll");
    }

    [Fact]
    public void A_library_that_needs_ASP_NET_Core_is_an_error_and_nothing_is_identified()
    {
        _options["ProjectAssetsFile"] = AssetsFile(libNeedsAspNetCore: true);
        var found = Identify();
        var error = Assert.Single(found.Diagnostics, d => d.Code == "SSHIP0014");
        Assert.Contains("Microsoft.AspNetCore.App", error.Message);
        Assert.Contains("'Lib'", error.Message);
        Assert.Equal(Path.GetFullPath(_dir.Combine("Lib/Lib.csproj")), error.File);
        Assert.Null(found.Identity);
    }

    [Fact]
    public void The_fingerprint_inputs_say_why_a_name_changed()
    {
        var text = Identify().FingerprintInputs[BundleLayer.App].Text();
        Assert.Contains("DefineConstants=TRACE;DEBUG", text);
        Assert.Contains("System.Runtime.dll\t", text);
        Assert.Contains("App.dll\tcompiled", text);
        Assert.DoesNotContain(_dir.Combine("ref"), text); // where references live is not an input
    }
}

public sealed class BundleInputsTests
{
    [Fact]
    public void Records_give_options_candidates_and_compile_inputs()
    {
        var inputs = BundleInputs.Parse(new[]
        {
            "Compiled\t/p/obj/App.dll\tApp.dll",
            "Option\tTargetFrameworkMoniker\t.NETCoreApp,Version=v8.0",
            "Option\tIncludeSymbols\tfalse",
            "Option\tExcludePatterns\t*.xml;docs/**",
            "CopyLocal\t/n/x/runtimes/linux-x64/native/libx.so\truntimes\\linux-x64\\native\tX\t1.0.0\tlinux-x64\tnative",
            "Content\t/p/data.txt\tdata/data.txt\t",
            "Include\t/p/conf.json\tconf/conf.json\tDEPS",
            "Exclude\tNewtonsoft.Json.dll\t/p/Newtonsoft.Json.dll",
            "Property\tDefineConstants\tA;B",
            "InputRoot\t/p",
        });

        Assert.False(inputs.IncludeSymbols);
        Assert.True(inputs.ExcludeMicrosoftSpark); // empty: the default
        Assert.Equal("*.xml;docs/**", inputs.ExcludePatterns);
        var compiled = inputs.Candidates[0];
        Assert.Equal((BundleFileKind.Compiled, "App.dll", ".NETCoreApp,Version=v8.0"), (compiled.Kind, compiled.TargetPath, compiled.DeclaredFramework));
        var native = inputs.Candidates[1];
        Assert.Equal(("runtimes/linux-x64/native/libx.so", "X", "linux-x64", "native"), (native.TargetPath, native.PackageId, native.RuntimeIdentifier, native.AssetType));
        Assert.Equal("1.0.0", Assert.Single(inputs.PackageFiles).PackageVersion);
        Assert.Null(inputs.Candidates[2].PackageId);
        Assert.Equal(BundleLayer.Dependencies, inputs.Candidates[3].LayerOverride);
        Assert.Equal(new[] { "Newtonsoft.Json.dll", "/p/Newtonsoft.Json.dll" }, inputs.ExcludedPaths);
        Assert.Equal(new[] { "DefineConstants=A;B" }, inputs.CompileProperties);
        Assert.Equal(new[] { "/p" }, inputs.InputRoots);
    }

    [Theory]
    [InlineData("Option\tNoSuchOption\tx")]
    [InlineData("NoSuchKind\t/p/x")]
    public void A_record_the_parser_does_not_know_is_an_error_not_an_input_silently_dropped(string record) =>
        Assert.Throws<FormatException>(() => BundleInputs.Parse(new[] { record }));
}

public sealed class BundleIdentityFileTests : IDisposable
{
    private readonly TempFolder _dir = new("identity-file");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void An_identity_reads_back_as_written()
    {
        var id = new BundleIdentity
        {
            SdkVersion = "1.0.0", AssemblyName = "App", TargetFramework = "net8.0", Directory = "spark-bundle", ClusterRuntimeIdentifier = "linux-x64",
            SparkVersion = "2.3.1", AppArchive = "App.app-0123456789abcdef.zip", AppFingerprint = new string('a', 32),
            DependencyArchive = "App.deps-fedcba9876543210.zip", DependencyFingerprint = new string('d', 32),
        };
        var path = _dir.Write("identity.txt", BundleIdentityFile.Format(id));
        Assert.Equal(BundleIdentityFile.Format(id), BundleIdentityFile.Format(BundleIdentityFile.Read(path)));
        Assert.Contains("AppArchive=App.app-0123456789abcdef.zip\n", File.ReadAllText(path)); // a key the targets read
    }

    [Fact]
    public void A_file_that_names_no_app_archive_is_refused()
    {
        var path = _dir.Write("identity.txt", "SparkVersion=2.3.1\n");
        Assert.Throws<InvalidDataException>(() => BundleIdentityFile.Read(path));
    }
}
