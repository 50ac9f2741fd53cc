// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: reproduces the 2.3.1 public signatures of Microsoft.Spark.SparkFiles
// (static Get, GetRootDirectory). Bodies record into Microsoft.Spark.StandIn.CallLog and never talk to a JVM. Built
// only by SparkShip's tests, never packed or shipped as a NuGet package.

using System.IO;
using Microsoft.Spark.Interop;
using Microsoft.Spark.StandIn;

namespace Microsoft.Spark
{
    /// <summary>
    /// Resolves paths to files added through <see cref="SparkContext.AddFile(string, bool)"/>.
    /// </summary>
    /// <remarks>
    /// On the driver the real class asks the JVM (org.apache.spark.SparkFiles.getRootDirectory) through a bridge
    /// taken from <see cref="SparkEnvironment.JvmBridge"/>; the stand-in touches the bridge the same way and answers
    /// with <see cref="CallLog.SparkFilesRootDirectory"/>. Without an active SparkContext the JVM would throw
    /// (SparkEnv.get is null), and so does the stand-in.
    /// </remarks>
    public static class SparkFiles
    {
        /// <summary>
        /// Get the absolute path of a file added through
        /// <see cref="SparkContext.AddFile(string, bool)"/>.
        /// </summary>
        /// <param name="fileName">The name of the file added through
        /// <see cref="SparkContext.AddFile(string, bool)"/>.
        /// </param>
        /// <returns>The absolute path of the file.</returns>
        public static string Get(string fileName)
        {
            CallLog.Record(nameof(SparkFiles), nameof(Get), fileName);
            return Path.GetFullPath(Path.Combine(RootDirectory(), fileName));
        }

        /// <summary>
        /// Get the root directory that contains files added through
        /// <see cref="SparkContext.AddFile(string, bool)"/>.
        /// </summary>
        /// <returns>The root directory that contains the files.</returns>
        public static string GetRootDirectory()
        {
            CallLog.Record(nameof(SparkFiles), nameof(GetRootDirectory));
            return RootDirectory();
        }

        private static string RootDirectory()
        {
            _ = SparkEnvironment.JvmBridge;
            lock (CallLog.Sync)
            {
                return SimulatedJvm.ActiveContext?.SparkFilesRoot ??
                    throw SimulatedJvm.Fail(
                        "JVM method execution failed: Static method 'getRootDirectory' failed for class " +
                        "'org.apache.spark.SparkFiles' (java.lang.NullPointerException: no SparkContext)");
            }
        }
    }
}
