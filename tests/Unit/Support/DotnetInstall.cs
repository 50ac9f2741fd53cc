using System.Runtime.InteropServices;

namespace SparkShip.Tests.Support;

/// <summary>Files of the .NET installation that runs the tests (the SDK's RID graph, the ref pack, the shared runtime).</summary>
internal static class DotnetInstall
{
    /// <summary>The dotnet root: …/shared/Microsoft.NETCore.App/&lt;version&gt;/ is three levels below it.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Folder of the running shared runtime (implementation assemblies such as System.Private.CoreLib.dll).</summary>
    public static string RuntimeDirectory { get; } = RuntimeEnvironment.GetRuntimeDirectory();

    public static string RidGraph => Newest(Path.Combine(Root, "sdk"), "*", "PortableRuntimeIdentifierGraph.json");

    /// <summary>The newest Microsoft.NETCore.App.Ref's ref/net*/ folder: real reference assemblies.</summary>
    public static string RefPackDirectory
    {
        get
        {
            var pack = Path.Combine(Root, "packs", "Microsoft.NETCore.App.Ref");
            var found = Directory.Exists(pack)
                ? Directory.GetDirectories(pack).SelectMany(v => Directory.Exists(Path.Combine(v, "ref")) ? Directory.GetDirectories(Path.Combine(v, "ref"), "net*") : Array.Empty<string>())
                           .Where(d => File.Exists(Path.Combine(d, "System.Runtime.dll")))
                           .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
                : null;
            return found ?? throw new InvalidOperationException($"No Microsoft.NETCore.App.Ref pack with System.Runtime.dll under {pack}.");
        }
    }

    public static string RefSystemRuntime => Path.Combine(RefPackDirectory, "System.Runtime.dll");

    private static string FindRoot()
    {
        // <root>/shared/Microsoft.NETCore.App/<version>/
        var runtime = new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar));
        var root = runtime.Parent?.Parent?.Parent?.FullName;
        return root != null && Directory.Exists(Path.Combine(root, "sdk")) ? root : "/usr/share/dotnet";
    }

    private static string Newest(string folder, string versionPattern, string file)
    {
        var found = Directory.Exists(folder)
            ? Directory.GetDirectories(folder, versionPattern).Select(d => Path.Combine(d, file)).Where(File.Exists)
                       .OrderByDescending(p => p, StringComparer.Ordinal).FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException($"No {file} under {folder}.");
    }
}
