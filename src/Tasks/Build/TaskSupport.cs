using System;
using System.IO;
using System.Reflection;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace SparkShip.Tasks.Build;

/// <summary>Glue shared by SparkShip's MSBuild tasks: diagnostics to MSBuild events, the SDK version, paths.</summary>
internal static class TaskSupport
{
    public static string SdkVersion { get; } = ReadSdkVersion();

    private static string ReadSdkVersion()
    {
        var info = typeof(TaskSupport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = info.IndexOf('+'); // drop the source revision the SDK appends
        return plus >= 0 ? info.Substring(0, plus) : info;
    }

    public static void Report(TaskLoggingHelper log, Diagnostic d)
    {
        switch (d.Severity)
        {
            case DiagnosticSeverity.Error:
                log.LogError(null, d.Code, null, Diagnostics.HelpLink, d.File, 0, 0, 0, 0, d.Message);
                break;
            case DiagnosticSeverity.Warning:
                log.LogWarning(null, d.Code, null, Diagnostics.HelpLink, d.File, 0, 0, 0, 0, d.Message);
                break;
            default:
                log.LogMessage(MessageImportance.Normal, $"{d.Code}: {d.Message}");
                break;
        }
    }

    public static string FullPath(string path, string baseDirectory) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path));

    public static string? Meta(ITaskItem item, string name)
    {
        var value = item.GetMetadata(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public static bool Flag(string? value, bool fallback) =>
        string.IsNullOrWhiteSpace(value) ? fallback : string.Equals(value!.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
