// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: reproduces the 2.3.1 public signature of
// Microsoft.Spark.Sql.DataFrameReader.Text(params string[] paths). Bodies record into Microsoft.Spark.StandIn.CallLog
// and never talk to a JVM. Built only by SparkShip's tests, never packed or shipped as a NuGet package.

using System;
using System.IO;
using Microsoft.Spark.StandIn;

namespace Microsoft.Spark.Sql
{
    /// <summary>
    /// DataFrameReader provides functionality to load a <see cref="DataFrame"/>
    /// from external storage systems (e.g. file systems, key-value stores, etc).
    /// </summary>
    public sealed class DataFrameReader
    {
        private readonly SessionState _session;

        internal DataFrameReader(SessionState session)
        {
            _session = session;
        }

        /// <summary>
        /// Loads text files and returns a DataFrame whose schema starts with a string column
        /// named "value", and followed by partitioned columns if there are any.
        /// </summary>
        /// <param name="paths">Input paths</param>
        /// <returns>DataFrame object</returns>
        /// <remarks>
        /// As the real one, an empty list throws <see cref="ArgumentException"/>; like Spark, a local path that
        /// does not exist fails (PATH_NOT_FOUND). Nothing is read.
        /// </remarks>
        public DataFrame Text(params string[] paths)
        {
            CallLog.Record(nameof(DataFrameReader), nameof(Text), (object)paths);
            if (paths.Length == 0)
            {
                throw new ArgumentException("paths cannot be empty for source: text");
            }

            lock (CallLog.Sync)
            {
                SimulatedJvm.AssertNotStopped(_session.Context);
                foreach (string path in paths)
                {
                    string scheme = SimulatedJvm.GetScheme(path);
                    string local = scheme == null ? Path.GetFullPath(path) : scheme == "file" ? new Uri(path).LocalPath : null;
                    if (local != null && !File.Exists(local) && !Directory.Exists(local))
                    {
                        throw SimulatedJvm.Fail(
                            "org.apache.spark.sql.AnalysisException: [PATH_NOT_FOUND] Path does not exist: file:" + local);
                    }
                }
            }

            return new DataFrame($"Relation text [{string.Join(", ", paths)}] (value: string)");
        }
    }
}
