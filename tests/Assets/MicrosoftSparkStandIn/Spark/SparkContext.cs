// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: reproduces the 2.3.1 public signatures of
// Microsoft.Spark.SparkContext used by SparkShip (AddFile, AddArchive, ListFiles, ListArchives, GetConf,
// static GetOrCreate). Bodies record into Microsoft.Spark.StandIn.CallLog and never talk to a JVM. Built only by
// SparkShip's tests, never packed or shipped as a NuGet package.

using System.Collections.Generic;
using Microsoft.Spark.StandIn;

namespace Microsoft.Spark
{
    /// <summary>
    /// Main entry point for Spark functionality. A SparkContext represents the connection
    /// to a Spark cluster, and can be used to create RDDs, accumulators and broadcast
    /// variables on that cluster.
    /// </summary>
    public sealed class SparkContext
    {
        internal SparkContext(ContextState state)
        {
            State = state;
        }

        internal ContextState State { get; }

        /// <summary>
        /// Returns SparkConf object associated with this SparkContext object.
        /// Note that modifying the SparkConf object will not have any impact.
        /// </summary>
        /// <returns>SparkConf object</returns>
        public SparkConf GetConf()
        {
            CallLog.Record(nameof(SparkContext), nameof(GetConf));
            lock (CallLog.Sync)
            {
                // The JVM's getConf returns a clone.
                return new SparkConf(State.Conf.Copy());
            }
        }

        /// <summary>
        /// This function may be used to get or instantiate a SparkContext and register it as a
        /// singleton object.
        /// </summary>
        /// <param name="conf"><see cref="SparkConf"/> that will be used for creating SparkContext
        /// </param>
        /// <returns>
        /// Current SparkContext (or a new one if it wasn't created before the function call)
        /// </returns>
        /// <remarks>
        /// The real method goes through <c>conf.Reference.Jvm</c>, not through the global bridge getter.
        /// </remarks>
        public static SparkContext GetOrCreate(SparkConf conf)
        {
            CallLog.Record(nameof(SparkContext), nameof(GetOrCreate), "SparkConf");
            return new SparkContext(SimulatedJvm.GetOrCreateContext(conf.Values));
        }

        /// <summary>
        /// Add a file to be downloaded with this Spark job on every node.
        /// </summary>
        /// <param name="path">
        /// File path can be either a local file, a file in HDFS (or other Hadoop-supported
        /// filesystems), or an HTTP, HTTPS or FTP URI.
        /// </param>
        /// <param name="recursive">
        /// If true, a directory can be given in `path`. Currently directories are supported
        /// only for Hadoop-supported filesystems.
        /// </param>
        public void AddFile(string path, bool recursive = false)
        {
            CallLog.Record(nameof(SparkContext), nameof(AddFile), path, recursive);
            lock (CallLog.Sync)
            {
                SimulatedJvm.AssertNotStopped(State);
                SimulatedJvm.AddResource(State, path, isArchive: false);
            }
        }

        /// <summary>
        /// Returns a list of file paths that are added to resources.
        /// </summary>
        /// <returns>File paths that are added to resources.</returns>
        public IEnumerable<string> ListFiles()
        {
            CallLog.Record(nameof(SparkContext), nameof(ListFiles));
            lock (CallLog.Sync)
            {
                return State.Files.ToArray();
            }
        }

        /// <summary>
        /// Add an archive to be downloaded and unpacked with this Spark job on every node.
        /// </summary>
        /// <param name="path">
        /// Archive path can be either a local file, a file in HDFS (or other Hadoop-supported
        /// filesystems), or an HTTP, HTTPS or FTP URI. The given path should be one of .zip,
        /// .tar, .tar.gz, .tgz and .jar.
        /// </param>
        /// <remarks>Spark 3.1+; the simulated Spark version is <see cref="CallLog.SparkVersion"/>.</remarks>
        public void AddArchive(string path)
        {
            CallLog.Record(nameof(SparkContext), nameof(AddArchive), path);
            lock (CallLog.Sync)
            {
                SimulatedJvm.RequireArchiveSupport("addArchive");
                SimulatedJvm.AssertNotStopped(State);
                SimulatedJvm.AddResource(State, path, isArchive: true);
            }
        }

        /// <summary>
        /// Returns a list of archive paths that are added to resources.
        /// </summary>
        /// <returns>Archive paths that are added to resources.</returns>
        public IEnumerable<string> ListArchives()
        {
            CallLog.Record(nameof(SparkContext), nameof(ListArchives));
            lock (CallLog.Sync)
            {
                SimulatedJvm.RequireArchiveSupport("listArchives");
                return State.Archives.ToArray();
            }
        }
    }
}
