// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: reproduces the 2.3.1 public signature of
// Microsoft.Spark.Interop.SparkEnvironment (public static IJvmBridge JvmBridge { get; set; }). Built only by
// SparkShip's tests, never packed or shipped as a NuGet package.

using System;
using Microsoft.Spark.Interop.Ipc;
using Microsoft.Spark.StandIn;

namespace Microsoft.Spark.Interop
{
    /// <summary>
    /// Contains everything needed to setup an environment for using .NET with Spark.
    /// </summary>
    public static class SparkEnvironment
    {
        private const string DotnetBackendPortEnvVarName = "DOTNETBACKEND_PORT";

        private static IJvmBridge s_jvmBridge;

        /// <summary>
        /// The bridge between the JVM and the CLR.
        /// </summary>
        /// <remarks>
        /// Stand-in: like the real getter, it creates the bridge lazily on first read from the integer in
        /// DOTNETBACKEND_PORT (here an in-memory <see cref="StandInJvmBridge"/>); a port of 0 fails with
        /// "Port number is not set." as the real JvmBridge constructor does. When the variable is missing or not an
        /// integer the real library would fall back to the debug port 5567; the stand-in records the touch and throws
        /// <see cref="BridgeTouchedOutsideSparkException"/> instead. Every read is counted in
        /// <see cref="CallLog.BridgeTouches"/>.
        /// </remarks>
        public static IJvmBridge JvmBridge
        {
            get
            {
                lock (CallLog.Sync)
                {
                    CallLog.Record("SparkEnvironment.JvmBridge.get");
                    if (s_jvmBridge != null)
                    {
                        CallLog.CountBridgeTouch(withoutBackend: false);
                        return s_jvmBridge;
                    }

                    string portValue = Environment.GetEnvironmentVariable(DotnetBackendPortEnvVarName);
                    if (!int.TryParse(portValue, out int port))
                    {
                        CallLog.CountBridgeTouch(withoutBackend: true);
                        string detail = portValue == null
                            ? $"'{DotnetBackendPortEnvVarName}' environment variable is not set"
                            : $"'{DotnetBackendPortEnvVarName}' is not an integer: '{portValue}'";
                        CallLog.Record($"SparkEnvironment.JvmBridge: {detail}; real library would use port 5567");
                        throw new BridgeTouchedOutsideSparkException(detail);
                    }

                    CallLog.CountBridgeTouch(withoutBackend: false);
                    if (port == 0)
                    {
                        throw new Exception("Port number is not set.");
                    }

                    s_jvmBridge = new StandInJvmBridge(port);
                    CallLog.SetBridgeCreatedForPort(port);
                    CallLog.Record($"SparkEnvironment.JvmBridge: created bridge for port {port}");
                    return s_jvmBridge;
                }
            }
            set
            {
                lock (CallLog.Sync)
                {
                    CallLog.Record($"SparkEnvironment.JvmBridge.set({value?.GetType().FullName ?? "null"})");
                    s_jvmBridge = value;
                }
            }
        }

        internal static void ResetStandInBridge()
        {
            lock (CallLog.Sync)
            {
                s_jvmBridge = null;
            }
        }
    }
}
