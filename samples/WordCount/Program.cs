using System;
using Microsoft.Spark.Sql;
using WordCount.Udfs;
using static Microsoft.Spark.Sql.Functions;

namespace WordCount
{
    /// <summary>
    /// Counts the words of a text file with .NET for Apache Spark and shows the most frequent ones.
    /// </summary>
    /// <example>
    /// spark-submit --class org.apache.spark.deploy.dotnet.DotnetRunner --master local
    ///     microsoft-spark-3-5_2.12-2.3.1.jar dotnet WordCount.dll data/words.txt
    /// </example>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            if (args.Length != 1)
            {
                Console.Error.WriteLine("Usage: WordCount <path to a text file>");
                return 1;
            }

            SparkSession spark = SparkSession
                .Builder()
                .AppName("word_count_sample")
                .GetOrCreate();

            // One row per line, in a string column named "value".
            DataFrame lines = spark.Read().Text(args[0]);

            // A static method of the UDF library: executors need WordCount.Udfs.dll and Humanizer.dll.
            Func<Column, Column> normalize = Udf<string, string>(TextUdfs.Normalize);

            // A lambda: its compiled method lives in this assembly, so executors also need WordCount.dll.
            Func<Column, Column> letters = Udf<string, int>(word => TextUdfs.LetterCount(word));

            DataFrame words = lines
                .Select(Explode(Split(Lower(Col("value")), "\\s+")).Alias("token"))
                .Select(normalize(Col("token")).Alias("word"));

            DataFrame counts = words
                .GroupBy(Col("word"))
                .Count()
                .OrderBy(Desc("count"), Col("word"));

            counts
                .Select(Col("word"), letters(Col("word")).Alias("letters"), Col("count"))
                .Show(10);

            spark.Stop();
            return 0;
        }
    }
}
