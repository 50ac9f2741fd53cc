using System;
using System.Collections.Generic;
using System.IO;
using SparkShip.Tasks.Archives;

namespace SparkShip.Tasks.Writing;

/// <summary>
/// Writes a content-addressed archive once, atomically: zipped into a temporary file beside it, checked against its
/// inputs, then moved into place. An archive that exists under its name already holds these bytes and is never
/// rewritten, re-stamped or touched (sync tools see it unchanged). The one home of that sequence for the layers
/// (BundleWriter) and the driver archive (DriverArchiveWriter).
/// </summary>
public static class ArchivePublisher
{
    public enum Outcome { Existed, Written, Failed }

    /// <param name="changedInput">
    /// After zipping: the first input whose bytes in the archive may not be the ones its name stands for (rewritten
    /// meanwhile by another build, a generator, an editor), or null. Nothing is published then.
    /// </param>
    /// <param name="what">What is written, for that diagnostic ("bundle", "driver archive").</param>
    /// <param name="whatToDo">Its end ("build again").</param>
    public static Outcome Write(string path, IReadOnlyList<ZipEntrySource> entries, ZipWriteOptions options,
        Func<IReadOnlyList<ZipEntryResult>, string?> changedInput, string what, string whatToDo, List<Diagnostic> diagnostics)
    {
        if (File.Exists(path)) return Outcome.Existed;
        var temp = AtomicFile.NewTempPath(path);
        try
        {
            IReadOnlyList<ZipEntryResult> written;
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                written = DeterministicZipWriter.Write(stream, entries, options);
                stream.Flush(true);
            }
            var changed = changedInput(written);
            if (changed != null)
            {
                diagnostics.Add(Diagnostics.InputUnreadable(changed,
                    $"it changed while the {what} was being written (is another build or process writing it?), so nothing was published; {whatToDo}"));
                return Outcome.Failed;
            }
            try { File.Move(temp, path); }
            catch (IOException) when (File.Exists(path)) { /* a concurrent build published the same name: same bytes */ }
            return Outcome.Written;
        }
        catch (ZipSourceException e)
        {
            // An input that could not be read while zipping (vanished, replaced by a named pipe, an I/O error).
            diagnostics.Add(Diagnostics.InputUnreadable(e.SourcePath, (e.InnerException ?? e).Message));
            return Outcome.Failed;
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName == "value")
        {
            // How .NET reports EFBIG: the write went past the file-size limit (`ulimit -f`) or the file system's largest file.
            diagnostics.Add(Diagnostics.WriteFailed(path, "the file is too large for the file system or for the file-size limit of the build (ulimit -f)"));
            return Outcome.Failed;
        }
        catch (Exception e) when (FileSystemErrors.Is(e))
        {
            var culprit = FileSystemErrors.FileOf(e) ?? path;
            diagnostics.Add(Diagnostics.WriteFailed(path, e.Message + (culprit != path ? $" ('{culprit}')" : "")));
            return Outcome.Failed;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
