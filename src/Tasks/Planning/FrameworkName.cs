using System;
using System.Globalization;

namespace SparkShip.Tasks.Planning;

/// <summary>A target framework as identifier + version, parsed from a long moniker or a short TFM.</summary>
public sealed class FrameworkName
{
    public const string NetCoreApp = ".NETCoreApp";
    public const string NetFramework = ".NETFramework";
    public const string NetStandard = ".NETStandard";

    public FrameworkName(string identifier, Version version) { Identifier = identifier; Version = version; }

    public string Identifier { get; }
    public Version Version { get; }

    public override string ToString() => Identifier switch
    {
        NetCoreApp when Version.Major >= 5 => $"net{Version.Major}.{Version.Minor}",
        NetCoreApp => $"netcoreapp{Version.Major}.{Version.Minor}",
        NetStandard => $"netstandard{Version.Major}.{Version.Minor}",
        NetFramework => "net" + Version.ToString().Replace(".", ""),
        _ => $"{Identifier},Version=v{Version}",
    };

    /// <summary>Parses ".NETCoreApp,Version=v8.0" or "net8.0", "net48", "netstandard2.1", "netcoreapp3.1"; null if neither.</summary>
    public static FrameworkName? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text!.Trim();
        int comma = text.IndexOf(',');
        if (comma > 0)
        {
            var identifier = text.Substring(0, comma);
            foreach (var part in text.Substring(comma + 1).Split(','))
            {
                var kv = part.Split('=');
                if (kv.Length == 2 && kv[0].Trim() == "Version" && Version.TryParse(kv[1].Trim().TrimStart('v'), out var v))
                    return new FrameworkName(identifier, v);
            }
            return null;
        }
        var lower = text.ToLowerInvariant();
        int dash = lower.IndexOf('-'); // net8.0-windows
        if (dash > 0) lower = lower.Substring(0, dash);
        if (lower.StartsWith("netstandard")) return Short(NetStandard, lower.Substring(11));
        if (lower.StartsWith("netcoreapp")) return Short(NetCoreApp, lower.Substring(10));
        if (lower.StartsWith("net"))
        {
            var rest = lower.Substring(3);
            if (rest.Contains(".")) return Short(NetCoreApp, rest);
            // net48, net472: one digit per version part.
            if (rest.Length >= 2 && int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                return new FrameworkName(NetFramework, Version.Parse(string.Join(".", rest.ToCharArray())));
        }
        return null;
    }

    private static FrameworkName? Short(string identifier, string version) =>
        Version.TryParse(version.Contains(".") ? version : version + ".0", out var v) ? new FrameworkName(identifier, v) : null;

    /// <summary>
    /// Why a worker running <paramref name="worker"/> cannot load an assembly built for this framework, or null if it can.
    /// </summary>
    public bool IsLoadableOn(FrameworkName worker)
    {
        if (worker.Identifier == NetCoreApp)
        {
            if (Identifier == NetCoreApp) return Version <= worker.Version;
            return true; // .NET Standard and .NET Framework libraries load on .NET (the latter as far as their APIs exist).
        }
        if (worker.Identifier == NetFramework)
        {
            if (Identifier == NetCoreApp) return false;
            if (Identifier == NetStandard) return Version <= new Version(2, 0);
            if (Identifier == NetFramework) return Version <= worker.Version;
        }
        return true;
    }
}
