using System;
using System.Collections.Generic;
using System.IO;
using System.Xml;

namespace SparkShip.Tasks.Planning;

/// <summary>
/// The assemblies of a shared framework and their versions, from its targeting pack's data/FrameworkList.xml
/// (&lt;File Type="Managed" AssemblyName="System.Text.Json" AssemblyVersion="8.0.0.0" /&gt;): what the runtime of
/// that framework loads in place of an app's copy.
/// </summary>
public sealed class SharedFrameworkList
{
    private SharedFrameworkList(string name, string packVersion, Dictionary<string, Version> assemblies)
    {
        Name = name;
        PackVersion = packVersion;
        Assemblies = assemblies;
    }

    /// <summary>The framework, e.g. Microsoft.NETCore.App.</summary>
    public string Name { get; }
    /// <summary>The targeting pack's version, e.g. 8.0.31.</summary>
    public string PackVersion { get; }
    /// <summary>Assembly simple name → assembly version (names compared ignoring case).</summary>
    public IReadOnlyDictionary<string, Version> Assemblies { get; }

    /// <summary>The framework's major.minor (8.0 for pack 8.0.31), or null.</summary>
    public Version? FrameworkVersion =>
        Version.TryParse(PackVersion.Split('-')[0], out var v) ? new Version(v.Major, v.Minor) : null;

    /// <exception cref="IOException">The file could not be read or is not a framework list.</exception>
    public static SharedFrameworkList Load(string name, string path, string packVersion)
    {
        using var stream = File.OpenRead(path);
        return Parse(name, stream, packVersion);
    }

    public static SharedFrameworkList Parse(string name, Stream xml, string packVersion)
    {
        var assemblies = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var reader = XmlReader.Create(xml, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "File") continue;
                var type = reader.GetAttribute("Type");
                if (type != null && !string.Equals(type, "Managed", StringComparison.OrdinalIgnoreCase)) continue;
                var assembly = reader.GetAttribute("AssemblyName");
                if (assembly != null && Version.TryParse(reader.GetAttribute("AssemblyVersion"), out var version)) assemblies[assembly] = version;
            }
        }
        catch (XmlException e) { throw new IOException($"The framework list of {name} is not valid XML: {e.Message}", e); }
        return new SharedFrameworkList(name, packVersion, assemblies);
    }
}
