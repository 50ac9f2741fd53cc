using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SparkShip.Tests.Support;

/// <summary>Small real assemblies compiled with Roslyn against the ref pack's System.Runtime (so they reference System.Runtime of that major).</summary>
internal static class TestAssemblies
{
    private static readonly Lazy<MetadataReference[]> References = new(() =>
        new[] { "System.Runtime.dll" }.Select(f => (MetadataReference)MetadataReference.CreateFromFile(Path.Combine(DotnetInstall.RefPackDirectory, f))).ToArray());

    public static IReadOnlyList<MetadataReference> RefPack => References.Value;

    public static int RefPackSystemRuntimeMajor =>
        System.Reflection.AssemblyName.GetAssemblyName(DotnetInstall.RefSystemRuntime).Version!.Major;

    /// <summary>Compiles <paramref name="source"/> (plus a public class) into a library at <paramref name="path"/>.</summary>
    public static string Compile(string path, string assemblyName, string source = "")
    {
        var tree = CSharpSyntaxTree.ParseText(source + "\nnamespace " + assemblyName.Replace('.', '_') + " { public class Marker { } }");
        var compilation = CSharpCompilation.Create(assemblyName, new[] { tree }, RefPack,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, deterministic: true));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var stream = File.Create(path))
        {
            var result = compilation.Emit(stream);
            if (!result.Success)
                throw new InvalidOperationException("Test assembly did not compile: " + string.Join("; ", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }
        return path;
    }

    public static string WithTargetFramework(string path, string assemblyName, string moniker) =>
        Compile(path, assemblyName, $"[assembly: System.Runtime.Versioning.TargetFramework(\"{moniker}\")]");
}
