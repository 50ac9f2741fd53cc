using System.Linq;
using Humanizer;

namespace WordCount.Udfs
{
    /// <summary>
    /// Per-word logic of the word-count sample, used as Spark UDFs. The methods are static and only take and
    /// return types Spark can pass to a UDF, so the executors need just this assembly and Humanizer.
    /// </summary>
    public static class TextUdfs
    {
        /// <summary>
        /// Lower-cases a word, strips the punctuation around it and singularizes it ("Horses," becomes "horse").
        /// Returns an empty string for null or punctuation-only input.
        /// </summary>
        public static string Normalize(string? word)
        {
            if (string.IsNullOrWhiteSpace(word))
            {
                return string.Empty;
            }

            int start = 0;
            int end = word.Length - 1;
            while (start <= end && !char.IsLetterOrDigit(word[start]))
            {
                start++;
            }

            while (end >= start && !char.IsLetterOrDigit(word[end]))
            {
                end--;
            }

            if (start > end)
            {
                return string.Empty;
            }

            string core = word.Substring(start, end - start + 1).ToLowerInvariant();
            return core.Singularize(inputIsKnownToBePlural: false);
        }

        /// <summary>Number of letters in a word (0 for null).</summary>
        public static int LetterCount(string? word) => word?.Count(char.IsLetter) ?? 0;
    }
}
