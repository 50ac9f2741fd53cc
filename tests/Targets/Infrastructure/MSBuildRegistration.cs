using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Microsoft.Build.Locator;
using Xunit;

// MSBuild's BuildManager runs one build at a time per process: every test of this assembly runs serially.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace SparkShip.Sdk.TargetTests.Infrastructure;

/// <summary>
/// Registers the running .NET SDK's MSBuild (the one `dotnet test` came from, chosen by the repository's global.json)
/// before any Microsoft.Build type is loaded: the package is referenced for compiling only (ExcludeAssets="runtime"),
/// so its assemblies resolve from that SDK at run time, together with its SDK resolvers, targets and tasks.
/// Nothing here may touch a Microsoft.Build type.
/// </summary>
internal static class MSBuildRegistration
{
    /// <summary>The SDK's MSBuild version and folder, for failure messages.</summary>
    public static string Description { get; private set; } = "(not registered)";

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "MSBuild must be located before any test touches a Microsoft.Build type.")]
    internal static void Register()
    {
        if (MSBuildLocator.IsRegistered) return;
        var instance = MSBuildLocator.RegisterDefaults();
        Description = $"MSBuild {instance.Version} from {instance.MSBuildPath}";
    }
}
