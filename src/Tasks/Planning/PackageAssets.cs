using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace SparkShip.Tasks.Planning;

/// <summary>
/// What NuGet resolved for one target framework, read from project.assets.json ($(ProjectAssetsFile)): every
/// package and project of the graph with the dependencies it declares and the shared frameworks it needs. The
/// build's items carry each file's package, not who depends on whom; the assets file is where that graph lives.
/// </summary>
public sealed class PackageAssets
{
    private readonly Dictionary<string, AssetsLibrary> _libraries;

    private PackageAssets(Dictionary<string, AssetsLibrary> libraries) => _libraries = libraries;

    public static readonly PackageAssets Empty = new(new Dictionary<string, AssetsLibrary>(StringComparer.OrdinalIgnoreCase));

    /// <summary>Packages and projects by id (ids are case-insensitive in NuGet).</summary>
    public IReadOnlyDictionary<string, AssetsLibrary> Libraries => _libraries;

    /// <summary>Reads the file; <see cref="Empty"/> when there is none (a project without restore).</summary>
    /// <exception cref="IOException">The file exists but could not be read.</exception>
    public static PackageAssets Load(string? path, string targetFramework, string targetFrameworkMoniker)
    {
        if (string.IsNullOrEmpty(path) || !File.Exists(path)) return Empty;
        try { return Parse(File.ReadAllBytes(path!), targetFramework, targetFrameworkMoniker); }
        catch (JsonException e) { throw new IOException($"'{path}' is not a NuGet assets file: {e.Message}", e); }
    }

    /// <summary>
    /// The graph of <paramref name="targetFramework"/>: the "targets" entry named after it (NuGet names it by the
    /// target alias, older versions by the framework moniker), RID-specific graphs ("net8.0/linux-x64") aside.
    /// </summary>
    public static PackageAssets Parse(byte[] json, string targetFramework, string targetFrameworkMoniker)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var libraries = new Dictionary<string, AssetsLibrary>(StringComparer.OrdinalIgnoreCase);
        if (!root.TryGetProperty("targets", out var targets) || targets.ValueKind != JsonValueKind.Object) return new PackageAssets(libraries);

        var graphs = targets.EnumerateObject().Where(t => t.Name.IndexOf('/') < 0).ToList();
        var graph = graphs.FirstOrDefault(t => string.Equals(t.Name, targetFramework, StringComparison.OrdinalIgnoreCase));
        if (graph.Value.ValueKind == JsonValueKind.Undefined) graph = graphs.FirstOrDefault(t => string.Equals(t.Name, targetFrameworkMoniker, StringComparison.OrdinalIgnoreCase));
        if (graph.Value.ValueKind == JsonValueKind.Undefined && graphs.Count == 1) graph = graphs[0];
        if (graph.Value.ValueKind != JsonValueKind.Object) return new PackageAssets(libraries);

        root.TryGetProperty("libraries", out var descriptions);
        foreach (var entry in graph.Value.EnumerateObject())
        {
            int slash = entry.Name.IndexOf('/');
            if (slash <= 0) continue;
            var library = new AssetsLibrary(entry.Name.Substring(0, slash), entry.Name.Substring(slash + 1), String(entry.Value, "type") ?? "package");
            if (entry.Value.TryGetProperty("dependencies", out var dependencies) && dependencies.ValueKind == JsonValueKind.Object)
                foreach (var d in dependencies.EnumerateObject())
                    library.Dependencies[d.Name] = d.Value.ValueKind == JsonValueKind.String ? d.Value.GetString() ?? "" : "";
            if (entry.Value.TryGetProperty("frameworkReferences", out var frameworks) && frameworks.ValueKind == JsonValueKind.Array)
                foreach (var f in frameworks.EnumerateArray())
                    if (f.ValueKind == JsonValueKind.String) library.FrameworkReferences.Add(f.GetString()!);
            if (descriptions.ValueKind == JsonValueKind.Object && descriptions.TryGetProperty(entry.Name, out var description))
                library.Path = String(description, "path");
            libraries[library.Id] = library;
        }
        return new PackageAssets(libraries);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>One package or project of the restored graph.</summary>
public sealed class AssetsLibrary
{
    public AssetsLibrary(string id, string version, string type) { Id = id; Version = version; Type = type; }

    public string Id { get; }
    /// <summary>The version NuGet resolved.</summary>
    public string Version { get; }
    /// <summary>"package" or "project".</summary>
    public string Type { get; }
    public bool IsProject => string.Equals(Type, "project", StringComparison.OrdinalIgnoreCase);
    /// <summary>Dependency id → the version range it declares (as the assets file writes it).</summary>
    public Dictionary<string, string> Dependencies { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Shared frameworks it needs (FrameworkReference), e.g. Microsoft.AspNetCore.App.</summary>
    public List<string> FrameworkReferences { get; } = new();
    /// <summary>For a project, its project file relative to the app's; for a package, its folder in the package cache.</summary>
    public string? Path { get; set; }
}
