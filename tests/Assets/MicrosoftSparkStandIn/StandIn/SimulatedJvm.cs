// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: internal, in-memory imitation of the little JVM-side state the
// stand-in members need (system properties, SparkContext resources, sessions). It models Spark's documented rules
// (spark-facts §4, apache/spark SparkContext.addFile/addArchive, NettyStreamManager) and nothing more. Built only by
// SparkShip's tests, never packed or shipped as a NuGet package.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Microsoft.Spark.StandIn
{
    /// <summary>Insertion-ordered string map (the order JVM maps give back is not guaranteed either).</summary>
    internal sealed class ConfValues
    {
        private readonly List<KeyValuePair<string, string>> _items = new List<KeyValuePair<string, string>>();

        internal ConfValues()
        {
        }

        internal ConfValues(IEnumerable<KeyValuePair<string, string>> items)
        {
            foreach (KeyValuePair<string, string> item in items)
            {
                Set(item.Key, item.Value);
            }
        }

        internal IReadOnlyList<KeyValuePair<string, string>> Items => _items;

        internal void Set(string key, string value)
        {
            int index = _items.FindIndex(kv => kv.Key == key);
            var item = new KeyValuePair<string, string>(key, value);
            if (index >= 0)
            {
                _items[index] = item;
            }
            else
            {
                _items.Add(item);
            }
        }

        internal bool TryGet(string key, out string value)
        {
            foreach (KeyValuePair<string, string> item in _items)
            {
                if (item.Key == key)
                {
                    value = item.Value;
                    return true;
                }
            }

            value = null;
            return false;
        }

        internal string GetOrNull(string key) => TryGet(key, out string value) ? value : null;

        internal ConfValues Copy() => new ConfValues(_items);

        internal Dictionary<string, string> ToDictionary() => _items.ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    internal sealed class ContextState
    {
        internal ContextState(ConfValues conf, string sparkFilesRoot)
        {
            Conf = conf;
            SparkFilesRoot = sparkFilesRoot;
        }

        internal ConfValues Conf { get; }
        internal string Master => Conf.GetOrNull("spark.master") ?? "local";
        internal bool IsLocal => Master == "local" || Master.StartsWith("local[", StringComparison.Ordinal);
        internal List<string> Files { get; } = new List<string>();
        internal List<string> Archives { get; } = new List<string>();

        /// <summary>NettyStreamManager's name → local file registry (files and archives share it).</summary>
        internal Dictionary<string, string> FileServer { get; } = new Dictionary<string, string>();

        internal string SparkFilesRoot { get; set; }
        internal bool Stopped { get; set; }
    }

    internal sealed class SessionState
    {
        internal SessionState(ContextState context, ConfValues runtimeConf)
        {
            Context = context;
            RuntimeConf = runtimeConf;
        }

        internal ContextState Context { get; }
        internal ConfValues RuntimeConf { get; }
        internal bool Stopped { get; set; }
    }

    /// <summary>Thrown where the real library would get an error back from the JVM.</summary>
    public sealed class SimulatedJvmException : Exception
    {
        internal SimulatedJvmException(string message)
            : base(message)
        {
        }
    }

    internal static class SimulatedJvm
    {
        internal const string DriverFileServer = "spark://standin-driver:7078/files/";

        // Core entries registered with Spark's ConfigBuilder that RuntimeConfig.set rejects on Spark 3.x
        // (spark.sql.legacy.setCommandRejectsSparkCoreConfs = true). Not exhaustive: the ones a deployment shim touches.
        private static readonly HashSet<string> s_coreConfigs = new HashSet<string>(StringComparer.Ordinal)
        {
            "spark.master", "spark.app.name", "spark.submit.deployMode", "spark.files", "spark.archives",
            "spark.jars", "spark.files.overwrite", "spark.files.useFetchCache", "spark.executor.memory",
            "spark.executor.cores", "spark.executor.instances", "spark.driver.memory", "spark.driver.cores",
        };

        private static readonly HashSet<string> s_staticSqlConfigs = new HashSet<string>(StringComparer.Ordinal)
        {
            "spark.sql.warehouse.dir", "spark.sql.catalogImplementation", "spark.sql.extensions",
            "spark.sql.globalTempDatabase", "spark.sql.queryExecutionListeners",
        };

        internal static string SparkVersion { get; set; } = "3.5.3";
        internal static Dictionary<string, string> SystemProperties { get; } = LaunchSystemProperties();
        internal static ContextState Context { get; private set; }
        internal static SessionState Session { get; private set; }
        internal static string SparkFilesRootOverride { get; set; }

        internal static ContextState ActiveContext => Context != null && !Context.Stopped ? Context : null;
        internal static SessionState DefaultSession => Session != null && !Session.Stopped ? Session : null;

        internal static Version ParsedSparkVersion
        {
            get
            {
                string v = new string(SparkVersion.TakeWhile(c => char.IsDigit(c) || c == '.').ToArray());
                return Version.TryParse(v, out Version parsed) ? parsed : new Version(3, 5, 3);
            }
        }

        /// <summary>
        /// The JVM system properties the driver JVM started with: what spark-submit sets from --master, --deploy-mode
        /// and --conf before DotnetRunner starts the .NET driver. A test process gives them, one "key=value" per line,
        /// in STANDIN_JVM_SYSTEM_PROPERTIES (read when the simulated JVM is first used).
        /// </summary>
        private static Dictionary<string, string> LaunchSystemProperties()
        {
            var properties = new Dictionary<string, string>();
            string text = Environment.GetEnvironmentVariable("STANDIN_JVM_SYSTEM_PROPERTIES") ?? "";
            foreach (string line in text.Split('\n'))
            {
                int eq = line.IndexOf('=');
                if (eq > 0) properties[line.Substring(0, eq).Trim()] = line.Substring(eq + 1).Trim();
            }
            return properties;
        }

        internal static void Reset()
        {
            SparkVersion = "3.5.3";
            SystemProperties.Clear();
            Context = null;
            Session = null;
            SparkFilesRootOverride = null;
        }

        internal static ConfValues SparkSystemProperties() =>
            new ConfValues(SystemProperties.Where(kv => kv.Key.StartsWith("spark.", StringComparison.Ordinal)));

        /// <summary>SparkContext.getOrCreate(conf) / new SparkContext(conf).</summary>
        internal static ContextState GetOrCreateContext(ConfValues conf)
        {
            lock (CallLog.Sync)
            {
                if (ActiveContext != null)
                {
                    CallLog.RecordJvm("WARN Using an existing SparkContext; some configuration may not take effect.");
                    return ActiveContext;
                }

                string root = SparkFilesRootOverride ?? Path.Combine(
                    Path.GetTempPath(),
                    "spark-standin-" + Guid.NewGuid().ToString("N"),
                    "userFiles-" + Guid.NewGuid().ToString("N"));
                var context = new ContextState(conf.Copy(), root);
                Context = context;
                CallLog.RecordJvm($"SparkContext created (master={context.Master})");

                // Core settings only take effect here, when the context is created.
                foreach (string file in SplitList(conf.GetOrNull("spark.files")))
                {
                    AddResource(context, file, isArchive: false);
                }

                if (ParsedSparkVersion >= new Version(3, 1))
                {
                    foreach (string archive in SplitList(conf.GetOrNull("spark.archives")))
                    {
                        AddResource(context, archive, isArchive: true);
                    }
                }

                return context;
            }
        }

        /// <summary>SparkSession.Builder.getOrCreate() after builder.config(sparkConf).</summary>
        internal static SessionState GetOrCreateSession(ConfValues options)
        {
            lock (CallLog.Sync)
            {
                if (DefaultSession != null)
                {
                    CallLog.RecordJvm(
                        "WARN Using an existing Spark session; only runtime SQL configurations will take effect.");
                    foreach (KeyValuePair<string, string> option in options.Items)
                    {
                        DefaultSession.RuntimeConf.Set(option.Key, option.Value);
                    }

                    return DefaultSession;
                }

                ContextState context = GetOrCreateContext(options);
                ConfValues runtimeConf = context.Conf.Copy();
                foreach (KeyValuePair<string, string> option in options.Items)
                {
                    runtimeConf.Set(option.Key, option.Value);
                }

                Session = new SessionState(context, runtimeConf);
                return Session;
            }
        }

        internal static void StopContext(ContextState context)
        {
            lock (CallLog.Sync)
            {
                if (context.Stopped)
                {
                    return;
                }

                context.Stopped = true;
                if (Session != null && Session.Context == context)
                {
                    Session.Stopped = true;
                }

                CallLog.RecordJvm("SparkContext stopped");
            }
        }

        internal static void AssertNotStopped(ContextState context)
        {
            if (context.Stopped)
            {
                throw Fail("java.lang.IllegalStateException: Cannot call methods on a stopped SparkContext.");
            }
        }

        internal static void RequireArchiveSupport(string method)
        {
            if (ParsedSparkVersion < new Version(3, 1))
            {
                throw Fail(
                    $"JVM method execution failed: Nonstatic method '{method}' failed for class " +
                    $"'org.apache.spark.SparkContext' (simulated Spark {SparkVersion}; {method} exists since 3.1.0)");
            }
        }

        /// <summary>
        /// SparkContext.addFile(path, recursive, addedOnSubmit, isArchive) of Spark 3.x: the key is a
        /// <c>spark://</c> file-server URI for local files on a non-local master (the file server refuses a second
        /// path with the same file name), the resolved URI otherwise; re-adding a key is ignored with a warning.
        /// </summary>
        internal static void AddResource(ContextState context, string path, bool isArchive)
        {
            lock (CallLog.Sync)
            {
                string fragment = null;
                string withoutFragment = path;
                int hash = path.IndexOf('#');
                if (hash >= 0)
                {
                    fragment = path.Substring(hash + 1);
                    withoutFragment = path.Substring(0, hash);
                }

                string scheme = GetScheme(withoutFragment);
                string localPath = scheme == null
                    ? Path.GetFullPath(withoutFragment)
                    : scheme == "file" ? new Uri(withoutFragment).LocalPath : null;
                string name = Path.GetFileName((localPath ?? withoutFragment).TrimEnd('/'));

                string key;
                if (!context.IsLocal && localPath != null)
                {
                    if (context.FileServer.TryGetValue(name, out string existing) && existing != localPath)
                    {
                        throw Fail(
                            "java.lang.IllegalArgumentException: requirement failed: File " + name +
                            " was already registered with a different path (old path = " + existing +
                            ", new path = " + localPath + ")");
                    }

                    context.FileServer[name] = localPath;
                    key = DriverFileServer + Uri.EscapeDataString(name);
                }
                else
                {
                    key = localPath != null && scheme == null ? "file:" + localPath : withoutFragment;
                }

                if (isArchive && fragment != null)
                {
                    key += "#" + fragment;
                }

                List<string> list = isArchive ? context.Archives : context.Files;
                if (list.Contains(key))
                {
                    CallLog.RecordJvm(
                        $"WARN The path {path} has been added already. Overwriting of added paths is not " +
                        "supported in the current version.");
                    return;
                }

                list.Add(key);
                CallLog.RecordJvm($"Added {(isArchive ? "archive" : "file")} {path} as {key}");
            }
        }

        internal static void SetRuntimeConf(SessionState session, string key, string value)
        {
            lock (CallLog.Sync)
            {
                if (ParsedSparkVersion >= new Version(3, 0))
                {
                    if (s_staticSqlConfigs.Contains(key))
                    {
                        throw Fail("org.apache.spark.sql.AnalysisException: Cannot modify the value of a static config: " + key);
                    }

                    if (s_coreConfigs.Contains(key))
                    {
                        throw Fail("org.apache.spark.sql.AnalysisException: Cannot modify the value of a Spark config: " + key);
                    }
                }

                session.RuntimeConf.Set(key, value);
            }
        }

        internal static SimulatedJvmException Fail(string message)
        {
            CallLog.RecordJvm("ERROR " + message);
            return new SimulatedJvmException(message);
        }

        internal static string GetScheme(string path)
        {
            int colon = path.IndexOf(':');

            // A one-letter "scheme" is a Windows drive letter.
            if (colon <= 1)
            {
                return null;
            }

            string scheme = path.Substring(0, colon);
            return scheme.All(c => char.IsLetterOrDigit(c) || c == '+' || c == '-' || c == '.')
                ? scheme.ToLowerInvariant()
                : null;
        }

        private static IEnumerable<string> SplitList(string value) =>
            string.IsNullOrEmpty(value)
                ? Enumerable.Empty<string>()
                : value.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0);
    }
}
