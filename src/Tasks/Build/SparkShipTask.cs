using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace SparkShip.Tasks.Build;

/// <summary>
/// What every SparkShip task shares, as the .NET SDK's TaskBase: one catch that turns a file-system failure into
/// the task's coded diagnostic (never a stack trace), diagnostics to MSBuild events, and success meaning that no
/// error was logged. Tasks only convert parameters and hand the work to a plain class.
/// </summary>
public abstract class SparkShipTask : Task
{
    /// <summary>SparkShip.Sdk's version, part of every fingerprint's salt.</summary>
    public static string SdkVersion { get; } = ReadSdkVersion();

    public sealed override bool Execute()
    {
        try
        {
            ExecuteCore();
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            Report(Describe(e));
        }
        return !Log.HasLoggedErrors;
    }

    protected abstract void ExecuteCore();

    /// <summary>The coded diagnostic for a file-system failure that escaped <see cref="ExecuteCore"/>.</summary>
    protected abstract Diagnostic Describe(Exception e);

    /// <summary>Reads a state file an earlier step wrote; a missing or unreadable one is SSHIP0007 naming it.</summary>
    protected bool TryRead<T>(string file, Func<string, T> read, out T value)
    {
        try
        {
            value = read(file);
            return true;
        }
        catch (Exception e) when (FileSystemErrors.Is(e) || e is InvalidDataException)
        {
            Report(Diagnostics.InputUnreadable(file, e.Message));
            value = default!;
            return false;
        }
    }

    protected void Report(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics) Report(d);
    }

    protected void Report(Diagnostic d)
    {
        switch (d.Severity)
        {
            case DiagnosticSeverity.Error:
                Log.LogError(null, d.Code, null, Diagnostics.HelpLink, d.File, 0, 0, 0, 0, d.Message);
                break;
            case DiagnosticSeverity.Warning:
                Log.LogWarning(null, d.Code, null, Diagnostics.HelpLink, d.File, 0, 0, 0, 0, d.Message);
                break;
            default:
                Log.LogMessage(MessageImportance.Normal, $"{d.Code}: {d.Message}");
                break;
        }
    }

    private static string ReadSdkVersion()
    {
        var info = typeof(SparkShipTask).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = info.IndexOf('+'); // the source revision the .NET SDK appends is not part of the version
        return plus >= 0 ? info.Substring(0, plus) : info;
    }
}
