using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Bundling;

/// <summary>
/// The packed SDK's layout. Visual Studio's .NET Framework MSBuild cannot run on this machine, so the net472 task
/// folder is checked statically: everything the task assembly (transitively) references must ship beside it,
/// unless .NET Framework or MSBuild itself provides it.
/// </summary>
public class PackageLayoutTests
{
    private static readonly HashSet<string> ProvidedByFrameworkOrMSBuild = new(StringComparer.OrdinalIgnoreCase)
    {
        "mscorlib", "System", "System.Core", "System.Xml", "System.Xml.Linq", "System.Data", "System.Numerics", "System.Runtime.Serialization",
        "System.IO.Compression", "System.IO.Compression.FileSystem", "System.ComponentModel.Composition", "System.Configuration",
        "netstandard", "Microsoft.Build.Framework", "Microsoft.Build.Utilities.Core", "Microsoft.Build", "System.Net.Http",
    };

    [Fact]
    public void The_package_has_both_entry_points_and_self_contained_task_folders()
    {
        var nupkg = Directory.GetFiles(TestEnvironment.Instance.Feed, "SparkShip.Sdk.*.nupkg").Single();
        using var zip = ZipFile.OpenRead(nupkg);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet();
        foreach (var required in new[] { "Sdk/Sdk.props", "Sdk/Sdk.targets", "build/SparkShip.Sdk.props", "build/SparkShip.Sdk.targets",
                     "tasks/net8.0/SparkShip.Sdk.Tasks.dll", "tasks/net472/SparkShip.Sdk.Tasks.dll", "shim/Runtime/SparkBundleVerifier.cs", "shim/Spark/SparkBundleAttachment.cs" })
            Assert.Contains(required, names);
        Assert.DoesNotContain(names, n => n.Contains("Microsoft.Build.", StringComparison.OrdinalIgnoreCase) && n.EndsWith(".dll"));
        using (var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open()))
            Assert.Contains("<packageType name=\"MSBuildSdk\" />", nuspec.ReadToEnd());

        foreach (var tfm in new[] { "net472", "net8.0" })
        {
            var folder = zip.Entries.Where(e => e.FullName.StartsWith($"tasks/{tfm}/") && e.FullName.EndsWith(".dll"))
                .ToDictionary(e => Path.GetFileNameWithoutExtension(e.Name), e => ReadReferences(e), StringComparer.OrdinalIgnoreCase);
            foreach (var (assembly, (version, references)) in folder)
                foreach (var (name, wanted) in references)
                {
                    if (folder.TryGetValue(name, out var shipped))
                        Assert.True(shipped.version >= wanted, $"tasks/{tfm}/{assembly} needs {name} {wanted}, the package ships {shipped.version}");
                    else if (tfm == "net472")
                        Assert.True(ProvidedByFrameworkOrMSBuild.Contains(name) || name.StartsWith("System.", StringComparison.Ordinal) && IsFacade(name),
                            $"tasks/net472/{assembly} references {name} {wanted}, which is neither shipped nor part of .NET Framework/MSBuild");
                }
        }
    }

    // .NET Framework 4.7.2 carries these facades itself.
    private static bool IsFacade(string name) => name is "System.Runtime" or "System.Runtime.InteropServices" or "System.Collections" or "System.Threading"
        or "System.Threading.Tasks" or "System.Reflection" or "System.Diagnostics.Debug" or "System.Runtime.Extensions" or "System.Linq" or "System.IO"
        or "System.Text.Encoding" or "System.Globalization" or "System.Resources.ResourceManager" or "System.Diagnostics.Tracing" or "System.Text.Encoding.Extensions"
        or "System.Runtime.InteropServices.RuntimeInformation" or "System.Diagnostics.Process" or "System.Collections.Concurrent" or "System.Threading.Thread";

    private static (Version version, List<(string name, Version version)>) ReadReferences(ZipArchiveEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var s = entry.Open()) s.CopyTo(buffer);
        buffer.Position = 0;
        using var pe = new PEReader(buffer);
        var md = pe.GetMetadataReader();
        var refs = md.AssemblyReferences.Select(h => md.GetAssemblyReference(h)).Select(r => (md.GetString(r.Name), r.Version)).ToList();
        return (md.GetAssemblyDefinition().Version, refs);
    }
}
