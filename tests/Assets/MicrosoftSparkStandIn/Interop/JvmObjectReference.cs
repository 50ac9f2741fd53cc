// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: reproduces the 2.3.1 public signatures of
// Microsoft.Spark.Interop.Ipc.JvmObjectReference and IJvmObjectReferenceProvider. They are included only because the
// real IJvmBridge interface names JvmObjectReference in its signatures. Built only by SparkShip's tests, never packed
// or shipped as a NuGet package.

using System;
using Microsoft.Spark.StandIn;

namespace Microsoft.Spark.Interop.Ipc
{
    /// <summary>
    /// Implemented by objects that contain a <see cref="JvmObjectReference"/>.
    /// </summary>
    public interface IJvmObjectReferenceProvider
    {
        JvmObjectReference Reference { get; }
    }

    /// <summary>
    /// Reference to object created in JVM.
    /// </summary>
    public sealed class JvmObjectReference : IJvmObjectReferenceProvider
    {
        private readonly DateTime _creationTime;

        internal JvmObjectReference(string id, IJvmBridge jvm)
        {
            if (id is null)
            {
                throw new ArgumentNullException("JvmReferenceId cannot be null.");
            }

            Id = id;
            Jvm = jvm;
            _creationTime = DateTime.UtcNow;
        }

        internal string Id { get; }

        public IJvmBridge Jvm { get; }

        JvmObjectReference IJvmObjectReferenceProvider.Reference => this;

        public object Invoke(string methodName, object arg0) =>
            Jvm.CallNonStaticJavaMethod(this, methodName, arg0);

        public object Invoke(string methodName, object arg0, object arg1) =>
            Jvm.CallNonStaticJavaMethod(this, methodName, arg0, arg1);

        public object Invoke(string methodName, params object[] args) =>
            Jvm.CallNonStaticJavaMethod(this, methodName, args);

        public override string ToString() => Id;

        public override bool Equals(object obj)
        {
            if (obj is null)
            {
                return false;
            }

            if (ReferenceEquals(this, obj))
            {
                return true;
            }

            return (obj is IJvmObjectReferenceProvider provider) && Id.Equals(provider.Reference?.Id);
        }

        public override int GetHashCode() => base.GetHashCode();

        public string GetDebugInfo()
        {
            CallLog.Record("JvmObjectReference", "GetDebugInfo");
            return $"Java object reference id={Id}, type name=(stand-in, no JVM), creation time (UTC)={_creationTime:o}";
        }
    }
}
