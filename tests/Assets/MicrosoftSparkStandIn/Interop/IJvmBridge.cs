// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: reproduces the 2.3.1 public signature of
// Microsoft.Spark.Interop.Ipc.IJvmBridge in full (public since 2.0.0, dotnet/spark#951), so that test
// implementations must satisfy exactly what the real interface requires. Built only by SparkShip's tests, never
// packed or shipped as a NuGet package.

using System;

namespace Microsoft.Spark.Interop.Ipc
{
    /// <summary>
    /// Interface of the bridge between JVM and CLR.
    /// </summary>
    public interface IJvmBridge : IDisposable
    {
        JvmObjectReference CallConstructor(
            string className,
            object arg0);

        JvmObjectReference CallConstructor(
            string className,
            object arg0,
            object arg1);

        JvmObjectReference CallConstructor(
            string className,
            params object[] args);

        object CallStaticJavaMethod(
            string className,
            string methodName,
            object arg0);

        object CallStaticJavaMethod(
            string className,
            string methodName,
            object arg0,
            object arg1);

        object CallStaticJavaMethod(
            string className,
            string methodName,
            params object[] args);

        object CallNonStaticJavaMethod(
            JvmObjectReference jvmObject,
            string methodName,
            object arg0);

        object CallNonStaticJavaMethod(
            JvmObjectReference jvmObject,
            string methodName,
            object arg0,
            object arg1);

        object CallNonStaticJavaMethod(
            JvmObjectReference jvmObject,
            string methodName,
            params object[] args);
    }
}
