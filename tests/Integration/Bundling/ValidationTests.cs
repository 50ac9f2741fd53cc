using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Bundling;

/// <summary>The coded diagnostics of docs/diagnostics.md, each provoked by a real build.</summary>
public class ValidationTests
{
    [Fact]
    public void Two_different_files_flattening_to_one_name_are_an_error_naming_both()
    {
        var p = Scenarios.AppWithLibrary(extraAppItems: """
            <None Include="native/a/libfoo.so" CopyToOutputDirectory="PreserveNewest" />
            <None Include="native/b/libfoo.so" CopyToOutputDirectory="PreserveNewest" />
            """);
        p.Write("App/native/a/libfoo.so", "first");
        p.Write("App/native/b/libfoo.so", "second");

        var build = p.Build("App/App.csproj").AssertFailure();

        var error = Assert.Single(build.Diagnostics("SSHIP0003"));
        Assert.Contains("libfoo.so", error);
        Assert.Contains(p.PathOf("App/native/a/libfoo.so"), error);
        Assert.Contains(p.PathOf("App/native/b/libfoo.so"), error);
        Assert.False(Directory.Exists(p.PathOf("App/bin/Debug/net8.0/spark-bundle")));
    }

    [Fact]
    public void Identical_files_flattening_to_one_name_are_shipped_once()
    {
        var p = Scenarios.AppWithLibrary(extraAppItems: """
            <None Include="native/a/libfoo.so" CopyToOutputDirectory="PreserveNewest" />
            <None Include="native/b/libfoo.so" CopyToOutputDirectory="PreserveNewest" />
            """);
        p.Write("App/native/a/libfoo.so", "same");
        p.Write("App/native/b/libfoo.so", "same");

        p.Build("App/App.csproj").AssertSuccess();

        Assert.Single(new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle")).AppEntries, e => e == "libfoo.so");
    }

    [Fact]
    public void An_assembly_targeting_a_framework_newer_than_the_worker_is_an_error()
    {
        var p = Scenarios.AppWithLibrary(extraAppItems: """
            <Reference Include="NewLib"><HintPath>../NewLib/bin/Release/net10.0/NewLib.dll</HintPath></Reference>
            """);
        p.Write("NewLib/NewLib.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
            </Project>
            """);
        p.Write("NewLib/Class1.cs", "namespace NewLib; public static class Greeter { public static string Hi() => \"hi\"; }");
        p.Build("NewLib/NewLib.csproj", "-c", "Release").AssertSuccess();

        var build = p.Build("App/App.csproj", "-p:NoWarn=MSB3277%3BCS1701%3BCS1705").AssertFailure();

        var error = Assert.Single(build.Diagnostics("SSHIP0001"));
        Assert.Contains("NewLib.dll", error);
        Assert.Contains("net10.0", error);
        Assert.Contains("net8.0", error);
    }

    [Fact]
    public void A_package_with_native_assets_but_none_for_the_cluster_runtime_is_a_warning()
    {
        var p = Scenarios.AppWithLibrary(extraAppProperties: "<SparkClusterRuntimeIdentifier>freebsd-x64</SparkClusterRuntimeIdentifier>");

        var build = p.Build("App/App.csproj").AssertSuccess();

        var warning = Assert.Single(build.Diagnostics("SSHIP0002"));
        Assert.Contains("SQLitePCLRaw.lib.e_sqlite3", warning);
        Assert.Contains("freebsd-x64", warning);
        var deps = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle")).DependencyEntries;
        Assert.DoesNotContain(deps, e => e.EndsWith(".so") || e.EndsWith(".dylib") || e == "e_sqlite3.dll");
    }

    [Fact]
    public void An_old_native_package_beside_a_newer_one_that_ships_the_cluster_native_does_not_warn()
    {
        // SQLitePCLRaw.lib.e_sqlite3.linux 1.1.14 ships runtimes/linux-x64/native/libe_sqlite3.so too; the SDK keeps
        // the newer SQLitePCLRaw.lib.e_sqlite3 2.1.13 copy (conflict resolution), so the old package is left with
        // natives for other runtimes only. The bundle holds a working libe_sqlite3.so: no SSHIP0002.
        var p = Scenarios.AppWithLibrary(extraAppItems: """<PackageReference Include="SQLitePCLRaw.lib.e_sqlite3.linux" Version="1.1.14" />""");

        var build = p.Build("App/App.csproj").AssertSuccess();

        Assert.Empty(build.Diagnostics("SSHIP0002"));
        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        Assert.Contains("libe_sqlite3.so", bundle.DependencyEntries);
        using var deps = System.IO.Compression.ZipFile.OpenRead(bundle.PathOf(bundle.DependencyArchive!));
        using var shipped = new MemoryStream();
        using (var entry = deps.GetEntry("libe_sqlite3.so")!.Open()) entry.CopyTo(shipped);
        var current = File.ReadAllBytes(Path.Combine(p.Env.PackageCache, "sqlitepclraw.lib.e_sqlite3", Scenarios.SqliteVersion, "runtimes", "linux-x64", "native", "libe_sqlite3.so"));
        Assert.Equal(current, shipped.ToArray());
    }

    [Fact]
    public void A_bundle_above_the_size_threshold_is_a_warning()
    {
        var p = Scenarios.AppWithLibrary(extraAppProperties: "<SparkBundleSizeWarningThresholdMB>0.25</SparkBundleSizeWarningThresholdMB>");
        var build = p.Build("App/App.csproj").AssertSuccess();
        var warning = Assert.Single(build.Diagnostics("SSHIP0005"));
        Assert.Contains("spark-bundle", warning);
    }

    [Fact]
    public void Items_and_properties_add_and_remove_files()
    {
        var p = Scenarios.AppWithLibrary(
            extraAppProperties: """
                <SparkBundleIncludeSymbols>false</SparkBundleIncludeSymbols>
                <SparkBundleExcludePatterns>*.txt</SparkBundleExcludePatterns>
                """,
            extraAppItems: """
                <SparkBundleInclude Include="extra/settings.json" ArchivePath="conf/settings.json" />
                <SparkBundleExclude Include="SQLitePCLRaw.batteries_v2.dll" />
                """);
        p.Write("App/extra/settings.json", "{}");

        p.Build("App/App.csproj").AssertSuccess();

        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        Assert.Equal(new[] { "App.dll", "Lib.dll", "conf/settings.json", "sparkship-manifest.json" }, bundle.AppEntries.OrderBy(e => e, StringComparer.Ordinal));
        Assert.DoesNotContain("SQLitePCLRaw.batteries_v2.dll", bundle.DependencyEntries);
        Assert.Contains("libe_sqlite3.so", bundle.DependencyEntries);
    }
}

public class InputGuardTests
{
    [Fact]
    public void Files_that_commonly_hold_secrets_are_a_warning_and_an_exclude_item_removes_them()
    {
        var items = """
            <None Include="secrets.json;cert.pfx;tls.pem;.env" CopyToOutputDirectory="PreserveNewest" />
            """;
        var p = Scenarios.AppWithLibrary(extraAppItems: items);
        foreach (var f in new[] { "secrets.json", "cert.pfx", "tls.pem", ".env" }) p.Write("App/" + f, "secret");

        var build = p.Build("App/App.csproj").AssertSuccess();

        var warnings = build.Diagnostics("SSHIP0011");
        Assert.Equal(4, warnings.Count);
        foreach (var f in new[] { "secrets.json", "cert.pfx", "tls.pem", ".env" })
            Assert.Contains(warnings, w => w.Contains(p.PathOf("App/" + f)));

        p.Edit("App/App.csproj", "</ItemGroup>", """
            <SparkBundleExclude Include="secrets.json;cert.pfx;tls.pem;.env" />
            </ItemGroup>
            """);
        var clean = p.Build("App/App.csproj").AssertSuccess();
        Assert.Empty(clean.Diagnostics("SSHIP0011"));
        var current = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        var generated = p.Read("App/obj/Debug/net8.0/SparkBundle.g.cs");
        var app = current.Archives.Single(a => generated.Contains($"AppArchive = \"{a}\""));
        Assert.DoesNotContain(Bundle.Entries(current.PathOf(app)), e => e is "secrets.json" or "cert.pfx" or "tls.pem" or ".env");
    }

    [Fact]
    public void A_symbolic_link_leading_outside_the_project_is_not_followed()
    {
        var outside = Path.Combine(Path.GetTempPath(), "sparkship-outside-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "private.txt"), "not for the cluster");
        try
        {
            var p = Scenarios.AppWithLibrary(extraAppItems: """
                <None Include="link.txt;inside-link.txt" CopyToOutputDirectory="PreserveNewest" />
                """);
            File.CreateSymbolicLink(p.PathOf("App/link.txt"), Path.Combine(outside, "private.txt"));
            File.CreateSymbolicLink(p.PathOf("App/inside-link.txt"), p.PathOf("App/data/words.txt"));

            var build = p.Build("App/App.csproj").AssertSuccess();

            var warning = Assert.Single(build.Diagnostics("SSHIP0012"));
            Assert.Contains(p.PathOf("App/link.txt"), warning);
            var entries = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle")).AppEntries;
            Assert.DoesNotContain("link.txt", entries);
            Assert.Contains("inside-link.txt", entries);   // a link within the project is an ordinary input
        }
        finally
        {
            Directory.Delete(outside, true);
        }
    }
}
