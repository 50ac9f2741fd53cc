// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: reproduces the 2.3.1 public signature of the one
// Microsoft.Spark.Sql.Column member the sample needs (Alias(string alias)). Bodies record into
// Microsoft.Spark.StandIn.CallLog and never talk to a JVM. Built only by SparkShip's tests, never packed or shipped as
// a NuGet package.

using Microsoft.Spark.StandIn;

namespace Microsoft.Spark.Sql
{
    /// <summary>
    /// Column class represents a column that will be computed based on the data in a DataFrame.
    /// </summary>
    public sealed class Column
    {
        internal Column(string expr)
        {
            Expr = expr;
        }

        /// <summary>Textual expression of the column (stand-in only).</summary>
        internal string Expr { get; }

        /// <summary>
        /// Gives the column an alias. Same as `As()`.
        /// </summary>
        /// <param name="alias">The alias that is given</param>
        /// <returns>New column after applying an alias</returns>
        public Column Alias(string alias)
        {
            CallLog.Record(nameof(Column), nameof(Alias), this, alias);
            return new Column($"{Expr} AS {alias}");
        }
    }
}
