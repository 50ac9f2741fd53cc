using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.IO.Hashing;
using System.Threading;

namespace SparkShip.Tasks.Archives;

/// <summary>
/// Writes zip archives whose bytes depend only on the entry names, the file contents and the compression options:
/// not on paths, timestamps, permissions, the OS, the time of day or <see cref="ZipWriteOptions.MaxParallelism"/>.
/// </summary>
/// <remarks>
/// <para>We write the container ourselves because <see cref="ZipArchive"/> records the host OS in "version made by"
/// and cannot take pre-compressed data, so it can give neither identical bytes across machines nor parallel
/// compression. Deflate itself is <see cref="DeflateStream"/>: its output is the same wherever the same zlib build
/// runs (.NET 9+ ships zlib-ng on every OS), but differs between runtimes (e.g. .NET Framework's zlib).</para>
/// <para>Every entry has a fixed DOS time (1980-01-01 00:00), host MS-DOS, UTF-8 names, external attributes 0, no
/// comment, no data descriptor and no extra field other than zip64. No folder entries are written.</para>
/// </remarks>
public static class DeterministicZipWriter
{
    private const int StreamChunkSize = 1024 * 1024;

    /// <summary>Cap on compressor threads, so that a "use everything" value cannot overflow the window arithmetic.</summary>
    private const int MaxThreads = 256;

    /// <summary>Writes <paramref name="entries"/>, in that order, as a complete zip archive.</summary>
    /// <param name="destination">Seekable and writable, normally positioned at 0. Offsets are recorded as absolute
    /// positions, so anything before the current position becomes a prefix (as with a self-extractor stub). Anything
    /// after the archive's end is cut off.</param>
    /// <param name="entries">Names must be relative, <c>/</c>-separated, without <c>.</c>, <c>..</c> or empty segments,
    /// and unique (ordinal).</param>
    /// <param name="options">Defaults when null.</param>
    /// <returns>One result per entry, in entry order.</returns>
    /// <exception cref="ArgumentException">An entry name is invalid or repeated (the message names it), or an option is out of range.</exception>
    /// <exception cref="IOException">A source file cannot be read (the message names it), or writing failed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the destination then holds an incomplete archive.</exception>
    public static IReadOnlyList<ZipEntryResult> Write(Stream destination, IReadOnlyList<ZipEntrySource> entries, ZipWriteOptions? options = null) =>
        Write(destination, entries, options ?? new ZipWriteOptions(), diagnostics: null);

    internal static IReadOnlyList<ZipEntryResult> Write(Stream destination, IReadOnlyList<ZipEntrySource> entries, ZipWriteOptions options,
        ZipWriteDiagnostics? diagnostics)
    {
        if (destination is null)
        {
            throw new ArgumentNullException(nameof(destination));
        }

        if (entries is null)
        {
            throw new ArgumentNullException(nameof(entries));
        }

        if (!destination.CanSeek || !destination.CanWrite)
        {
            throw new ArgumentException("The destination stream must be seekable and writable.", nameof(destination));
        }

        Validate(options);
        CancellationToken cancellationToken = options.CancellationToken;
        byte[][] names = ZipEntryNames.EncodeAll(entries);
        cancellationToken.ThrowIfCancellationRequested();

        // The size on disk picks the path of each entry. Measuring all first also reports a missing file before
        // anything is written.
        var lengths = new long[entries.Count];
        var buffered = new bool[entries.Count];
        for (int i = 0; i < entries.Count; i++)
        {
            lengths[i] = SourceFiles.Length(entries[i]);
            buffered[i] = lengths[i] <= options.InMemoryLimit;
        }

        var central = new CentralEntry[entries.Count];
        var results = new ZipEntryResult[entries.Count];
        byte[]? streamBuffer = null;
        using (var pipeline = new CompressionPipeline(entries, buffered, options.Deflate, Math.Min(options.MaxParallelism, MaxThreads), cancellationToken, diagnostics))
        {
            for (int i = 0; i < entries.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                CentralEntry entry;
                if (buffered[i])
                {
                    entry = WriteBuffered(destination, names[i], pipeline.Take(i));
                }
                else
                {
                    streamBuffer ??= new byte[StreamChunkSize];
                    entry = WriteStreamed(destination, entries[i], names[i], lengths[i], options.Deflate, streamBuffer, cancellationToken);
                    if (diagnostics != null)
                    {
                        diagnostics.StreamedEntries++;
                    }
                }

                pipeline.Completed(i);
                central[i] = entry;
                results[i] = new ZipEntryResult(entries[i].EntryName, entry.Size, entry.CompressedSize, entry.Crc,
                    stored: entry.Method == ZipFormat.MethodStored);
            }
        }

        ZipFormat.WriteCentralDirectory(destination, central);
        if (destination.Length > destination.Position)
        {
            destination.SetLength(destination.Position);
        }

        destination.Flush();
        return results;
    }

