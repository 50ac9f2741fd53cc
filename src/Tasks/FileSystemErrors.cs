using System;
using System.IO;
using System.Security;

namespace SparkShip.Tasks;

/// <summary>The one test for "the file system refused": what SparkShip reports as a coded diagnostic naming the file, never as a crash.</summary>
internal static class FileSystemErrors
{
    public static bool Is(Exception e) =>
        e is IOException || e is UnauthorizedAccessException || e is SecurityException || e is NotSupportedException;

    /// <summary>The file an exception names, if it names one.</summary>
    public static string? FileOf(Exception e) => (e as FileNotFoundException)?.FileName;
}
