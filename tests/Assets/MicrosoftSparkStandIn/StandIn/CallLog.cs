// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: this namespace (Microsoft.Spark.StandIn) does not exist in the
// real library. It is the recorder every stand-in member writes to, plus the simulated JVM-side state that later
// tests can arrange and assert on. Built only by SparkShip's tests, never packed or shipped as a NuGet package.

using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.Spark.Interop;
using Microsoft.Spark.Sql;

namespace Microsoft.Spark.StandIn
{
    /// <summary>
    /// Public static recorder of the stand-in. Every public member of the stand-in appends one line to
    /// <see cref="Calls"/> in the form <c>Type.Member(arg, arg)</c> (constructors: <c>new Type(arg)</c>, property
    /// reads: <c>Type.Property.get</c>); lines starting with <c>JVM:</c> describe what the simulated JVM did
    /// (resources registered, warnings Spark would log). All members are thread-safe.
    /// </summary>
    public static class CallLog
    {
        internal static readonly object Sync = new object();

        private static readonly List<string> s_calls = new List<string>();
        private static readonly List<UdfRecord> s_udfs = new List<UdfRecord>();
        private static readonly List<string> s_shownPlans = new List<string>();
        private static int s_bridgeTouches;
        private static int s_bridgeTouchesWithoutBackend;
        private static int? s_bridgeCreatedForPort;

        /// <summary>Snapshot of every recorded call, oldest first.</summary>
        public static IReadOnlyList<string> Calls
        {
            get { lock (Sync) { return s_calls.ToArray(); } }
        }

        /// <summary>
        /// Number of reads of <see cref="SparkEnvironment.JvmBridge"/> (the real library creates the JVM bridge on
        /// the first read). Stand-in members that reach the JVM through the global bridge in the real library
        /// (SparkConf constructor, SparkSession.Builder(), Get*Session(), SparkFiles, Functions) read it too.
        /// </summary>
        public static int BridgeTouches
        {
            get { lock (Sync) { return s_bridgeTouches; } }
        }

        /// <summary>
        /// Reads of <see cref="SparkEnvironment.JvmBridge"/> that found no bridge and no usable
        /// <c>DOTNETBACKEND_PORT</c> (outside Spark): each one threw <see cref="BridgeTouchedOutsideSparkException"/>.
        /// </summary>
        public static int BridgeTouchesWithoutBackend
        {
            get { lock (Sync) { return s_bridgeTouchesWithoutBackend; } }
        }

        /// <summary>Port of the bridge lazily created from <c>DOTNETBACKEND_PORT</c>, or null.</summary>
        public static int? BridgeCreatedForPort
        {
            get { lock (Sync) { return s_bridgeCreatedForPort; } }
        }

        /// <summary>
        /// Version reported by the simulated Spark (default 3.5.3). Below 3.1 <c>AddArchive</c>/<c>ListArchives</c>
        /// fail and <c>spark.archives</c> is ignored; from 3.0 <c>RuntimeConfig.Set</c> rejects core Spark configs.
        /// </summary>
        public static string SparkVersion
        {
            get { lock (Sync) { return SimulatedJvm.SparkVersion; } }
            set { lock (Sync) { SimulatedJvm.SparkVersion = value ?? throw new ArgumentNullException(nameof(value)); } }
        }

        /// <summary>
        /// JVM system properties of the simulated driver JVM (what <c>spark-submit --conf</c> and
        /// <c>java.lang.System.setProperty</c> through the bridge set). <c>new SparkConf()</c> loads the
        /// <c>spark.*</c> ones.
        /// </summary>
        public static IReadOnlyDictionary<string, string> SystemProperties
        {
            get { lock (Sync) { return new Dictionary<string, string>(SimulatedJvm.SystemProperties); } }
        }

        /// <summary>Arranges a JVM system property, as <c>spark-submit --conf key=value</c> would.</summary>
        public static void SetSystemProperty(string key, string value)
        {
            lock (Sync) { SimulatedJvm.SystemProperties[key] = value; }
        }

