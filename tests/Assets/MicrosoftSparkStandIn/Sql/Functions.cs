// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: reproduces the 2.3.1 public signatures of the
// Microsoft.Spark.Sql.Functions members the sample needs (Col, Split(Column, string), Explode, Lower, Desc(string),
// Udf<T, TResult>(Func<T, TResult>)). Bodies record into Microsoft.Spark.StandIn.CallLog and never talk to a JVM.
// Built only by SparkShip's tests, never packed or shipped as a NuGet package.

using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using Microsoft.Spark.Interop;
using Microsoft.Spark.StandIn;

namespace Microsoft.Spark.Sql
{
    /// <summary>
    /// Functions available for DataFrame operations.
    /// </summary>
    /// <remarks>
    /// The real class initializes a static <c>Jvm</c> property from <see cref="SparkEnvironment.JvmBridge"/> in its
    /// type initializer, so the first use of any member (even <c>Udf</c>) touches the bridge, and a failure there is
    /// a <see cref="TypeInitializationException"/> that poisons the type for the whole process. The stand-in
    /// touches the bridge on every call instead, so one failing test cannot break the others.
    /// </remarks>
    public static class Functions
    {
        /// <summary>
        /// Returns a Column based on the given column name. Alias for Column().
        /// </summary>
        /// <param name="columnName">Column name</param>
        /// <returns>Column object</returns>
        public static Column Col(string columnName)
        {
            Touch(nameof(Col), columnName);
            return new Column(columnName);
        }

        /// <summary>
        /// Returns a sort expression based on the descending order of the column.
        /// </summary>
        /// <param name="columnName">Column name</param>
        /// <returns>Column object</returns>
        public static Column Desc(string columnName)
        {
            Touch(nameof(Desc), columnName);
            return new Column($"{columnName} DESC NULLS LAST");
        }

        /// <summary>
        /// Converts a string column to lower case.
        /// </summary>
        /// <param name="column">Column to apply</param>
        /// <returns>Column object</returns>
        public static Column Lower(Column column)
        {
            Touch(nameof(Lower), column);
            return new Column($"lower({column.Expr})");
        }

        /// <summary>
        /// Splits string with a regular expression pattern.
        /// </summary>
        /// <param name="column">Column to apply</param>
        /// <param name="pattern">Regular expression pattern</param>
        /// <returns>Column object</returns>
        public static Column Split(Column column, string pattern)
        {
            Touch(nameof(Split), column, pattern);
            return new Column($"split({column.Expr}, {pattern}, -1)");
        }

        /// <summary>
        /// Creates a new row for each element in the given array or map column.
        /// </summary>
        /// <param name="column">Column to apply</param>
        /// <returns>Column object</returns>
        public static Column Explode(Column column)
        {
            Touch(nameof(Explode), column);
            return new Column($"explode({column.Expr})");
        }

        /// <summary>Creates a UDF from the specified delegate.</summary>
        /// <typeparam name="T">Specifies the type of the first argument to the UDF.</typeparam>
        /// <typeparam name="TResult">Specifies the return type of the UDF.</typeparam>
        /// <param name="udf">The UDF function implementation.</param>
        /// <returns>
        /// A delegate that returns a <see cref="Column"/> for the result of the UDF.
        /// </returns>
        /// <remarks>
        /// Stand-in: records in <see cref="CallLog.Udfs"/> what the real driver serializes for the delegate (its
        /// method's declaring type, assembly full name and file name, method name) and the driver's
        /// DOTNET_ASSEMBLY_SEARCH_PATHS / DOTNET_WORKER_SPARK_VERSION / DOTNET_SPARK_RUNNING_REPL at this moment.
        /// </remarks>
        public static Func<Column, Column> Udf<T, TResult>(Func<T, TResult> udf)
        {
            Touch($"Udf<{typeof(T).Name}, {typeof(TResult).Name}>", udf);
            MethodInfo method = udf.Method;
            string name = method.ToString();
            Assembly assembly = method.DeclaringType?.Assembly ?? method.Module.Assembly;
            var environment = new Dictionary<string, string>();
            foreach (string variable in new[]
                { "DOTNET_ASSEMBLY_SEARCH_PATHS", "DOTNET_WORKER_SPARK_VERSION", "DOTNET_SPARK_RUNNING_REPL" })
            {
                environment[variable] = Environment.GetEnvironmentVariable(variable);
            }

            CallLog.RecordUdf(new UdfRecord(
                name,
                method.DeclaringType?.FullName,
                method.Name,
                assembly.FullName,
                string.IsNullOrEmpty(assembly.Location) ? string.Empty : Path.GetFileName(assembly.Location),
                environment,
                WorkerPath.Get()));

            return column =>
            {
                CallLog.Record($"UDF[{name}]", "Apply", column);
                return new Column($"{name}({column.Expr})");
            };
        }

        private static void Touch(string member, params object[] args)
        {
            CallLog.Record(nameof(Functions), member, args);
            _ = SparkEnvironment.JvmBridge;
        }
    }
}
