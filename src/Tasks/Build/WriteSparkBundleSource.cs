using System;
using System.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SparkShip.Tasks.Generation;
using SparkShip.Tasks.Planning;

namespace SparkShip.Tasks.Build
{
    /// <summary>
    /// Generate step: writes SparkBundle.g.cs only when its text changes, so CoreCompile stays incremental.
    /// In a design-time build it never computes anything: it keeps the file of the last real build, or writes a
    /// placeholder with the same symbols when there is none (a fresh clone), so IntelliSense always resolves them.
    /// </summary>
    public sealed class WriteSparkBundleSource : Task
    {
        [Required] public string OutputFile { get; set; } = "";
        [Required] public string Namespace { get; set; } = "";
        public bool DesignTime { get; set; }
        public string AssemblyName { get; set; } = "";
        public string TargetFramework { get; set; } = "";
        public string BundleDirectoryName { get; set; } = "";
        public string ClusterRuntimeIdentifier { get; set; } = "";
        public string AppArchive { get; set; } = "";
        public string AppFingerprint { get; set; } = "";
        public string DependencyArchive { get; set; } = "";
        public string DependencyFingerprint { get; set; } = "";
        public string SparkVersion { get; set; } = "";

        [Output] public bool Written { get; private set; }

        public override bool Execute()
        {
            if (DesignTime && File.Exists(OutputFile)) return true;
            var identity = new BundleIdentity
            {
                SdkVersion = TaskSupport.SdkVersion,
                AssemblyName = AssemblyName,
                TargetFramework = TargetFramework,
                Directory = BundleDirectoryName.Replace('\\', '/').TrimEnd('/'),
                ClusterRuntimeIdentifier = ClusterRuntimeIdentifier,
                SparkVersion = SparkVersion,
                AppArchive = AppArchive,
                AppFingerprint = AppFingerprint,
                DependencyArchive = DependencyArchive,
                DependencyFingerprint = DependencyFingerprint,
            };
            try
            {
                Written = AtomicFile.WriteIfDifferent(OutputFile, SparkBundleSource.Generate(identity, Namespace, DesignTime));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                if (DesignTime) { Log.LogMessage(MessageImportance.Low, $"SparkShip: could not write '{OutputFile}': {e.Message}"); return true; }
                TaskSupport.Report(Log, Diagnostics.WriteFailed(OutputFile, e.Message));
                return false;
            }
            if (Written) Log.LogMessage(MessageImportance.Low, $"SparkShip: wrote '{OutputFile}'.");
            return true;
        }
    }
}
