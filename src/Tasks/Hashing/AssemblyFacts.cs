using System;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace SparkShip.Tasks.Hashing;

/// <summary>What SparkShip needs to know about an assembly file, read from its metadata without loading it.</summary>
public sealed class AssemblyFacts
{
    public static readonly AssemblyFacts NotManaged = new(false, null, null, false, null, null);

    public AssemblyFacts(bool isManaged, string? targetFramework, int? systemRuntimeMajor, bool isReferenceAssembly, string? informationalVersion, string? version)
    {
        IsManaged = isManaged;
        TargetFramework = targetFramework;
        SystemRuntimeMajor = systemRuntimeMajor;
        IsReferenceAssembly = isReferenceAssembly;
        InformationalVersion = informationalVersion;
        Version = version;
    }

    public bool IsManaged { get; }
    /// <summary>The TargetFrameworkAttribute value, e.g. ".NETCoreApp,Version=v8.0", if present.</summary>
    public string? TargetFramework { get; }
    /// <summary>Major version of the System.Runtime it references (.NET 5+ ties it to the framework's major), if any.</summary>
    public int? SystemRuntimeMajor { get; }
    public bool IsReferenceAssembly { get; }
    public string? InformationalVersion { get; }
    public string? Version { get; }

    public static AssemblyFacts Read(string path)
    {
        RegularFile.EnsureRegular(path); // a named pipe would block the open below forever
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata) return NotManaged;
        var reader = pe.GetMetadataReader();
        if (!reader.IsAssembly) return NotManaged;

        string? tfm = null, info = null;
        bool isRef = false;
        var definition = reader.GetAssemblyDefinition();
        foreach (var handle in definition.GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            switch (AttributeTypeName(reader, attribute))
            {
                case "System.Runtime.Versioning.TargetFrameworkAttribute":
                    tfm = FirstStringArgument(reader, attribute);
                    break;
                case "System.Runtime.CompilerServices.ReferenceAssemblyAttribute":
                    isRef = true;
                    break;
                case "System.Reflection.AssemblyInformationalVersionAttribute":
                    info = FirstStringArgument(reader, attribute);
                    break;
            }
        }

        int? runtimeMajor = null;
        foreach (var refHandle in reader.AssemblyReferences)
        {
            var reference = reader.GetAssemblyReference(refHandle);
            if (reader.StringComparer.Equals(reference.Name, "System.Runtime"))
            {
                runtimeMajor = reference.Version.Major;
                break;
            }
        }
        return new AssemblyFacts(true, tfm, runtimeMajor, isRef, info, definition.Version.ToString());
    }

    private static string? AttributeTypeName(MetadataReader reader, CustomAttribute attribute)
    {
        EntityHandle type;
        if (attribute.Constructor.Kind == HandleKind.MemberReference)
            type = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
        else if (attribute.Constructor.Kind == HandleKind.MethodDefinition)
            type = reader.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType();
        else
            return null;

        if (type.Kind == HandleKind.TypeReference)
        {
            var tr = reader.GetTypeReference((TypeReferenceHandle)type);
            return reader.GetString(tr.Namespace) + "." + reader.GetString(tr.Name);
        }
        if (type.Kind == HandleKind.TypeDefinition)
        {
            var td = reader.GetTypeDefinition((TypeDefinitionHandle)type);
            return reader.GetString(td.Namespace) + "." + reader.GetString(td.Name);
        }
        return null;
    }

    private static string? FirstStringArgument(MetadataReader reader, CustomAttribute attribute)
    {
        var blob = reader.GetBlobReader(attribute.Value);
        if (blob.Length < 2 || blob.ReadUInt16() != 1) return null; // prolog
        return blob.ReadSerializedString();
    }

    // Compact one-line form for the hash cache: M|tfm|runtimeMajor|ref|info|version, or "-" when not managed.
    internal string Serialize()
    {
        if (!IsManaged) return "-";
        return string.Join("|", "M", Escape(TargetFramework), SystemRuntimeMajor?.ToString() ?? "", IsReferenceAssembly ? "1" : "0", Escape(InformationalVersion), Escape(Version));
    }

    internal static AssemblyFacts? Deserialize(string text)
    {
        if (text.Length == 0) return null;
        if (text == "-") return NotManaged;
        var parts = text.Split('|');
        if (parts.Length != 6 || parts[0] != "M") return null;
        return new AssemblyFacts(true, Unescape(parts[1]), int.TryParse(parts[2], out var m) ? m : null, parts[3] == "1", Unescape(parts[4]), Unescape(parts[5]));
    }

    private static string Escape(string? value) => value is null ? "" : Uri.EscapeDataString(value);
    private static string? Unescape(string value) => value.Length == 0 ? null : Uri.UnescapeDataString(value);
}
