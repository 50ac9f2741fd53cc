using System;
using System.IO;
using System.Text;

namespace SparkShip.Tasks;

/// <summary>
/// Writes files so that a reader only ever sees the old complete file or the new complete one: write a
/// temporary file next to the target, then rename it over the target. Temporary names carry
/// <see cref="TempMarker"/> so a later build can recognise (and remove) leftovers of an interrupted one.
/// </summary>
public static class AtomicFile
{
    public const string TempMarker = ".sparkship-tmp";

    /// <summary>A unique temporary name next to <paramref name="finalPath"/>: "&lt;final&gt;.&lt;pid&gt;-&lt;random&gt;.sparkship-tmp".</summary>
    public static string NewTempPath(string finalPath) =>
        finalPath + "." + CurrentProcessId + "-" + Guid.NewGuid().ToString("N").Substring(0, 12) + TempMarker;

    private static readonly int CurrentProcessId = System.Diagnostics.Process.GetCurrentProcess().Id;

    /// <summary>
    /// Deletes temporary files in <paramref name="folder"/> left by SparkShip writers that are no longer running
    /// (a killed build). A live writer's file is never touched: its process id is in the name.
    /// </summary>
    public static int DeleteAbandonedTempFiles(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        int deleted = 0;
        foreach (var path in Directory.EnumerateFiles(folder, "*" + TempMarker))
        {
            var name = Path.GetFileName(path);
            var stem = name.Substring(0, name.Length - TempMarker.Length);
            var tag = stem.Substring(stem.LastIndexOf('.') + 1);
            int dash = tag.IndexOf('-');
            if (dash <= 0 || !int.TryParse(tag.Substring(0, dash), out var pid) || IsRunning(pid)) continue;
            try { File.Delete(path); deleted++; } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        return deleted;
    }

    private static bool IsRunning(int pid)
    {
        if (pid == CurrentProcessId) return true;
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    public static void WriteAllText(string path, string content) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(content));

    public static void WriteAllBytes(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = NewTempPath(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content, 0, content.Length);
                stream.Flush(true);
            }
            Replace(temp, path);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes only when the bytes differ, so readers keyed on timestamps (CoreCompile) stay incremental.</summary>
    public static bool WriteIfDifferent(string path, string content)
    {
        var bytes = new UTF8Encoding(false).GetBytes(content);
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            if (existing.AsSpan().SequenceEqual(bytes)) return false;
        }
        WriteAllBytes(path, bytes);
        return true;
    }

    /// <summary>Moves <paramref name="temp"/> over <paramref name="final"/> in one rename (same folder).</summary>
    public static void Replace(string temp, string final)
    {
#if NET
        File.Move(temp, final, overwrite: true);
#else
        if (File.Exists(final)) File.Replace(temp, final, null);
        else File.Move(temp, final);
#endif
    }
}
