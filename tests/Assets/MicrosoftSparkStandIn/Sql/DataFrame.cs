// TEST-ONLY STAND-IN for Microsoft.Spark 2.3.1: reproduces the 2.3.1 public signatures of Microsoft.Spark.Sql.DataFrame
// members used by the sample (Select(params Column[]), GroupBy(params Column[]), OrderBy(params Column[]),
// Show(int numRows = 20, int truncate = 20, bool vertical = false)) and of RelationalGroupedDataset.Count(). Bodies
// build a textual logical plan, record into Microsoft.Spark.StandIn.CallLog and never talk to a JVM. Built only by
// SparkShip's tests, never packed or shipped as a NuGet package.

using System;
using System.Linq;
using Microsoft.Spark.StandIn;

namespace Microsoft.Spark.Sql
{
    /// <summary>
    ///  A distributed collection of data organized into named columns.
    /// </summary>
    public sealed class DataFrame
    {
        internal DataFrame(string plan)
        {
            Plan = plan;
        }

        internal string Plan { get; }

        /// <summary>
        /// Displays rows of the `DataFrame` in tabular form.
        /// </summary>
        /// <param name="numRows">Number of rows to show</param>
        /// <param name="truncate">If set to more than 0, truncates strings to `truncate`
        ///                        characters and all cells will be aligned right.</param>
        /// <param name="vertical">If set to true, prints output rows vertically
        ///                        (one line per column value).</param>
        /// <remarks>Stand-in: nothing is computed; prints (and records) the logical plan instead of rows.</remarks>
        public void Show(int numRows = 20, int truncate = 20, bool vertical = false)
        {
            CallLog.Record(nameof(DataFrame), nameof(Show), numRows, truncate, vertical);
            CallLog.RecordShownPlan(Plan);
            Console.WriteLine(
                "[Microsoft.Spark stand-in: no JVM, no rows] Show(" +
                $"{numRows}, {truncate}, {vertical}) of:{Environment.NewLine}{Plan}");
        }

        /// <summary>
        /// Selects a set of column based expressions.
        /// </summary>
        /// <param name="columns">Column expressions</param>
        /// <returns>DataFrame object</returns>
        public DataFrame Select(params Column[] columns)
        {
            CallLog.Record(nameof(DataFrame), nameof(Select), (object)columns);
            return new DataFrame($"Project [{Join(columns)}]{Child()}");
        }

        /// <summary>
        /// Groups the DataFrame using the specified columns, so we can run aggregation on them.
        /// </summary>
        /// <param name="columns">Column expressions</param>
        /// <returns>RelationalGroupedDataset object</returns>
        public RelationalGroupedDataset GroupBy(params Column[] columns)
        {
            CallLog.Record(nameof(DataFrame), nameof(GroupBy), (object)columns);
            return new RelationalGroupedDataset(this, columns);
        }

        /// <summary>
        /// Returns a new Dataset sorted by the given expressions.
        /// </summary>
        /// <remarks>
        /// This is an alias of the Sort() function.
        /// </remarks>
        /// <param name="columns">Column expressions to sort by</param>
        /// <returns>DataFrame object</returns>
        public DataFrame OrderBy(params Column[] columns)
        {
            CallLog.Record(nameof(DataFrame), nameof(OrderBy), (object)columns);
            return new DataFrame($"Sort [{Join(columns)}]{Child()}");
        }

        // Spark's tree layout: the child's first line under "+- ", its other lines indented to match.
        internal string Child() => Environment.NewLine + string.Join(
            Environment.NewLine,
            Plan.Split(new[] { Environment.NewLine }, StringSplitOptions.None)
                .Select((line, index) => (index == 0 ? "+- " : "   ") + line));

        internal static string Join(Column[] columns) => string.Join(", ", columns.Select(c => c.Expr));
    }

    /// <summary>
    /// A set of methods for aggregations on a DataFrame.
    /// </summary>
    public sealed class RelationalGroupedDataset
    {
        private readonly DataFrame _dataFrame;
        private readonly Column[] _columns;

        internal RelationalGroupedDataset(DataFrame dataFrame, Column[] columns)
        {
            _dataFrame = dataFrame;
            _columns = columns;
        }

        /// <summary>
        /// Count the number of rows for each group.
        /// </summary>
        /// <returns>New DataFrame object with count applied</returns>
        public DataFrame Count()
        {
            CallLog.Record(nameof(RelationalGroupedDataset), nameof(Count));
            string keys = DataFrame.Join(_columns);
            return new DataFrame($"Aggregate [{keys}], [{keys}, count(1) AS count]{_dataFrame.Child()}");
        }
    }
}
