using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;
using SparkShip.Tasks.Archives;
using Xunit;

namespace SparkShip.Tests.Archives;

public sealed class DeterministicZipWriterTests : IDisposable
{
    private const long FourGiB = 1L << 32;
    private readonly string _root = Directory.CreateTempSubdirectory("sparkship-zip-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // ---- round trip and format ----------------------------------------------------------------------------

    [Fact]
    public void Round_trip_zip_archive_reads_names_contents_and_order()
    {
        var files = new (string Name, byte[] Content)[]
        {
            ("z-last-alphabetically.txt", Text(300)),
            ("lib/app.dll", RandomBytes(5000, seed: 1)),
            ("a/b/c/deep.json", Encoding.UTF8.GetBytes("{\"k\": [1, 2, 3]}")),
            ("empty.bin", Array.Empty<byte>()),
            ("lib/Microsoft.Spark.dll", Text(2000)),
        };
        List<ZipEntrySource> entries = CreateFiles("src", files);

        byte[] zip = WriteZip(entries, out IReadOnlyList<ZipEntryResult> results);

        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        Assert.Equal(files.Select(f => f.Name), archive.Entries.Select(e => e.FullName));
        Assert.Equal(files.Select(f => f.Name), results.Select(r => r.EntryName));
        for (int i = 0; i < files.Length; i++)
        {
            ZipArchiveEntry entry = archive.Entries[i];
            Assert.Equal(files[i].Content, ReadAll(entry));
            Assert.Equal(files[i].Content.Length, results[i].Size);
            Assert.Equal(entry.CompressedLength, results[i].CompressedSize);
            Assert.Equal(Crc32.HashToUInt32(files[i].Content), results[i].Crc32);
            Assert.Equal(results[i].Crc32, entry.Crc32);
            Assert.Equal(new DateTime(1980, 1, 1, 0, 0, 0), entry.LastWriteTime.DateTime);
            Assert.Equal(0, entry.ExternalAttributes);
        }
    }

    [Fact]
    public void Headers_have_only_fixed_metadata()
    {
        List<ZipEntrySource> entries = CreateFiles("src", ("text.txt", Text(4000)), ("random.bin", RandomBytes(3000, 2)), ("empty", Array.Empty<byte>()));
        // Small in-memory limit: the text file goes through the streamed path, whose local header is patched.
        byte[] zip = WriteZip(entries, out _, new ZipWriteOptions { InMemoryLimit = 3500 });

        RawZip raw = RawZip.Read(new MemoryStream(zip));
        Assert.False(raw.HasZip64End);
        Assert.Equal(3, raw.Entries.Count);
        foreach (RawEntry e in raw.Entries)
        {
            Assert.Equal(0x0014, e.MadeBy); // version 2.0, host 0 = MS-DOS
            Assert.Equal(20, e.VersionNeeded);
            Assert.Equal(0x0800, e.Flags); // UTF-8 names; no data descriptor (bit 3)
            Assert.Equal(0, e.Time);
            Assert.Equal(0x0021, e.Date);
            Assert.Empty(e.Extra);
            Assert.Equal(0, e.CommentLength);
            Assert.Equal(0, e.InternalAttributes);
            Assert.Equal(0u, e.ExternalAttributes);

            // The local header repeats the central one exactly: the streamed entry was patched in place.
            Assert.Equal(e.VersionNeeded, e.Local.VersionNeeded);
            Assert.Equal(e.Flags, e.Local.Flags);
            Assert.Equal(e.Method, e.Local.Method);
            Assert.Equal(e.Time, e.Local.Time);
            Assert.Equal(e.Date, e.Local.Date);
            Assert.Equal(e.Crc, e.Local.Crc);
            Assert.Equal(e.CompressedSize, e.Local.CompressedSize);
            Assert.Equal(e.Size, e.Local.Size);
            Assert.Equal(e.Name, e.Local.Name);
            Assert.Empty(e.Local.Extra);
        }

        // Nothing but the records: local header + data back to back, then the directory, then the 22-byte end record.
        long expectedDirectory = raw.Entries.Sum(e => 30L + e.Name.Length + e.CompressedSize);
        Assert.Equal(expectedDirectory, raw.DirectoryOffset);
        Assert.Equal(zip.Length, raw.DirectoryOffset + raw.DirectorySize + 22);
    }

    [Fact]
    public void Output_is_byte_identical_whatever_the_folder_timestamps_and_permissions()
    {
        var files = new (string, byte[])[] { ("bin/app.dll", RandomBytes(20000, 3)), ("conf/app.conf", Text(5000)), ("x/empty", Array.Empty<byte>()) };
        List<ZipEntrySource> first = CreateFiles("one/deeper/folder", files);
        List<ZipEntrySource> second = CreateFiles("two", files);
        for (int i = 0; i < second.Count; i++)
        {
            File.SetLastWriteTimeUtc(first[i].SourcePath, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
            File.SetLastWriteTimeUtc(second[i].SourcePath, DateTime.UtcNow.AddDays(-i - 1));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(second[i].SourcePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var options = new ZipWriteOptions { InMemoryLimit = 10000 }; // one entry streamed
        byte[] a = WriteZip(first, out _, options);
        byte[] b = WriteZip(second, out _, options);

        Assert.Equal(a, b);
    }

    [Fact]
    public void Incompressible_data_is_stored_compressible_data_is_deflated()
    {
        List<ZipEntrySource> entries = CreateFiles("src", ("random.bin", RandomBytes(50000, 4)), ("text.txt", Text(50000)), ("one-byte", new byte[] { 42 }));

        byte[] zip = WriteZip(entries, out IReadOnlyList<ZipEntryResult> results);

        Assert.True(results[0].Stored);
        Assert.Equal(results[0].Size, results[0].CompressedSize);
        Assert.False(results[1].Stored);
        Assert.True(results[1].CompressedSize < results[1].Size / 4, results[1].ToString());
        Assert.True(results[2].Stored); // deflate would emit 3 bytes for 1
        RawZip raw = RawZip.Read(new MemoryStream(zip));
        Assert.Equal(new[] { 0, 8, 0 }, raw.Entries.Select(e => (int)e.Method));
    }

    [Fact]
    public void Empty_file_is_stored_with_zero_sizes()
    {
        List<ZipEntrySource> entries = CreateFiles("src", ("empty.txt", Array.Empty<byte>()));

        byte[] zip = WriteZip(entries, out IReadOnlyList<ZipEntryResult> results);

        Assert.Equal(new ZipEntryResult("empty.txt", 0, 0, 0, stored: true).ToString(), results[0].ToString());
        using var archive = new ZipArchive(new MemoryStream(zip));
        Assert.Equal(0, archive.Entries.Single().Length);
        Assert.Equal(0, RawZip.Read(new MemoryStream(zip)).Entries.Single().Method);
    }

    [Fact]
    public void Utf8_names_round_trip()
    {
        const string name = "données/é.txt";
        List<ZipEntrySource> entries = CreateFiles("src", ("plain.txt", Text(10)));
        entries.Add(new ZipEntrySource(name, entries[0].SourcePath));
        entries.Add(new ZipEntrySource("日本語/ファイル.txt", entries[0].SourcePath));

        byte[] zip = WriteZip(entries, out _);

        using var archive = new ZipArchive(new MemoryStream(zip));
        Assert.Equal(new[] { "plain.txt", name, "日本語/ファイル.txt" }, archive.Entries.Select(e => e.FullName));
        RawEntry raw = RawZip.Read(new MemoryStream(zip)).Entries[1];
        Assert.Equal(Encoding.UTF8.GetBytes(name), raw.Name);
        Assert.Equal(0x0800, raw.Flags & 0x0800);
    }

    [Fact]
    public void Entries_are_written_in_the_given_order_not_sorted()
    {
        List<ZipEntrySource> entries = CreateFiles("src", ("b", Text(10)), ("a", Text(20)), ("c/a", Text(30)), ("B", Text(40)));

        byte[] zip = WriteZip(entries, out _);

        RawZip raw = RawZip.Read(new MemoryStream(zip));
        Assert.Equal(new[] { "b", "a", "c/a", "B" }, raw.Entries.Select(e => Encoding.UTF8.GetString(e.Name)));
        Assert.True(raw.Entries.Zip(raw.Entries.Skip(1)).All(p => p.First.HeaderOffset < p.Second.HeaderOffset));
    }

    // ---- names ----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/Windows/x.dll")]
    [InlineData("c:relative.txt")]
    [InlineData("lib\\app.dll")]
    [InlineData("../escape.txt")]
    [InlineData("a/../../escape.txt")]
    [InlineData("a/..")]
    [InlineData("..")]
    [InlineData("./a.txt")]
    [InlineData("a/./b.txt")]
    [InlineData(".")]
    [InlineData("a//b.txt")]
    [InlineData("folder/")]
    [InlineData("a\0b")]
    [InlineData(null)] // an unpaired surrogate, which an attribute argument cannot carry
    public void Invalid_names_are_rejected_naming_the_entry(string? name)
    {
        name ??= "bad\ud800surrogate";
        List<ZipEntrySource> entries = CreateFiles("src", ("ok.txt", Text(10)));
        entries.Add(new ZipEntrySource(name, entries[0].SourcePath));
        var destination = new MemoryStream();

        var ex = Assert.Throws<ArgumentException>(() => DeterministicZipWriter.Write(destination, entries, new ZipWriteOptions()));

        Assert.Contains($"'{name}'", ex.Message);
        Assert.Equal(0, destination.Length);
    }

    [Theory]
    [InlineData("...")]
    [InlineData(".hidden/..a/b..")]
    [InlineData("a b/c:d.txt")]
    public void Unusual_but_safe_names_are_accepted(string name)
    {
        List<ZipEntrySource> entries = CreateFiles("src", ("ok.txt", Text(10)));
        entries.Add(new ZipEntrySource(name, entries[0].SourcePath));

        byte[] zip = WriteZip(entries, out _);

        using var archive = new ZipArchive(new MemoryStream(zip));
        Assert.Equal(name, archive.Entries[1].FullName);
    }

    [Fact]
    public void Duplicate_names_are_rejected_ordinally()
    {
        List<ZipEntrySource> entries = CreateFiles("src", ("lib/a.dll", Text(10)), ("lib/A.dll", Text(10)));
        WriteZip(entries, out _); // differing only in case is allowed
        entries.Add(new ZipEntrySource("lib/a.dll", entries[1].SourcePath));

        var ex = Assert.Throws<ArgumentException>(() => DeterministicZipWriter.Write(new MemoryStream(), entries, new ZipWriteOptions()));

        Assert.Contains("'lib/a.dll'", ex.Message);
        Assert.Contains("more than once", ex.Message);
    }

    // ---- parallelism --------------------------------------------------------------------------------------

    [Fact]
    public void Thousands_of_small_entries_round_trip()
    {
        const int count = 3000;
        var files = Enumerable.Range(0, count)
            .Select(i => ($"pkg{i % 37}/file{i:D5}.txt", i % 5 == 0 ? RandomBytes(i % 700, i) : Encoding.UTF8.GetBytes($"entry {i} " + new string('x', i % 300))))
            .ToArray();
        List<ZipEntrySource> entries = CreateFiles("many", files);

        byte[] zip = WriteZip(entries, out IReadOnlyList<ZipEntryResult> results, new ZipWriteOptions { MaxParallelism = 2 });

        Assert.Equal(count, results.Count);
        using var archive = new ZipArchive(new MemoryStream(zip));
        Assert.Equal(count, archive.Entries.Count);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(files[i].Item1, archive.Entries[i].FullName);
            Assert.Equal(files[i].Item2, ReadAll(archive.Entries[i]));
        }
    }

    [Fact]
    public void Parallel_and_sequential_give_identical_bytes()
    {
        var files = new List<(string, byte[])>();
        for (int i = 0; i < 120; i++)
        {
            int size = (i * 7919) % 90000;
            files.Add(($"d{i % 4}/f{i}", (i % 3) switch { 0 => RandomBytes(size, i), 1 => Text(size), _ => Array.Empty<byte>() }));
        }

        List<ZipEntrySource> entries = CreateFiles("mixed", files.ToArray());
        // Entries over 40000 bytes are streamed by the writer while the workers keep compressing the ones after them.
        byte[] sequential = WriteZip(entries, out IReadOnlyList<ZipEntryResult> expected, new ZipWriteOptions { MaxParallelism = 1, InMemoryLimit = 40000 });
        Assert.Contains(expected, r => r.Size > 40000);

        foreach (int parallelism in new[] { 2, 3, 8, int.MaxValue })
        {
            byte[] parallel = WriteZip(entries, out IReadOnlyList<ZipEntryResult> results, new ZipWriteOptions { MaxParallelism = parallelism, InMemoryLimit = 40000 });
            Assert.Equal(sequential, parallel);
            Assert.Equal(expected.Select(r => r.ToString()), results.Select(r => r.ToString()));
        }
    }

    [Fact]
    public void Buffered_entries_stay_within_twice_max_parallelism_when_the_output_is_slow()
    {
        var files = Enumerable.Range(0, 150).Select(i => ($"f{i}", Text(2000 + i))).ToArray();
        List<ZipEntrySource> entries = CreateFiles("window", files);
        var diagnostics = new ZipWriteDiagnostics();
        var destination = new SlowStream(new MemoryStream());

        DeterministicZipWriter.Write(destination, entries, new ZipWriteOptions { MaxParallelism = 2 }, diagnostics);

        Assert.Equal(2, diagnostics.WorkerThreads);
        Assert.InRange(diagnostics.MaxBuffersInFlight, 2, 4);
        using var archive = new ZipArchive(destination.Inner);
        Assert.Equal(150, archive.Entries.Count);
    }

    [Fact]
    public void Large_entries_are_streamed_and_stay_deflated_even_when_larger()
    {
        List<ZipEntrySource> entries = CreateFiles("big", ("small.txt", Text(100)), ("big.bin", RandomBytes(300_000, 5)), ("big.txt", Text(300_000)), ("after.txt", Text(50)));
        var diagnostics = new ZipWriteDiagnostics();
        var destination = new MemoryStream();

        IReadOnlyList<ZipEntryResult> results = DeterministicZipWriter.Write(destination, entries, new ZipWriteOptions { InMemoryLimit = 100_000 }, diagnostics);

        Assert.Equal(2, diagnostics.StreamedEntries);
        Assert.False(results[1].Stored);
        Assert.True(results[1].CompressedSize > results[1].Size, results[1].ToString());
        Assert.False(results[2].Stored);
        Assert.True(results[2].CompressedSize < results[2].Size / 4, results[2].ToString());
        AssertRoundTrip(destination.ToArray(), entries);
    }

    // ---- external tools -----------------------------------------------------------------------------------

    [Fact]
    public void Info_zip_unzip_tests_the_archive_and_sees_ms_dos_origin()
    {
        List<ZipEntrySource> entries = CreateFiles("src",
            ("lib/app.dll", RandomBytes(70000, 6)), ("conf/app.conf", Text(70000)), ("empty", Array.Empty<byte>()), ("données/é.txt", Text(33)));
        string zipPath = Path.Combine(_root, "out.zip");
        using (FileStream output = File.Create(zipPath))
        {
            DeterministicZipWriter.Write(output, entries, new ZipWriteOptions { InMemoryLimit = 65536 });
        }

        (int exit, string log) = RunUnzip("-t", zipPath);
        Assert.True(exit == 0, log);
        Assert.Contains("No errors detected", log);

        (exit, log) = RunUnzip("-Z", "-v", zipPath);
        Assert.True(exit == 0, log);
        log = System.Text.RegularExpressions.Regex.Replace(log, " +", " ");
        Assert.Equal(4, Count(log, "file system or operating system of origin: MS-DOS, OS/2 or NT FAT\n"));
        Assert.Equal(4, Count(log, "version of encoding software: 2.0\n"));
        Assert.Equal(4, Count(log, "minimum software version required to extract: 2.0\n"));
        Assert.Equal(4, Count(log, "extended local header: no\n"));
        Assert.Equal(4, Count(log, "file last modified on (DOS date/time): 1980 Jan 1 00:00:00\n"));
        Assert.Equal(4, Count(log, "There is no file comment."));
        Assert.Equal(4, Count(log, "length of extra field: 0 bytes\n"));
        Assert.Equal(4, Count(log, "MS-DOS file attributes (00 hex): none\n"));
    }

    // ---- zip64 ---------------------------------------------------------------------------------------------

    [Fact]
    [Trait("Category", "Slow")]
    public void Zip64_sparse_file_over_4_GiB_reads_back()
    {
        string big = Path.Combine(_root, "sparse.bin");
        long length = FourGiB + 12345;
        byte[] tail = Encoding.ASCII.GetBytes("the end of a very long file");
        using (var f = new FileStream(big, FileMode.CreateNew))
        {
            f.SetLength(length); // zeros, and no disk space
            f.Position = length - tail.Length;
            f.Write(tail);
        }

        List<ZipEntrySource> entries = CreateFiles("src", ("before.txt", Text(1000)));
        entries.Add(new ZipEntrySource("data/big.bin", big));
        entries.AddRange(CreateFiles("src2", ("after.txt", Text(2000))));
        string zipPath = Path.Combine(_root, "big.zip");
        IReadOnlyList<ZipEntryResult> results;
        using (FileStream output = File.Create(zipPath))
        {
            results = DeterministicZipWriter.Write(output, entries, new ZipWriteOptions { Level = CompressionLevel.Fastest });
        }

        Assert.Equal(length, results[1].Size);
        Assert.False(results[1].Stored);

        using (FileStream zip = File.OpenRead(zipPath))
        {
            RawEntry raw = RawZip.Read(zip).Entries[1];
            Assert.Equal(45, raw.VersionNeeded);
            Assert.Equal(45, raw.Local.VersionNeeded);
            Assert.Equal(uint.MaxValue, raw.Local.Size32);
            Assert.Equal(uint.MaxValue, raw.Local.CompressedSize32);
            Assert.Equal(20, raw.Local.Extra.Length); // zip64: both sizes
            Assert.Equal(12, raw.Extra.Length); // zip64: only the size that does not fit
            Assert.Equal(length, raw.Size);
            Assert.Equal(length, raw.Local.Size);
            Assert.Equal(results[1].CompressedSize, raw.Local.CompressedSize);
        }

        using (var archive = ZipFile.OpenRead(zipPath))
        {
            ZipArchiveEntry entry = archive.GetEntry("data/big.bin")!;
            Assert.Equal(length, entry.Length);
            Assert.Equal(results[1].Crc32, entry.Crc32);
            var crc = new Crc32();
            long total = 0;
            byte[] buffer = new byte[1 << 20];
            using (Stream data = entry.Open())
            {
                int read;
                while ((read = data.Read(buffer)) > 0)
                {
                    crc.Append(buffer.AsSpan(0, read));
                    total += read;
                }
            }

            Assert.Equal(length, total);
            Assert.Equal(results[1].Crc32, crc.GetCurrentHashAsUInt32());
            Assert.Equal(Text(2000), ReadAll(archive.GetEntry("after.txt")!));
        }

        (int exit, string log) = RunUnzip("-t", zipPath);
        Assert.True(exit == 0, log);
    }

    [Fact]
    public void Zip64_offsets_past_4_GiB_use_zip64_fields_and_end_record()
    {
        // The archive starts 4 GiB into a sparse file, so every local header offset needs zip64 (offsets are
        // absolute positions, as for a self-extractor stub).
        List<ZipEntrySource> entries = CreateFiles("src", ("a.txt", Text(5000)), ("b.bin", RandomBytes(9000, 7)), ("c.txt", Text(8000)));
        string zipPath = Path.Combine(_root, "offset.zip");
        long start = FourGiB + 3;
        using (var output = new FileStream(zipPath, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            output.SetLength(start);
            output.Position = start;
            DeterministicZipWriter.Write(output, entries, new ZipWriteOptions { InMemoryLimit = 7000 });
        }

        using (FileStream zip = File.OpenRead(zipPath))
        {
            RawZip raw = RawZip.Read(zip);
            Assert.True(raw.HasZip64End);
            Assert.Equal(uint.MaxValue, raw.EndDirectoryOffset32);
            Assert.Equal(3, raw.EndCount16);
            Assert.Equal(start, raw.Entries[0].HeaderOffset);
            foreach (RawEntry e in raw.Entries)
            {
                Assert.Equal(uint.MaxValue, e.Offset32);
                Assert.Equal(12, e.Extra.Length); // zip64 with the offset only
                Assert.Equal(45, e.VersionNeeded);
                Assert.Equal(45, e.Local.VersionNeeded);
                Assert.Empty(e.Local.Extra);
            }
        }

        using (var archive = ZipFile.OpenRead(zipPath))
        {
            Assert.Equal(new[] { Text(5000), RandomBytes(9000, 7), Text(8000) }, archive.Entries.Select(ReadAll));
        }

        (int exit, string log) = RunUnzip("-t", zipPath);
        Assert.True(exit == 0, log);
    }

    [Fact]
    public void Zip64_65535_entries_use_zip64_end_record()
    {
        List<ZipEntrySource> one = CreateFiles("src", ("x", Text(20)));
        var entries = Enumerable.Range(0, 0xFFFF).Select(i => new ZipEntrySource($"d{i / 1000}/e{i}", one[0].SourcePath)).ToList();

        byte[] zip = WriteZip(entries, out _, new ZipWriteOptions { MaxParallelism = 2 });

        RawZip raw = RawZip.Read(new MemoryStream(zip));
        Assert.True(raw.HasZip64End);
        Assert.Equal(0xFFFF, raw.EndCount16);
        Assert.Equal(0xFFFF, raw.Entries.Count);
        Assert.All(raw.Entries, e => Assert.Equal(20, e.VersionNeeded)); // entries themselves need no zip64
        using (var archive = new ZipArchive(new MemoryStream(zip)))
        {
            Assert.Equal(0xFFFF, archive.Entries.Count);
            Assert.Equal("d65/e65534", archive.Entries[^1].FullName);
        }

        string zipPath = Path.Combine(_root, "many.zip");
        File.WriteAllBytes(zipPath, zip);
        (int exit, string log) = RunUnzip("-tq", zipPath);
        Assert.True(exit == 0, log);
    }

    [Fact]
    public void Zip64_is_not_used_below_the_limits()
    {
        List<ZipEntrySource> one = CreateFiles("src", ("x", Text(20)));
        var entries = Enumerable.Range(0, 0xFFFE).Select(i => new ZipEntrySource($"e{i}", one[0].SourcePath)).ToList();

        RawZip raw = RawZip.Read(new MemoryStream(WriteZip(entries, out _)));

        Assert.False(raw.HasZip64End);
        Assert.Equal(0xFFFE, raw.EndCount16);
    }

    [Theory]
    [InlineData(0L, false)]
    [InlineData(3_000_000_000L, false)]
    [InlineData(3_817_690_452L, false)]
    [InlineData(3_817_690_453L, true)]
    [InlineData(0xFFFF0000L, true)]
    [InlineData(0xFFFFFFFFL, true)]
    [InlineData(FourGiB * 3, true)]
    public void Streamed_local_header_uses_zip64_whenever_deflated_size_could_reach_4_GiB(long length, bool expected)
    {
        Assert.Equal(expected, ZipFormat.StreamedLocalHeaderNeedsZip64(length));
        if (!expected)
        {
            Assert.True(length * 9 / 8 < uint.MaxValue); // room for 12.5 % expansion
        }
    }

    // ---- errors, cancellation, options ----------------------------------------------------------------------

    [Fact]
    public void Missing_source_fails_naming_the_path_before_writing_anything()
    {
        List<ZipEntrySource> entries = CreateFiles("src", ("ok.txt", Text(10)));
        string missing = Path.Combine(_root, "no-such-dir", "missing.dll");
        entries.Add(new ZipEntrySource("lib/missing.dll", missing));
        var destination = new MemoryStream();

        var ex = Assert.ThrowsAny<IOException>(() => DeterministicZipWriter.Write(destination, entries, new ZipWriteOptions()));

        Assert.Contains(missing, ex.Message);
        Assert.Contains("lib/missing.dll", ex.Message);
        Assert.Equal(0, destination.Length);
    }

    [Fact]
    public void Source_deleted_after_measuring_fails_naming_the_path()
    {
        // Measured up front, gone by the time a worker reads it: the error comes from the compressor thread.
        var files = Enumerable.Range(0, 40).Select(i => ($"f{i}", Text(1000))).ToArray();
        List<ZipEntrySource> entries = CreateFiles("src", files);
        var destination = new CallbackStream(new MemoryStream(), writes => { if (writes == 1) File.Delete(entries[30].SourcePath); });

        var ex = Assert.ThrowsAny<IOException>(() => DeterministicZipWriter.Write(destination, entries, new ZipWriteOptions { MaxParallelism = 1 }));

        Assert.Contains(entries[30].SourcePath, ex.Message);
    }

    [Fact]
    public void Large_source_emptied_after_measuring_becomes_an_empty_stored_entry()
    {
        List<ZipEntrySource> entries = CreateFiles("src", ("first", Text(100)), ("big", Text(50_000)), ("last", Text(100)));
        var destination = new CallbackStream(new MemoryStream(), writes => { if (writes == 1) File.WriteAllBytes(entries[1].SourcePath, Array.Empty<byte>()); });

        IReadOnlyList<ZipEntryResult> results = DeterministicZipWriter.Write(destination, entries, new ZipWriteOptions { InMemoryLimit = 1000 });

        Assert.Equal(new ZipEntryResult("big", 0, 0, 0, stored: true).ToString(), results[1].ToString());
        byte[] zip = destination.Inner.ToArray();
        AssertRoundTrip(zip, entries);
        string zipPath = Path.Combine(_root, "emptied.zip");
        File.WriteAllBytes(zipPath, zip);
        (int exit, string log) = RunUnzip("-t", zipPath);
        Assert.True(exit == 0, log);
    }

    [Fact]
    public void Cancellation_before_start_writes_nothing()
    {
        List<ZipEntrySource> entries = CreateFiles("src", ("a", Text(10)));
        var destination = new MemoryStream();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            DeterministicZipWriter.Write(destination, entries, new ZipWriteOptions { CancellationToken = new CancellationToken(canceled: true) }));

        Assert.Equal(0, destination.Length);
    }

    [Fact]
    public void Cancellation_between_entries_stops_the_write()
    {
        var files = Enumerable.Range(0, 500).Select(i => ($"f{i}", Text(500 + i))).ToArray();
        List<ZipEntrySource> entries = CreateFiles("src", files);
        using var cts = new CancellationTokenSource();
        var destination = new CallbackStream(new MemoryStream(), writes => { if (writes == 20) cts.Cancel(); });
        var stopwatch = Stopwatch.StartNew();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            DeterministicZipWriter.Write(destination, entries, new ZipWriteOptions { MaxParallelism = 2, CancellationToken = cts.Token }));

        Assert.True(destination.Writes < 30, $"{destination.Writes} writes");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void Existing_bytes_after_the_archive_are_cut_off()
    {
        List<ZipEntrySource> entries = CreateFiles("src", ("a", Text(10)));
        byte[] expected = WriteZip(entries, out _);
        var destination = new MemoryStream();
        destination.Write(new byte[expected.Length + 1000]);
        destination.Position = 0;

        DeterministicZipWriter.Write(destination, entries);

        Assert.Equal(expected, destination.ToArray());
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        List<ZipEntrySource> entries = CreateFiles("src", ("a", Text(10)));
        var ok = new MemoryStream();
        Assert.Throws<ArgumentOutOfRangeException>(() => DeterministicZipWriter.Write(ok, entries, new ZipWriteOptions { MaxParallelism = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeterministicZipWriter.Write(ok, entries, new ZipWriteOptions { InMemoryLimit = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeterministicZipWriter.Write(ok, entries, new ZipWriteOptions { InMemoryLimit = 2L << 30 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeterministicZipWriter.Write(ok, entries, new ZipWriteOptions { Level = (CompressionLevel)42 }));
        Assert.Throws<ArgumentException>(() => DeterministicZipWriter.Write(new NonSeekableStream(), entries));
        Assert.Throws<ArgumentException>(() => new ZipEntrySource("a", ""));
        Assert.Equal(0, ok.Length);
    }

    [Fact]
    public void No_entries_give_an_empty_archive()
    {
        byte[] zip = WriteZip(new List<ZipEntrySource>(), out IReadOnlyList<ZipEntryResult> results);

        Assert.Empty(results);
        Assert.Equal(22, zip.Length);
        using var archive = new ZipArchive(new MemoryStream(zip));
        Assert.Empty(archive.Entries);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static byte[] WriteZip(IReadOnlyList<ZipEntrySource> entries, out IReadOnlyList<ZipEntryResult> results, ZipWriteOptions? options = null)
    {
        var destination = new MemoryStream();
        results = DeterministicZipWriter.Write(destination, entries, options ?? new ZipWriteOptions());
        return destination.ToArray();
    }

    private List<ZipEntrySource> CreateFiles(string folder, params (string Name, byte[] Content)[] files)
    {
        var entries = new List<ZipEntrySource>();
        string dir = Path.Combine(_root, folder);
        for (int i = 0; i < files.Length; i++)
        {
            // The file names on disk have nothing to do with the entry names.
            string path = Path.Combine(dir, $"{i}.src");
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(path, files[i].Content);
            entries.Add(new ZipEntrySource(files[i].Name, path));
        }

        return entries;
    }

    private static void AssertRoundTrip(byte[] zip, IReadOnlyList<ZipEntrySource> entries)
    {
        using var archive = new ZipArchive(new MemoryStream(zip));
        Assert.Equal(entries.Select(e => e.EntryName), archive.Entries.Select(e => e.FullName));
        for (int i = 0; i < entries.Count; i++)
        {
            Assert.Equal(File.ReadAllBytes(entries[i].SourcePath), ReadAll(archive.Entries[i]));
        }
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using Stream data = entry.Open();
        var copy = new MemoryStream();
        data.CopyTo(copy);
        return copy.ToArray();
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    private static byte[] Text(int length)
    {
        var text = new StringBuilder();
        for (int line = 0; text.Length < length; line++)
        {
            text.Append("spark.executor.memory=").Append(line % 17).Append("g # line ").Append(line).Append('\n');
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static (int ExitCode, string Output) RunUnzip(params string[] args)
    {
        var start = new ProcessStartInfo("unzip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("These tests need Info-ZIP's unzip on the PATH (apt-get install unzip).", ex);
        }

        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "unzip timed out");
            return (process.ExitCode, stdout.Result + stderr.Result);
        }
    }

    /// <summary>Sleeps on every write, so the compressors get ahead of the writer.</summary>
    private sealed class SlowStream(MemoryStream inner) : CallbackStream(inner, _ => Thread.Sleep(1));

    /// <summary>Counts writes and calls back after each one.</summary>
    private class CallbackStream(MemoryStream inner, Action<int> afterWrite) : Stream
    {
        public MemoryStream Inner { get; } = inner;
        public int Writes { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => true;
        public override long Length => Inner.Length;
        public override long Position { get => Inner.Position; set => Inner.Position = value; }
        public override void Flush() => Inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => Inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => Inner.Seek(offset, origin);
        public override void SetLength(long value) => Inner.SetLength(value);

        public override void Write(byte[] buffer, int offset, int count)
        {
            Inner.Write(buffer, offset, count);
            afterWrite(++Writes);
        }
    }

    private sealed class NonSeekableStream : MemoryStream
    {
        public override bool CanSeek => false;
    }
}

/// <summary>A minimal independent zip reader, to check the bytes our writer produces field by field.</summary>
internal sealed class RawZip
{
    public List<RawEntry> Entries { get; } = new();
    public bool HasZip64End { get; private set; }
    public int EndCount16 { get; private set; }
    public uint EndDirectoryOffset32 { get; private set; }
    public long DirectoryOffset { get; private set; }
    public long DirectorySize { get; private set; }

    public static RawZip Read(Stream zip)
    {
        var result = new RawZip();
        long endOffset = zip.Length - 22;
        byte[] end = ReadAt(zip, endOffset, 22);
        Assert.Equal(0x06054b50u, U32(end, 0));
        Assert.Equal(0, U16(end, 20)); // no comment
        result.EndCount16 = U16(end, 10);
        result.EndDirectoryOffset32 = U32(end, 16);
        long count = result.EndCount16;
        long directorySize = U32(end, 12);
        long directoryOffset = U32(end, 16);
        if (endOffset >= 20 && U32(ReadAt(zip, endOffset - 20, 20), 0) == 0x07064b50)
        {
            byte[] locator = ReadAt(zip, endOffset - 20, 20);
            long recordOffset = (long)U64(locator, 8);
            Assert.Equal(endOffset - 20 - 56, recordOffset);
            Assert.Equal(1u, U32(locator, 16));
            byte[] record = ReadAt(zip, recordOffset, 56);
            Assert.Equal(0x06064b50u, U32(record, 0));
            Assert.Equal(44UL, U64(record, 4));
            Assert.Equal(45, U16(record, 14));
            Assert.Equal(U64(record, 24), U64(record, 32));
            result.HasZip64End = true;
            count = (long)U64(record, 32);
            directorySize = (long)U64(record, 40);
            directoryOffset = (long)U64(record, 48);
            Assert.Equal(recordOffset, directoryOffset + directorySize);
        }
        else
        {
            Assert.Equal(endOffset, directoryOffset + directorySize);
        }

        result.DirectoryOffset = directoryOffset;
        result.DirectorySize = directorySize;
        byte[] directory = ReadAt(zip, directoryOffset, (int)directorySize);
        int at = 0;
        for (long i = 0; i < count; i++)
        {
            var e = new RawEntry();
            Assert.Equal(0x02014b50u, U32(directory, at));
            e.MadeBy = U16(directory, at + 4);
            e.VersionNeeded = U16(directory, at + 6);
            e.Flags = U16(directory, at + 8);
            e.Method = U16(directory, at + 10);
            e.Time = U16(directory, at + 12);
            e.Date = U16(directory, at + 14);
            e.Crc = U32(directory, at + 16);
            uint compressed32 = U32(directory, at + 20);
            uint size32 = U32(directory, at + 24);
            int nameLength = U16(directory, at + 28);
            int extraLength = U16(directory, at + 30);
            e.CommentLength = U16(directory, at + 32);
            Assert.Equal(0, U16(directory, at + 34)); // disk number start
            e.InternalAttributes = U16(directory, at + 36);
            e.ExternalAttributes = U32(directory, at + 38);
            e.Offset32 = U32(directory, at + 42);
            e.Name = directory.AsSpan(at + 46, nameLength).ToArray();
            e.Extra = directory.AsSpan(at + 46 + nameLength, extraLength).ToArray();
            at += 46 + nameLength + extraLength + e.CommentLength;

            // Zip64 fields appear only for the values that are 0xFFFFFFFF, in this order (APPNOTE 4.5.3).
            int x = 0;
            if (e.Extra.Length > 0)
            {
                Assert.Equal(1, U16(e.Extra, 0));
                Assert.Equal(e.Extra.Length - 4, U16(e.Extra, 2));
                x = 4;
            }

            e.Size = size32 == uint.MaxValue ? (long)U64(e.Extra, (x += 8) - 8) : size32;
            e.CompressedSize = compressed32 == uint.MaxValue ? (long)U64(e.Extra, (x += 8) - 8) : compressed32;
            e.HeaderOffset = e.Offset32 == uint.MaxValue ? (long)U64(e.Extra, (x += 8) - 8) : e.Offset32;
            Assert.Equal(e.Extra.Length, x);
            e.Local = RawLocalHeader.Read(zip, e.HeaderOffset);
            result.Entries.Add(e);
        }

        Assert.Equal(directory.Length, at);
        return result;
    }

    internal static byte[] ReadAt(Stream s, long offset, int count)
    {
        var buffer = new byte[count];
        s.Position = offset;
        s.ReadExactly(buffer);
        return buffer;
    }

    internal static ushort U16(byte[] b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));
    internal static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));
    internal static ulong U64(byte[] b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at));
}

internal sealed class RawEntry
{
    public int MadeBy, VersionNeeded, Flags, Method, Time, Date, CommentLength, InternalAttributes;
    public uint Crc, ExternalAttributes, Offset32;
    public long Size, CompressedSize, HeaderOffset;
    public byte[] Name = Array.Empty<byte>(), Extra = Array.Empty<byte>();
    public RawLocalHeader Local = null!;
}

internal sealed class RawLocalHeader
{
    public int VersionNeeded, Flags, Method, Time, Date;
    public uint Crc, Size32, CompressedSize32;
    public long Size, CompressedSize;
    public byte[] Name = Array.Empty<byte>(), Extra = Array.Empty<byte>();

    public static RawLocalHeader Read(Stream zip, long offset)
    {
        byte[] h = RawZip.ReadAt(zip, offset, 30);
        Assert.Equal(0x04034b50u, RawZip.U32(h, 0));
        var l = new RawLocalHeader
        {
            VersionNeeded = RawZip.U16(h, 4),
            Flags = RawZip.U16(h, 6),
            Method = RawZip.U16(h, 8),
            Time = RawZip.U16(h, 10),
            Date = RawZip.U16(h, 12),
            Crc = RawZip.U32(h, 14),
            CompressedSize32 = RawZip.U32(h, 18),
            Size32 = RawZip.U32(h, 22),
        };
        int nameLength = RawZip.U16(h, 26);
        int extraLength = RawZip.U16(h, 28);
        byte[] rest = RawZip.ReadAt(zip, offset + 30, nameLength + extraLength);
        l.Name = rest.AsSpan(0, nameLength).ToArray();
        l.Extra = rest.AsSpan(nameLength).ToArray();
        l.Size = l.Size32;
        l.CompressedSize = l.CompressedSize32;
        if (l.Extra.Length > 0)
        {
            // A local zip64 field always holds both sizes.
            Assert.Equal(1, RawZip.U16(l.Extra, 0));
            Assert.Equal(16, RawZip.U16(l.Extra, 2));
            Assert.Equal(uint.MaxValue, l.Size32);
            Assert.Equal(uint.MaxValue, l.CompressedSize32);
            l.Size = (long)RawZip.U64(l.Extra, 4);
            l.CompressedSize = (long)RawZip.U64(l.Extra, 12);
        }

        return l;
    }
}
