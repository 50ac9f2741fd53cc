using System;
using System.Buffers;
using System.IO;

namespace SparkShip.Tasks.Archives;

/// <summary>Reads entry sources; every failure is reported as an <see cref="IOException"/> naming the file and the
/// entry (a bare "Access denied" or "I/O error" from a build with thousands of inputs helps nobody).</summary>
internal static class SourceFiles
{
    public static long Length(ZipEntrySource source)
    {
        if (source.Content != null)
        {
            return source.Content.Length;
        }

        try
        {
            return Hashing.LinkedFile.Resolve(source.SourcePath).Length; // a link's target's length, not the link's
        }
        catch (Exception ex) when (IsFileSystemError(ex))
        {
            throw Error(source, ex);
        }
    }

    public static Stream Open(ZipEntrySource source)
    {
        if (source.Content != null)
        {
            return new MemoryStream(source.Content, writable: false);
        }

        try
        {
            // A named pipe would block this open until some process writes to it: refuse it instead of hanging.
            Hashing.RegularFile.EnsureRegular(source.SourcePath);
            // Buffer size 1: reads are large and go straight into our own buffers.
            return new FileStream(source.SourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (IsFileSystemError(ex))
        {
            throw Error(source, ex);
        }
    }

    /// <summary>Reads until <paramref name="count"/> bytes or end of file, so the chunks fed to deflate depend only on
    /// the file's contents. Returns the bytes read.</summary>
    public static int ReadFully(Stream input, byte[] buffer, int offset, int count, ZipEntrySource source)
    {
        int total = 0;
        try
        {
            while (total < count)
            {
                int read = input.Read(buffer, offset + total, count - total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (Exception ex) when (IsFileSystemError(ex))
        {
            throw Error(source, ex);
        }

        return total;
    }

    /// <summary>Reads the whole file into a buffer rented from <see cref="ArrayPool{T}.Shared"/>; the caller returns it.
    /// Reads to end of file even if the file grew since it was measured, up to <paramref name="limit"/> bytes.</summary>
    public static byte[] ReadAll(ZipEntrySource source, long limit, out int length)
    {
        using Stream input = Open(source);
        long expected;
        try
        {
            expected = input.Length;
        }
        catch (Exception ex) when (IsFileSystemError(ex))
        {
            throw Error(source, ex);
        }

        // One spare byte, so that reaching end of file is seen without growing the buffer.
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(expected, limit) + 1);
        length = 0;
        while (true)
        {
            int read = ReadFully(input, buffer, length, buffer.Length - length, source);
            length += read;
            if (length < buffer.Length)
            {
                return buffer;
            }

            if (length >= limit)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw Error(source, new IOException($"The file grew past {limit} bytes while it was being read."));
            }

            byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * buffer.Length, limit + 1));
            Buffer.BlockCopy(buffer, 0, larger, 0, length);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }
    }

    public static IOException Error(ZipEntrySource source, Exception inner) => new ZipSourceException(source, inner);

    // ArgumentException: a malformed path (on .NET Framework, characters such as '|').
    private static bool IsFileSystemError(Exception ex) => FileSystemErrors.Is(ex) || ex is ArgumentException;
}

/// <summary>A source file of an entry could not be read: the input's problem, not the destination's. Callers that
/// report either one differently (an unreadable input versus a full disk) tell them apart by this type.</summary>
public sealed class ZipSourceException : IOException
{
    internal ZipSourceException(ZipEntrySource source, Exception inner)
        : base($"Cannot read '{source.SourcePath}' for zip entry '{source.EntryName}': {inner.Message}", inner)
    {
        SourcePath = source.SourcePath;
        EntryName = source.EntryName;
    }

    public string SourcePath { get; }
    public string EntryName { get; }
}
