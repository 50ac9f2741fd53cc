// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: reproduces the 2.3.1 public signatures of
// Microsoft.Spark.Sql.SparkSession used by SparkShip and its sample (static Builder(), SparkContext, Conf(), Read(),
// static GetActiveSession(), static GetDefaultSession(), Stop(), IDisposable). Bodies record into
// Microsoft.Spark.StandIn.CallLog and never talk to a JVM. Built only by SparkShip's tests, never packed or shipped as
// a NuGet package.

using System;
using Microsoft.Spark.Interop;
using Microsoft.Spark.StandIn;

namespace Microsoft.Spark.Sql
{
    /// <summary>
    /// The entry point to programming Spark with the Dataset and DataFrame API.
    /// </summary>
    public sealed class SparkSession : IDisposable
    {
        private readonly Lazy<SparkContext> _sparkContext;

        internal SparkSession(SessionState state)
        {
            State = state;
            _sparkContext = new Lazy<SparkContext>(() => new SparkContext(State.Context));
        }

        internal SessionState State { get; }

        /// <summary>
        /// Returns SparkContext object associated with this SparkSession.
        /// </summary>
        public SparkContext SparkContext
        {
            get
            {
                CallLog.Record("SparkSession.SparkContext.get");
                return _sparkContext.Value;
            }
        }

        /// <summary>
        /// Creates a Builder object for SparkSession.
        /// </summary>
        /// <returns>Builder object</returns>
        public static Builder Builder()
        {
            CallLog.Record(nameof(SparkSession), nameof(Builder));
            return new Builder();
        }

        /// <summary>
        /// Returns the active SparkSession for the current thread, returned by the builder.
        /// </summary>
        /// <returns>Return null, when calling this function on executors</returns>
        public static SparkSession GetActiveSession()
        {
            CallLog.Record(nameof(SparkSession), nameof(GetActiveSession));
            return CurrentSession();
        }

        /// <summary>
        /// Returns the default SparkSession that is returned by the builder.
        /// </summary>
        /// <returns>SparkSession object or null if called on executors</returns>
        public static SparkSession GetDefaultSession()
        {
            CallLog.Record(nameof(SparkSession), nameof(GetDefaultSession));
            return CurrentSession();
        }

        /// <summary>
        /// Synonym for Stop().
        /// </summary>
        public void Dispose()
        {
            CallLog.Record(nameof(SparkSession), nameof(Dispose));
            Stop();
            GC.SuppressFinalize(this);
        }

        /// <summary>
        /// Runtime configuration interface for Spark.
        /// </summary>
        /// <returns>The RuntimeConfig object</returns>
        public RuntimeConfig Conf()
        {
            CallLog.Record(nameof(SparkSession), nameof(Conf));
            return new RuntimeConfig(State);
        }

        /// <summary>
        /// Returns a DataFrameReader that can be used to read non-streaming data in
        /// as a DataFrame.
        /// </summary>
        /// <returns>DataFrameReader object</returns>
        public DataFrameReader Read()
        {
            CallLog.Record(nameof(SparkSession), nameof(Read));
            return new DataFrameReader(State);
        }

        /// <summary>
        /// Stops the underlying SparkContext.
        /// </summary>
        public void Stop()
        {
            CallLog.Record(nameof(SparkSession), nameof(Stop));
            SimulatedJvm.StopContext(State.Context);
        }

        private static SparkSession CurrentSession()
        {
            // The real methods call the JVM through SparkEnvironment.JvmBridge.
            _ = SparkEnvironment.JvmBridge;
            lock (CallLog.Sync)
            {
                SessionState session = SimulatedJvm.DefaultSession;
                return session == null ? null : new SparkSession(session);
            }
        }
    }
}
