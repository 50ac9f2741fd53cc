// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: reproduces the 2.3.1 public signatures of Microsoft.Spark.Sql.Builder
// (internal constructor; Master, AppName, Config(string, string/bool/double/long), Config(SparkConf), GetOrCreate()).
// Bodies record into Microsoft.Spark.StandIn.CallLog and never talk to a JVM. Built only by SparkShip's tests, never
// packed or shipped as a NuGet package.

using System.Collections.Generic;
using Microsoft.Spark.Interop;
using Microsoft.Spark.StandIn;

namespace Microsoft.Spark.Sql
{
    /// <summary>
    /// The entry point to programming Spark with the Dataset and DataFrame API.
    /// </summary>
    public sealed class Builder
    {
        // As in the real 2.x Builder, every session is tagged as a .NET one.
        private readonly Dictionary<string, string> _options =
            new Dictionary<string, string>() { { "spark.app.kind", "sparkdotnet" } };

        internal Builder()
        {
            // The real constructor calls SparkSession.builder() on the JVM through the global bridge.
            _ = SparkEnvironment.JvmBridge;
        }

        /// <summary>
        /// Sets the Spark master URL to connect to, such as "local" to run locally, "local[4]" to
        /// run locally with 4 cores, or "spark://master:7077" to run on a Spark standalone
        /// cluster.
        /// </summary>
        /// <param name="master">Master URL</param>
        public Builder Master(string master)
        {
            CallLog.Record(nameof(Builder), nameof(Master), master);
            _options["spark.master"] = master;
            return this;
        }

        /// <summary>
        /// Sets a name for the application, which will be shown in the Spark web UI.
        /// If no application name is set, a randomly generated name will be used.
        /// </summary>
        /// <param name="appName">Name of the app</param>
        public Builder AppName(string appName)
        {
            CallLog.Record(nameof(Builder), nameof(AppName), appName);
            _options["spark.app.name"] = appName;
            return this;
        }

        /// <summary>
        /// Sets a config option. Options set using this method are automatically propagated to
        /// both SparkConf and SparkSession's own configuration.
        /// </summary>
        /// <param name="key">Key for the configuration</param>
        /// <param name="value">value of the configuration</param>
        public Builder Config(string key, string value)
        {
            CallLog.Record(nameof(Builder), nameof(Config), key, value);
            _options[key] = value;
            return this;
        }

        /// <summary>
        /// Sets a config option. Options set using this method are automatically propagated to
        /// both SparkConf and SparkSession's own configuration.
        /// </summary>
        /// <param name="key">Key for the configuration</param>
        /// <param name="value">value of the configuration</param>
        /// <remarks>As the real one, stores <c>value.ToString()</c>: "True"/"False".</remarks>
        public Builder Config(string key, bool value)
        {
            CallLog.Record(nameof(Builder), nameof(Config), key, value);
            _options[key] = value.ToString();
            return this;
        }

        /// <summary>
        /// Sets a config option. Options set using this method are automatically propagated to
        /// both SparkConf and SparkSession's own configuration.
        /// </summary>
        /// <param name="key">Key for the configuration</param>
        /// <param name="value">value of the configuration</param>
        /// <remarks>As the real one, stores <c>value.ToString()</c> in the current culture.</remarks>
        public Builder Config(string key, double value)
        {
            CallLog.Record(nameof(Builder), nameof(Config), key, value);
            _options[key] = value.ToString();
            return this;
        }

        /// <summary>
        /// Sets a config option. Options set using this method are automatically propagated to
        /// both SparkConf and SparkSession's own configuration.
        /// </summary>
        /// <param name="key">Key for the configuration</param>
        /// <param name="value">value of the configuration</param>
        public Builder Config(string key, long value)
        {
            CallLog.Record(nameof(Builder), nameof(Config), key, value);
            _options[key] = value.ToString();
            return this;
        }

        /// <summary>
        /// Sets a list of config options based on the given SparkConf
        /// </summary>
        /// <remarks>Goes through <see cref="SparkConf.GetAll"/>, so it inherits its dropped entries.</remarks>
        public Builder Config(SparkConf conf)
        {
            CallLog.Record(nameof(Builder), nameof(Config), "SparkConf");
            foreach (KeyValuePair<string, string> keyValuePair in conf.GetAll())
            {
                _options[keyValuePair.Key] = keyValuePair.Value;
            }

            return this;
        }

        /// <summary>
        /// Gets an existing [[SparkSession]] or, if there is no existing one, creates a new
        /// one based on the options set in this builder.
        /// </summary>
        /// <returns></returns>
        /// <remarks>
        /// As the real one, copies the options into a new <c>SparkConf()</c> (JVM system properties + debug
        /// defaults + options). The simulated JVM then reuses the default session (options only reach its runtime
        /// conf) or the active SparkContext, or creates a context from that conf, registering spark.files and, on
        /// Spark 3.1+, spark.archives.
        /// </remarks>
        public SparkSession GetOrCreate()
        {
            CallLog.Record(nameof(Builder), nameof(GetOrCreate));
            var sparkConf = new SparkConf(SparkConf.Create(loadDefaults: true, record: false));
            lock (CallLog.Sync)
            {
                foreach (KeyValuePair<string, string> option in _options)
                {
                    sparkConf.Values.Set(option.Key, option.Value);
                }

                return new SparkSession(SimulatedJvm.GetOrCreateSession(sparkConf.Values));
            }
        }
    }
}
