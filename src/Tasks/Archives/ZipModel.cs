using System;
using System.IO.Compression;
using System.Threading;

namespace SparkShip.Tasks.Archives;

/// <summary>One entry to put in the archive: a file's contents, or bytes held in memory (such as a generated manifest).</summary>
public sealed class ZipEntrySource
{
    /// <param name="entryName">Relative, <c>/</c>-separated name inside the archive (checked by <see cref="DeterministicZipWriter.Write"/>).</param>
    /// <param name="sourcePath">File on disk whose contents become the entry.</param>
    public ZipEntrySource(string entryName, string sourcePath)
    {
        EntryName = entryName ?? throw new ArgumentNullException(nameof(entryName));
        SourcePath = sourcePath ?? throw new ArgumentNullException(nameof(sourcePath));
        if (sourcePath.Length == 0)
        {
            throw new ArgumentException($"The source path of zip entry '{entryName}' is empty.", nameof(sourcePath));
        }
    }

    /// <param name="entryName">Relative, <c>/</c>-separated name inside the archive.</param>
    /// <param name="content">The entry's bytes; not copied, so not to be changed while the archive is written.</param>
    public ZipEntrySource(string entryName, byte[] content)
    {
        EntryName = entryName ?? throw new ArgumentNullException(nameof(entryName));
        Content = content ?? throw new ArgumentNullException(nameof(content));
        SourcePath = "(" + entryName + ", in memory)";
    }

    public string EntryName { get; }

    /// <summary>The file read for the entry, or a description of <see cref="Content"/> (for messages).</summary>
    public string SourcePath { get; }

    /// <summary>The entry's bytes when they come from memory rather than from <see cref="SourcePath"/>.</summary>
    public byte[]? Content { get; }

    public override string ToString() => $"{EntryName} <- {SourcePath}";
}

/// <summary>How <see cref="DeterministicZipWriter"/> compresses. Only <see cref="Level"/> and
/// <see cref="InMemoryLimit"/> influence the bytes written; <see cref="MaxParallelism"/> never does.</summary>
public sealed class ZipWriteOptions
{
    public const long DefaultInMemoryLimit = 64L * 1024 * 1024;

    /// <summary>Largest accepted <see cref="InMemoryLimit"/>: buffered entries live in byte arrays.</summary>
    public const long MaxInMemoryLimit = 1L << 30;

    /// <summary>Threads compressing entries of up to <see cref="InMemoryLimit"/> bytes.
    /// At most twice this many entries are held in memory at once. Values above 256 count as 256.</summary>
    public int MaxParallelism { get; set; } = Environment.ProcessorCount;

    public CompressionLevel Level { get; set; } = CompressionLevel.Optimal;

    /// <summary>An exact zlib level (0–9) to use instead of <see cref="Level"/> where the runtime supports one (.NET 9+).</summary>
    public int? ZlibLevel { get; set; }

    internal DeflateLevel Deflate => new DeflateLevel(Level, ZlibLevel);

    /// <summary>Files up to this size are compressed in memory, in parallel, and stored uncompressed when deflate
    /// does not shrink them. Larger files are deflated straight into the output, one at a time, and stay deflated.</summary>
    public long InMemoryLimit { get; set; } = DefaultInMemoryLimit;

    /// <summary>Checked between entries (and between chunks of a streamed entry).</summary>
    public CancellationToken CancellationToken { get; set; }
}

/// <summary>What was written for one entry.</summary>
public sealed class ZipEntryResult
{
    public ZipEntryResult(string entryName, long size, long compressedSize, uint crc32, bool stored)
    {
        EntryName = entryName;
        Size = size;
        CompressedSize = compressedSize;
        Crc32 = crc32;
        Stored = stored;
    }

    public string EntryName { get; }

    /// <summary>Uncompressed size in bytes.</summary>
    public long Size { get; }

    /// <summary>Bytes of entry data in the archive (equals <see cref="Size"/> when <see cref="Stored"/>).</summary>
    public long CompressedSize { get; }

    public uint Crc32 { get; }

    /// <summary>True for method 0 (stored), false for method 8 (deflated).</summary>
    public bool Stored { get; }

    public override string ToString() =>
        $"{EntryName}: {Size} -> {CompressedSize} bytes, {(Stored ? "stored" : "deflated")}, crc {Crc32:x8}";
}

/// <summary>Test hook: observations of one <see cref="DeterministicZipWriter"/> run.</summary>
internal sealed class ZipWriteDiagnostics
{
    /// <summary>Most buffered entries claimed by a compressor and not yet written, at any moment.</summary>
    public int MaxBuffersInFlight { get; set; }

    public int WorkerThreads { get; set; }

    public int StreamedEntries { get; set; }
}