    private static void Validate(ZipWriteOptions options)
    {
        if (options.MaxParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxParallelism, "MaxParallelism must be at least 1.");
        }

        if (options.InMemoryLimit < 0 || options.InMemoryLimit > ZipWriteOptions.MaxInMemoryLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.InMemoryLimit,
                $"InMemoryLimit must be between 0 and {ZipWriteOptions.MaxInMemoryLimit} bytes.");
        }

        if (!Enum.IsDefined(typeof(CompressionLevel), options.Level))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Level, "Level is not a CompressionLevel.");
        }
        if (options.ZlibLevel is int zlib && (zlib < 0 || zlib > 9))
        {
            throw new ArgumentOutOfRangeException(nameof(options), zlib, "ZlibLevel must be 0 to 9.");
        }
    }

    private static CentralEntry WriteBuffered(Stream destination, byte[] name, BufferedEntry data)
    {
        // Sizes are known and below 1 GiB, so the local header never needs zip64; only the offset might.
        long headerOffset = destination.Position;
        var entry = new CentralEntry(name, ZipFormat.VersionNeeded(false, headerOffset),
            data.Stored ? ZipFormat.MethodStored : ZipFormat.MethodDeflate, data.Crc, data.Size, data.DataLength, headerOffset);
        ZipFormat.WriteLocalHeader(destination, name, entry.VersionNeeded, entry.Method, entry.Crc, entry.Size, entry.CompressedSize, zip64: false);
        destination.Write(data.Data, 0, data.DataLength);
        data.ReturnBuffer();
        return entry;
    }

    /// <summary>Deflates a large file straight into the output behind a placeholder local header, then seeks back to
    /// fill in CRC and sizes. It stays deflated even if that did not shrink it: storing would need a second pass.</summary>
    private static CentralEntry WriteStreamed(Stream destination, ZipEntrySource source, byte[] name, long measuredLength,
        DeflateLevel level, byte[] buffer, CancellationToken cancellationToken)
    {
        long headerOffset = destination.Position;
        bool zip64 = ZipFormat.StreamedLocalHeaderNeedsZip64(measuredLength);
        while (true)
        {
            ushort version = ZipFormat.VersionNeeded(zip64, headerOffset);
            ZipFormat.WriteLocalHeader(destination, name, version, ZipFormat.MethodDeflate, crc: 0, size: 0, compressedSize: 0, zip64);
            long dataOffset = destination.Position;

            var crc = new Crc32();
            long size = 0;
            using (Stream input = SourceFiles.Open(source))
            using (var deflate = level.Open(destination))
            {
                int read;
                while ((read = SourceFiles.ReadFully(input, buffer, 0, buffer.Length, source)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    crc.Append(new ReadOnlySpan<byte>(buffer, 0, read));
                    deflate.Write(buffer, 0, read);
                    size += read;
                }
            }

            long dataEnd = destination.Position;
            long compressedSize = dataEnd - dataOffset;
            if (size == 0)
            {
                // Emptied since it was measured. DeflateStream writes nothing at all for no input, which is not a
                // valid deflate stream, so make it the usual empty stored entry (the header is the same length or,
                // with zip64, shorter).
                destination.Position = headerOffset;
                version = ZipFormat.VersionNeeded(false, headerOffset);
                ZipFormat.WriteLocalHeader(destination, name, version, ZipFormat.MethodStored, crc: 0, size: 0, compressedSize: 0, zip64: false);
                return new CentralEntry(name, version, ZipFormat.MethodStored, 0, 0, 0, headerOffset);
            }

            if (!zip64 && (size >= ZipFormat.Max32 || compressedSize >= ZipFormat.Max32))
            {
                // Only if the file grew past the measured length: redo it with room for zip64 sizes.
                destination.Position = headerOffset;
                zip64 = true;
                continue;
            }

            uint checksum = crc.GetCurrentHashAsUInt32();
            ZipFormat.PatchLocalHeader(destination, headerOffset, name.Length, zip64, checksum, size, compressedSize);
            destination.Position = dataEnd;
            return new CentralEntry(name, version, ZipFormat.MethodDeflate, checksum, size, compressedSize, headerOffset);
        }
    }
}
