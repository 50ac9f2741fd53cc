// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: types of the test-only namespace Microsoft.Spark.StandIn that deal
// with the JVM bridge. Nothing here exists in the real library. Built only by SparkShip's tests, never packed or
// shipped as a NuGet package.

using System;
using System.Linq;
using System.Net.Sockets;
using System.Threading;
using Microsoft.Spark.Interop.Ipc;

namespace Microsoft.Spark.StandIn
{
    /// <summary>
    /// Thrown by the getter of <c>SparkEnvironment.JvmBridge</c> when no bridge was set and
    /// <c>DOTNETBACKEND_PORT</c> is missing or not an integer, i.e. when code touches the bridge outside Spark.
    /// </summary>
    /// <remarks>
    /// The real getter falls back to the debug port 5567 and returns a bridge whose first call tries to connect to
    /// 127.0.0.1:5567 (connection refused, or a hang/mix-up if something listens there). The stand-in fails at the
    /// touch itself so tests can prove code never gets that far; it derives from <see cref="SocketException"/>
    /// (connection refused) because that is what the real first call would end in.
    /// </remarks>
    public sealed class BridgeTouchedOutsideSparkException : SocketException
    {
        internal BridgeTouchedOutsideSparkException(string detail)
            : base((int)SocketError.ConnectionRefused)
        {
            Detail = detail;
        }

        /// <summary>What touched the bridge and why it fails.</summary>
        public string Detail { get; }

        public override string Message =>
            "Microsoft.Spark stand-in: SparkEnvironment.JvmBridge was touched outside Spark (" + Detail + "). " +
            "The real library would now use the debug port 5567 and its first JVM call would try to connect " +
            "to 127.0.0.1:5567.";
    }

    /// <summary>
    /// In-memory <see cref="IJvmBridge"/> of the stand-in. <c>SparkEnvironment.JvmBridge</c> creates one when
    /// <c>DOTNETBACKEND_PORT</c> holds an integer (as the real library creates its socket bridge); tests can also
    /// assign one. It records every call and simulates <c>java.lang.System.setProperty/getProperty/clearProperty</c>,
    /// <c>org.apache.spark.SparkFiles.getRootDirectory</c> and <c>DotnetRunner.SPARK_VERSION</c>; every other call
    /// returns null (constructors return a fresh <see cref="JvmObjectReference"/>).
    /// </summary>
    public sealed class StandInJvmBridge : IJvmBridge
    {
        private static int s_nextId;

        public StandInJvmBridge(int port = 0)
        {
            Port = port;
        }

        /// <summary>Backend port the bridge was created for (informational).</summary>
        public int Port { get; }

        /// <summary>True once <see cref="Dispose"/> was called.</summary>
        public bool IsDisposed { get; private set; }

        public JvmObjectReference CallConstructor(string className, object arg0) =>
            Construct(className, new[] { arg0 });

        public JvmObjectReference CallConstructor(string className, object arg0, object arg1) =>
            Construct(className, new[] { arg0, arg1 });

        public JvmObjectReference CallConstructor(string className, params object[] args) =>
            Construct(className, args ?? Array.Empty<object>());

        public object CallStaticJavaMethod(string className, string methodName, object arg0) =>
            CallStatic(className, methodName, new[] { arg0 });

        public object CallStaticJavaMethod(string className, string methodName, object arg0, object arg1) =>
            CallStatic(className, methodName, new[] { arg0, arg1 });

        public object CallStaticJavaMethod(string className, string methodName, params object[] args) =>
            CallStatic(className, methodName, args ?? Array.Empty<object>());

        public object CallNonStaticJavaMethod(JvmObjectReference jvmObject, string methodName, object arg0) =>
            CallNonStatic(jvmObject, methodName, new[] { arg0 });

        public object CallNonStaticJavaMethod(
            JvmObjectReference jvmObject,
            string methodName,
            object arg0,
            object arg1) =>
            CallNonStatic(jvmObject, methodName, new[] { arg0, arg1 });

        public object CallNonStaticJavaMethod(
            JvmObjectReference jvmObject,
            string methodName,
            params object[] args) =>
            CallNonStatic(jvmObject, methodName, args ?? Array.Empty<object>());

        public void Dispose()
        {
            CallLog.Record("IJvmBridge", "Dispose");
            IsDisposed = true;
        }

        private JvmObjectReference Construct(string className, object[] args)
        {
            CallLog.Record("IJvmBridge", "CallConstructor", new object[] { className }.Concat(args).ToArray());
            return new JvmObjectReference("standin-" + Interlocked.Increment(ref s_nextId), this);
        }

        private object CallStatic(string className, string methodName, object[] args)
        {
            CallLog.Record(
                "IJvmBridge",
                "CallStaticJavaMethod",
                new object[] { className, methodName }.Concat(args).ToArray());

            lock (CallLog.Sync)
            {
                switch (className + "." + methodName)
                {
                    case "java.lang.System.setProperty":
                    {
                        string key = (string)args[0];
                        SimulatedJvm.SystemProperties.TryGetValue(key, out string previous);
                        SimulatedJvm.SystemProperties[key] = (string)args[1];
                        return previous;
                    }
                    case "java.lang.System.getProperty":
                    {
                        return SimulatedJvm.SystemProperties.TryGetValue((string)args[0], out string value)
                            ? value
                            : (args.Length > 1 ? (string)args[1] : null);
                    }
                    case "java.lang.System.clearProperty":
                    {
                        string key = (string)args[0];
                        SimulatedJvm.SystemProperties.TryGetValue(key, out string previous);
                        SimulatedJvm.SystemProperties.Remove(key);
                        return previous;
                    }
                    case "org.apache.spark.SparkFiles.getRootDirectory":
                        return SimulatedJvm.ActiveContext?.SparkFilesRoot ??
                            throw SimulatedJvm.Fail("java.lang.NullPointerException (SparkEnv.get is null: no SparkContext)");
                    case "org.apache.spark.deploy.dotnet.DotnetRunner.SPARK_VERSION":
                        return SimulatedJvm.SparkVersion;
                    default:
                        return null;
                }
            }
        }

        private object CallNonStatic(JvmObjectReference jvmObject, string methodName, object[] args)
        {
            CallLog.Record(
                "IJvmBridge",
                "CallNonStaticJavaMethod",
                new object[] { jvmObject?.ToString(), methodName }.Concat(args).ToArray());
            return null;
        }
    }
}
