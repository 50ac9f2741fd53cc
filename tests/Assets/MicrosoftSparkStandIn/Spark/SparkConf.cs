// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: reproduces the 2.3.1 public signatures of Microsoft.Spark.SparkConf
// used by SparkShip (ctor(bool loadDefaults = true), Set, Get(key, defaultValue), GetAll). Bodies record into
// Microsoft.Spark.StandIn.CallLog and never talk to a JVM. Built only by SparkShip's tests, never packed or shipped
// as a NuGet package.

using System.Collections.Generic;
using Microsoft.Spark.Interop;
using Microsoft.Spark.StandIn;

namespace Microsoft.Spark
{
    /// <summary>
    /// Configuration for a Spark application. Used to set various Spark parameters as key-value
    /// pairs.
    /// </summary>
    public sealed class SparkConf
    {
        /// <summary>
        /// Constructor.
        /// </summary>
        /// <param name="loadDefaults">
        /// Indicates whether to load values from Java system properties
        /// </param>
        /// <remarks>
        /// As the real one, it reaches the JVM through <see cref="SparkEnvironment.JvmBridge"/> (which fails outside
        /// Spark), loads the <c>spark.*</c> JVM system properties when <paramref name="loadDefaults"/> is true, and
        /// then applies the real library's debug defaults: spark.master "local" and spark.app.name "debug app" when
        /// they are not set.
        /// </remarks>
        public SparkConf(bool loadDefaults = true)
            : this(Create(loadDefaults, record: true))
        {
        }

        internal SparkConf(ConfValues values)
        {
            Values = values;

            // The real internal SparkConf(JvmObjectReference) constructor does this for debug mode.
            if (string.IsNullOrWhiteSpace(Values.GetOrNull("spark.master")))
            {
                Values.Set("spark.master", "local");
            }

            if (string.IsNullOrWhiteSpace(Values.GetOrNull("spark.app.name")))
            {
                Values.Set("spark.app.name", "debug app");
            }
        }

        internal ConfValues Values { get; }

        /// <summary>
        /// Set the value of a string config
        /// </summary>
        /// <param name="key">Config name</param>
        /// <param name="value">Config value</param>
        public SparkConf Set(string key, string value)
        {
            CallLog.Record(nameof(SparkConf), nameof(Set), key, value);
            lock (CallLog.Sync)
            {
                Values.Set(key, value);
            }

            return this;
        }

        /// <summary>
        /// Get a string parameter value, falling back to a default if not set
        /// </summary>
        /// <param name="key">Key to use</param>
        /// <param name="defaultValue">Default value to use</param>
        public string Get(string key, string defaultValue)
        {
            CallLog.Record(nameof(SparkConf), nameof(Get), key, defaultValue);
            lock (CallLog.Sync)
            {
                return Values.TryGet(key, out string value) ? value : defaultValue;
            }
        }

        /// <summary>
        /// Get all parameters as a list of pairs.
        /// </summary>
        /// <remarks>
        /// Reproduces the real implementation: the JVM returns "k=v;k=v" and the library keeps only the items that
        /// split into exactly two non-empty parts, so entries whose key or value contains '=' or ';', or whose value
        /// is empty, are silently missing.
        /// </remarks>
        public IReadOnlyList<KeyValuePair<string, string>> GetAll()
        {
            CallLog.Record(nameof(SparkConf), nameof(GetAll));
            string kvpStringCollection;
            lock (CallLog.Sync)
            {
                var parts = new List<string>();
                foreach (KeyValuePair<string, string> item in Values.Items)
                {
                    parts.Add(item.Key + "=" + item.Value);
                }

                kvpStringCollection = string.Join(";", parts);
            }

            var configs = new List<KeyValuePair<string, string>>();
            foreach (string kvpString in kvpStringCollection.Split(';'))
            {
                if (!string.IsNullOrEmpty(kvpString))
                {
                    string[] kvpItems = kvpString.Split('=');
                    if ((kvpItems.Length == 2) &&
                        !string.IsNullOrEmpty(kvpItems[0]) &&
                        !string.IsNullOrEmpty(kvpItems[1]))
                    {
                        configs.Add(new KeyValuePair<string, string>(kvpItems[0], kvpItems[1]));
                    }
                }
            }

            return configs;
        }

        internal static ConfValues Create(bool loadDefaults, bool record)
        {
            if (record)
            {
                CallLog.Record($"new SparkConf({CallLog.Format(loadDefaults)})");
            }

            _ = SparkEnvironment.JvmBridge;
            lock (CallLog.Sync)
            {
                return loadDefaults ? SimulatedJvm.SparkSystemProperties() : new ConfValues();
            }
        }
    }
}
