// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: reproduces the 2.3.1 public signatures of
// Microsoft.Spark.Sql.RuntimeConfig used by SparkShip (void Set(string key, string value), string Get(string key)).
// Bodies record into Microsoft.Spark.StandIn.CallLog and never talk to a JVM. Built only by SparkShip's tests, never
// packed or shipped as a NuGet package.

using Microsoft.Spark.StandIn;

namespace Microsoft.Spark.Sql
{
    /// <summary>
    /// Runtime configuration interface for Spark.
    /// </summary>
    public sealed class RuntimeConfig
    {
        private readonly SessionState _session;

        internal RuntimeConfig(SessionState session)
        {
            _session = session;
        }

        /// <summary>
        /// Sets the given Spark runtime configuration property.
        /// </summary>
        /// <param name="key">Config name</param>
        /// <param name="value">Config value</param>
        /// <remarks>
        /// Like Spark 3.x, the simulated JVM rejects static SQL configs and registered core Spark configs
        /// (spark.master, spark.files, spark.archives, ...): those only take effect when the context is created.
        /// </remarks>
        public void Set(string key, string value)
        {
            CallLog.Record(nameof(RuntimeConfig), nameof(Set), key, value);
            SimulatedJvm.SetRuntimeConf(_session, key, value);
        }

        /// <summary>
        /// Returns the value of Spark runtime configuration property for the given key.
        /// </summary>
        /// <param name="key">Key to use</param>
        /// <remarks>Like the JVM, throws when the key is not set (java.util.NoSuchElementException).</remarks>
        public string Get(string key)
        {
            CallLog.Record(nameof(RuntimeConfig), nameof(Get), key);
            lock (CallLog.Sync)
            {
                return _session.RuntimeConf.TryGet(key, out string value)
                    ? value
                    : throw SimulatedJvm.Fail("java.util.NoSuchElementException: " + key);
            }
        }
    }
}