        /// <summary>True while a SparkContext exists and is not stopped.</summary>
        public static bool HasActiveContext
        {
            get { lock (Sync) { return SimulatedJvm.ActiveContext != null; } }
        }

        /// <summary>Configuration the active SparkContext was created with (empty when there is none).</summary>
        public static IReadOnlyDictionary<string, string> ContextConf
        {
            get
            {
                lock (Sync)
                {
                    return SimulatedJvm.ActiveContext?.Conf.ToDictionary() ?? new Dictionary<string, string>();
                }
            }
        }

        /// <summary>
        /// Keys of the files registered with the active SparkContext, as <c>SparkContext.ListFiles()</c> returns
        /// them (Spark URIs: <c>file:/abs/path</c> in local mode, <c>spark://driver:port/files/name</c> for local
        /// files on a non-local master, other URIs unchanged).
        /// </summary>
        public static IReadOnlyList<string> Files
        {
            get { lock (Sync) { return SimulatedJvm.ActiveContext?.Files.ToArray() ?? Array.Empty<string>(); } }
        }

        /// <summary>Keys of the archives registered with the active SparkContext (with their <c>#alias</c>).</summary>
        public static IReadOnlyList<string> Archives
        {
            get { lock (Sync) { return SimulatedJvm.ActiveContext?.Archives.ToArray() ?? Array.Empty<string>(); } }
        }

        /// <summary>Runtime (session) configuration of the default session (empty when there is none).</summary>
        public static IReadOnlyDictionary<string, string> RuntimeConf
        {
            get
            {
                lock (Sync)
                {
                    return SimulatedJvm.DefaultSession?.RuntimeConf.ToDictionary() ?? new Dictionary<string, string>();
                }
            }
        }

        /// <summary>
        /// Root directory returned by <c>SparkFiles.GetRootDirectory()</c> on the driver while a SparkContext is
        /// active (a fresh <c>&lt;temp&gt;/spark-standin-&lt;guid&gt;/userFiles-&lt;guid&gt;</c> path per context
        /// unless set here; the directory is not created).
        /// </summary>
        public static string SparkFilesRootDirectory
        {
            get { lock (Sync) { return SimulatedJvm.ActiveContext?.SparkFilesRoot; } }
            set
            {
                lock (Sync)
                {
                    SimulatedJvm.SparkFilesRootOverride = value;
                    if (SimulatedJvm.ActiveContext != null)
                    {
                        SimulatedJvm.ActiveContext.SparkFilesRoot = value;
                    }
                }
            }
        }

        /// <summary>UDFs created through <c>Functions.Udf</c>, with what the real driver would serialize.</summary>
        public static IReadOnlyList<UdfRecord> Udfs
        {
            get { lock (Sync) { return s_udfs.ToArray(); } }
        }

        /// <summary>Logical plans of the DataFrames passed to <c>DataFrame.Show</c>, oldest first.</summary>
        public static IReadOnlyList<string> ShownPlans
        {
            get { lock (Sync) { return s_shownPlans.ToArray(); } }
        }

        /// <summary>
        /// Clears everything: recorded calls, counters, UDFs, the simulated JVM (system properties, contexts,
        /// sessions, Spark version back to 3.5.3) and the bridge held by <see cref="SparkEnvironment.JvmBridge"/>,
        /// which goes back to lazy creation.
        /// </summary>
        public static void Reset()
        {
            lock (Sync)
            {
                s_calls.Clear();
                s_udfs.Clear();
                s_shownPlans.Clear();
                s_bridgeTouches = 0;
                s_bridgeTouchesWithoutBackend = 0;
                s_bridgeCreatedForPort = null;
                SimulatedJvm.Reset();
                SparkEnvironment.ResetStandInBridge();
            }
        }

        internal static void Record(string line)
        {
            lock (Sync) { s_calls.Add(line); }
        }

        internal static void Record(string type, string member, params object[] args)
        {
            Record($"{type}.{member}({string.Join(", ", args.Select(Format))})");
        }

        internal static void RecordJvm(string line) => Record("JVM: " + line);

        internal static void RecordUdf(UdfRecord udf)
        {
            lock (Sync) { s_udfs.Add(udf); }
        }

        internal static void RecordShownPlan(string plan)
        {
            lock (Sync) { s_shownPlans.Add(plan); }
        }

        internal static void CountBridgeTouch(bool withoutBackend)
        {
            lock (Sync)
            {
                s_bridgeTouches++;
                if (withoutBackend)
                {
                    s_bridgeTouchesWithoutBackend++;
                }
            }
        }

        internal static void SetBridgeCreatedForPort(int port)
        {
            lock (Sync) { s_bridgeCreatedForPort = port; }
        }

        internal static string Format(object value)
        {
            switch (value)
            {
                case null:
                    return "null";
                case string s:
                    return s;
                case Column c:
                    return c.Expr;
                case Delegate d:
                    return $"{d.Method.DeclaringType?.FullName}.{d.Method.Name}";
                case IEnumerable e:
                    return "[" + string.Join(", ", e.Cast<object>().Select(Format)) + "]";
                case IFormattable f:
                    return f.ToString(null, CultureInfo.InvariantCulture);
                default:
                    return value.ToString();
            }
        }
    }

    /// <summary>
    /// What the real driver serializes for a UDF created with <c>Functions.Udf</c> (spark-facts §1, §2): the
    /// delegate method's declaring type, assembly full name and file name, the method name, and the values of the
    /// environment variables the driver copies into the UDF's environment at creation time.
    /// </summary>
    public sealed class UdfRecord
    {
        internal UdfRecord(
            string name,
            string declaringType,
            string methodName,
            string assemblyFullName,
            string assemblyFileName,
            IReadOnlyDictionary<string, string> environment,
            string workerExecutable = null)
        {
            WorkerExecutable = workerExecutable;
            Name = name;
            DeclaringType = declaringType;
            MethodName = methodName;
            AssemblyFullName = assemblyFullName;
            AssemblyFileName = assemblyFileName;
            Environment = environment;
        }

        /// <summary>UDF name as the real library passes it to the JVM (<c>udf.Method.ToString()</c>).</summary>
        public string Name { get; }

        /// <summary>Full name of the type declaring the delegate's method (a closure class for lambdas).</summary>
        public string DeclaringType { get; }

        /// <summary>Method name (compiler-generated for lambdas, e.g. <c>&lt;Main&gt;b__0_0</c>).</summary>
        public string MethodName { get; }

        /// <summary><c>Assembly.FullName</c> of the declaring assembly.</summary>
        public string AssemblyFullName { get; }

        /// <summary><c>Path.GetFileName(Assembly.Location)</c>: the file the worker will look for.</summary>
        public string AssemblyFileName { get; }

        /// <summary>
        /// Driver-side values, at UDF creation, of DOTNET_ASSEMBLY_SEARCH_PATHS, DOTNET_WORKER_SPARK_VERSION and
        /// DOTNET_SPARK_RUNNING_REPL (null when unset).
        /// </summary>
        public IReadOnlyDictionary<string, string> Environment { get; }

        /// <summary>
        /// The worker executable the real driver sends with the UDF (ConfigurationService.GetWorkerExePath): from
        /// DOTNET_WORKER_&lt;major&gt;_&lt;minor&gt;_&lt;build&gt;_DIR, …_&lt;major&gt;_DIR or DOTNET_WORKER_DIR, the first set, read once per
        /// process on the first UDF and cached; "Microsoft.Spark.Worker" (found on PATH) when none is set.
        /// </summary>
        public string WorkerExecutable { get; }

        public override string ToString() =>
            $"{DeclaringType}.{MethodName} in {AssemblyFileName} ({AssemblyFullName})";
    }
}
