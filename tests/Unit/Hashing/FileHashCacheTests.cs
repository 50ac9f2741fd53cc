using SparkShip.Tasks.Hashing;
using SparkShip.Tests.Support;
using Xunit;

namespace SparkShip.Tests.Hashing;

/// <summary>
/// FileHashCache. Its in-memory cache is static (shared by every test in the process): each test uses files of
/// its own temp folder, so entries of other tests never match. Files are given an hour-old time unless a test is
/// about the racy window (a file written less than 2 s before the cache is saved).
/// </summary>
public sealed class FileHashCacheTests : IDisposable
{
    private readonly TempFolder _dir = new("hashcache");

    public void Dispose() => _dir.Dispose();

    private string CachePath => _dir.Combine("obj/hashes.cache");

    /// <summary>The cache file's lines after the header: path → (racy, size, ticks, hash, facts).</summary>
    private Dictionary<string, (bool Racy, long Size, long Ticks, string Hash, string Facts)> CacheLines()
    {
        var lines = File.ReadAllText(CachePath).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("sparkship-hash-cache/1", lines[0]);
        return lines.Skip(1).Select(l => l.Split('\t')).ToDictionary(
            p => p[0].TrimStart('?'),
            p => (p[0].StartsWith('?'), long.Parse(p[1]), long.Parse(p[2]), p[3], p[4]));
    }

    private static void SetTime(string path, DateTime utc) => File.SetLastWriteTimeUtc(path, utc);

    /// <summary>Freezes the cache file's time in the past, so that any rewrite shows.</summary>
    private (byte[] Bytes, DateTime Time) Snapshot()
    {
        var time = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        SetTime(CachePath, time);
        return (File.ReadAllBytes(CachePath), File.GetLastWriteTimeUtc(CachePath));
    }

    private void AssertUntouched((byte[] Bytes, DateTime Time) snapshot)
    {
        Assert.Equal(snapshot.Time, File.GetLastWriteTimeUtc(CachePath));
        Assert.Equal(snapshot.Bytes, File.ReadAllBytes(CachePath));
    }

    // ---- hashing ------------------------------------------------------------------------------------------

    [Fact]
    public void Get_hash_is_content_hash_of_file_and_reads_once()
    {
        var path = _dir.WriteOld("a.bin", "some content");
        var cache = FileHashCache.Load(null);

        Assert.Equal(ContentHash.OfFile(path), cache.GetHash(path));
        Assert.Equal(ContentHash.OfFile(path), cache.GetHash(path));
        Assert.Equal(1, cache.FilesRead);
        Assert.Equal(ContentHash.OfBytes(File.ReadAllBytes(path)), cache.GetHash(path));
    }

    [Fact]
    public void Get_hash_of_missing_file_throws()
    {
        var cache = FileHashCache.Load(null);
        var e = Assert.Throws<FileNotFoundException>(() => cache.GetHash(_dir.Combine("missing.bin")));
        Assert.Equal(_dir.Combine("missing.bin"), e.FileName);
    }

    [Fact]
    public void Prefetch_hashes_each_unknown_file_once()
    {
        var paths = Enumerable.Range(0, 5).Select(i => _dir.WriteOld($"p/{i}.bin", "file " + i)).ToList();
        var cache = FileHashCache.Load(null);

        cache.Prefetch(paths.Concat(paths));
        Assert.Equal(5, cache.FilesRead);
        foreach (var p in paths) Assert.Equal(ContentHash.OfFile(p), cache.GetHash(p));
        Assert.Equal(5, cache.FilesRead);
    }

    [Fact]
    public void Changed_size_is_rehashed()
    {
        var path = _dir.WriteOld("a.txt", "short");
        var time = File.GetLastWriteTimeUtc(path);
        var cache = FileHashCache.Load(null);
        var before = cache.GetHash(path);

        File.WriteAllText(path, "longer content");
        SetTime(path, time); // same time: only the size tells

        var after = cache.GetHash(path);
        Assert.NotEqual(before, after);
        Assert.Equal(ContentHash.OfFile(path), after);
        Assert.Equal(2, cache.FilesRead);
    }

    [Fact]
    public void Changed_time_is_rehashed()
    {
        var path = _dir.WriteOld("a.txt", "aaaa");
        var cache = FileHashCache.Load(null);
        var before = cache.GetHash(path);

        File.WriteAllText(path, "bbbb"); // same size
        SetTime(path, DateTime.UtcNow.AddMinutes(-30));

        var after = cache.GetHash(path);
        Assert.NotEqual(before, after);
        Assert.Equal(ContentHash.OfFile(path), after);
        Assert.Equal(2, cache.FilesRead);
    }

    // ---- the cache file -----------------------------------------------------------------------------------

    [Fact]
    public void Save_and_load_round_trip_second_instance_reads_nothing()
    {
        var a = _dir.WriteOld("a.txt", "alpha");
        var b = _dir.WriteOld("b.txt", "beta");
        var first = FileHashCache.Load(CachePath);
        var hashA = first.GetHash(a);
        var hashB = first.GetHash(b);
        first.Save();

        var lines = CacheLines();
        Assert.Equal((false, 5L, File.GetLastWriteTimeUtc(a).Ticks, hashA), (lines[a].Racy, lines[a].Size, lines[a].Ticks, lines[a].Hash));
        Assert.Equal(hashB, lines[b].Hash);

        var second = FileHashCache.Load(CachePath);
        Assert.Equal(hashA, second.GetHash(a));
        Assert.Equal(hashB, second.GetHash(b));
        Assert.Equal(0, second.FilesRead);
    }

    [Fact]
    public void Load_trusts_the_files_entries()
    {
        // The loaded entry, not a re-read (nor the in-memory cache), answers: a planted hash comes back as is.
        var a = _dir.WriteOld("a.txt", "alpha");
        var first = FileHashCache.Load(CachePath);
        var real = first.GetHash(a);
        first.Save();
        var planted = new string('7', ContentHash.HexLength);
        File.WriteAllText(CachePath, File.ReadAllText(CachePath).Replace(real, planted));

        var second = FileHashCache.Load(CachePath);
        Assert.Equal(planted, second.GetHash(a));
        Assert.Equal(0, second.FilesRead);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a cache\n")]
    [InlineData("sparkship-hash-cache/0\n/x\t1\t2\th\t\n")]
    public void Unusable_cache_file_is_an_empty_cache(string content)
    {
        var a = _dir.Write("fresh.txt", "fresh"); // racy: never in the in-memory cache, so a read shows
        _dir.Write("obj/hashes.cache", content);

        var cache = FileHashCache.Load(CachePath);
        Assert.Equal(ContentHash.OfFile(a), cache.GetHash(a));
        Assert.Equal(1, cache.FilesRead);
    }

    [Fact]
    public void Malformed_lines_are_skipped()
    {
        var a = _dir.WriteOld("a.txt", "alpha");
        var info = new FileInfo(a);
        var planted = new string('3', ContentHash.HexLength);
        _dir.Write("obj/hashes.cache",
            "sparkship-hash-cache/1\n" +
            "garbage line\n" +
            $"{a}\tNaN\t{info.LastWriteTimeUtc.Ticks}\t{new string('1', 32)}\t\n" +
            $"{a}\t{info.Length}\t{info.LastWriteTimeUtc.Ticks}\t{planted}\t\n");

        var cache = FileHashCache.Load(CachePath);
        Assert.Equal(planted, cache.GetHash(a));
        Assert.Equal(0, cache.FilesRead);
    }

    [Fact]
    public void Save_with_nothing_changed_does_not_touch_the_file()
    {
        var a = _dir.WriteOld("a.txt", "alpha");
        var first = FileHashCache.Load(CachePath);
        first.GetHash(a);
        first.Save();
        var snapshot = Snapshot();

        var second = FileHashCache.Load(CachePath);
        second.GetHash(a);
        second.Save();
        AssertUntouched(snapshot);

        FileHashCache.Load(CachePath).Save(); // nothing looked up at all
        AssertUntouched(snapshot);
    }

    [Fact]
    public void Save_without_lookups_creates_no_file()
    {
        FileHashCache.Load(CachePath).Save();
        Assert.False(File.Exists(CachePath));
        FileHashCache.Load(null).Save(); // no file to save to: nothing happens
    }

    [Fact]
    public void Save_keeps_unused_unchanged_entries_drops_deleted_and_changed_ones()
    {
        var kept = _dir.WriteOld("kept.txt", "kept");
        var deleted = _dir.WriteOld("deleted.txt", "deleted");
        var changed = _dir.WriteOld("changed.txt", "changed");
        var first = FileHashCache.Load(CachePath);
        foreach (var p in new[] { kept, deleted, changed }) first.GetHash(p);
        first.Save();
        Assert.Equal(3, CacheLines().Count);

        File.Delete(deleted);
        File.WriteAllText(changed, "changed, and longer");
        var added = _dir.WriteOld("added.txt", "added");
        var second = FileHashCache.Load(CachePath);
        second.GetHash(added); // the only file this instance uses
        second.Save();

        var lines = CacheLines();
        Assert.Equal(new[] { added, kept }.OrderBy(p => p, StringComparer.Ordinal), lines.Keys.OrderBy(p => p, StringComparer.Ordinal));
        Assert.Equal(ContentHash.OfFile(kept), lines[kept].Hash);
        Assert.Equal(ContentHash.OfFile(added), lines[added].Hash);
    }

    [Fact]
    public void Save_leaves_no_temporary_files()
    {
        var cache = FileHashCache.Load(CachePath);
        cache.GetHash(_dir.WriteOld("a.txt", "a"));
        cache.Save();
        Assert.Equal(new[] { "hashes.cache" }, Directory.GetFiles(_dir.Combine("obj")).Select(Path.GetFileName));
    }

    // ---- the racy window ----------------------------------------------------------------------------------

    [Fact]
    public void Fresh_file_is_saved_racy_old_file_is_not()
    {
        var fresh = _dir.Write("fresh.txt", "fresh");
        var old = _dir.WriteOld("old.txt", "old");
        var cache = FileHashCache.Load(CachePath);
        cache.GetHash(fresh);
        cache.GetHash(old);
        cache.Save();

        var lines = CacheLines();
        Assert.True(lines[fresh].Racy);
        Assert.False(lines[old].Racy);
        Assert.StartsWith("?" + fresh + "\t", File.ReadAllText(CachePath).Split('\n').Single(l => l.Contains(fresh)));
    }

    // A time a little ahead keeps "written within 2 s of Save" true however slow the machine is.
    private static DateTime RacyTime() => DateTime.UtcNow.AddSeconds(30);

    [Fact]
    public void Racy_entry_whose_file_changed_without_changing_size_or_time_is_rehashed_after_load()
    {
        var path = _dir.Write("racy.txt", "AAAA");
        var time = RacyTime();
        SetTime(path, time);
        var first = FileHashCache.Load(CachePath);
        var before = first.GetHash(path);
        first.Save();
        Assert.True(CacheLines()[path].Racy);

        File.WriteAllText(path, "BBBB"); // same size, and the same time again: invisible to the stamp
        SetTime(path, time);

        var second = FileHashCache.Load(CachePath);
        var after = second.GetHash(path);
        Assert.NotEqual(before, after);
        Assert.Equal(ContentHash.OfFile(path), after);
        Assert.Equal(1, second.FilesRead);
        Assert.Equal(after, second.GetHash(path));
        Assert.Equal(1, second.FilesRead);
    }

    [Fact]
    public void Racy_entry_unchanged_file_is_verified_once_and_does_not_rewrite_the_cache()
    {
        var path = _dir.Write("racy.txt", "stable");
        SetTime(path, RacyTime());
        var first = FileHashCache.Load(CachePath);
        var hash = first.GetHash(path);
        first.Save();
        Assert.True(CacheLines()[path].Racy);
        var snapshot = Snapshot();

        var second = FileHashCache.Load(CachePath);
        Assert.Equal(hash, second.GetHash(path));
        Assert.Equal(hash, second.GetHash(path));
        Assert.Equal(1, second.FilesRead); // verified once, then trusted
        second.Save();
        AssertUntouched(snapshot);
    }

    [Fact]
    public void Racy_entry_verified_after_its_file_aged_out_of_the_window_loses_its_mark_and_is_not_read_again()
    {
        // A cache saved racy (within 2 s of the file's time) by an earlier build; the file is an hour old now.
        var path = _dir.WriteOld("aged.txt", "stable");
        var hash = ContentHash.OfFile(path);
        Directory.CreateDirectory(Path.GetDirectoryName(CachePath)!);
        File.WriteAllText(CachePath, $"sparkship-hash-cache/1\n?{path}\t6\t{File.GetLastWriteTimeUtc(path).Ticks}\t{hash}\t\n");

        var second = FileHashCache.Load(CachePath);
        Assert.Equal(hash, second.GetHash(path));
        Assert.Equal(1, second.FilesRead); // verified
        second.Save();
        Assert.False(CacheLines()[path].Racy);

        var third = FileHashCache.Load(CachePath);
        Assert.Equal(hash, third.GetHash(path));
        Assert.Equal(0, third.FilesRead);
    }

    [Fact]
    public void Racy_entry_whose_file_changed_gets_fresh_assembly_facts()
    {
        // An assembly and a text file of exactly the same size, swapped under the same time.
        var assembly = TestAssemblies.Compile(_dir.Combine("build/Racy.dll"), "Racy");
        var assemblyBytes = File.ReadAllBytes(assembly);
        var path = _dir.Write("lib/Racy.dll", Enumerable.Repeat((byte)'x', assemblyBytes.Length).ToArray());
        var time = RacyTime();
        SetTime(path, time);
        var first = FileHashCache.Load(CachePath);
        first.GetHash(path);
        Assert.False(first.GetAssemblyFacts(path).IsManaged);
        first.Save();
        Assert.True(CacheLines()[path].Racy);

        File.WriteAllBytes(path, assemblyBytes);
        SetTime(path, time);

        var second = FileHashCache.Load(CachePath);
        Assert.True(second.GetAssemblyFacts(path).IsManaged);
    }

    [Fact]
    public void Racy_entry_unchanged_file_keeps_its_assembly_facts()
    {
        var path = TestAssemblies.Compile(_dir.Combine("lib/Stable.dll"), "Stable");
        SetTime(path, RacyTime());
        var first = FileHashCache.Load(CachePath);
        first.GetHash(path);
        Assert.True(first.GetAssemblyFacts(path).IsManaged);
        first.Save();
        var snapshot = Snapshot();

        var second = FileHashCache.Load(CachePath);
        Assert.True(second.GetAssemblyFacts(path).IsManaged);
        Assert.Equal(1, second.FilesRead); // the racy entry was verified by hashing before its facts were used
        second.Save();
        AssertUntouched(snapshot);
    }

    // ---- the process-wide memory cache --------------------------------------------------------------------

    [Fact]
    public void Memory_cache_second_instance_without_a_file_reads_nothing_for_an_old_file()
    {
        var path = _dir.WriteOld("shared.txt", "shared content");
        var first = FileHashCache.Load(null);
        var hash = first.GetHash(path);
        Assert.Equal(1, first.FilesRead);

        var second = FileHashCache.Load(null);
        Assert.Equal(hash, second.GetHash(path));
        Assert.Equal(0, second.FilesRead);
    }

    [Fact]
    public void Memory_cache_does_not_share_racy_files()
    {
        var path = _dir.Write("fresh.txt", "fresh content");
        SetTime(path, RacyTime());
        FileHashCache.Load(null).GetHash(path);

        var second = FileHashCache.Load(null);
        second.GetHash(path);
        Assert.Equal(1, second.FilesRead);
    }

    [Fact]
    public void Memory_cache_entry_of_a_changed_file_is_not_used()
    {
        var path = _dir.WriteOld("shared.txt", "one");
        FileHashCache.Load(null).GetHash(path);
        File.WriteAllText(path, "three");
        SetTime(path, DateTime.UtcNow.AddHours(-2));

        var second = FileHashCache.Load(null);
        Assert.Equal(ContentHash.OfFile(path), second.GetHash(path));
        Assert.Equal(1, second.FilesRead);
    }

    [Fact]
    public void Memory_cache_entry_used_by_an_instance_is_saved_to_its_file()
    {
        var path = _dir.WriteOld("shared.txt", "from memory");
        var hash = FileHashCache.Load(null).GetHash(path);

        var withFile = FileHashCache.Load(CachePath);
        Assert.Equal(hash, withFile.GetHash(path));
        Assert.Equal(0, withFile.FilesRead);
        withFile.Save();
        Assert.Equal(hash, CacheLines()[path].Hash);
    }

    // ---- assembly facts -----------------------------------------------------------------------------------

    [Fact]
    public void Assembly_facts_of_this_net10_test_assembly()
    {
        var facts = FileHashCache.Load(null).GetAssemblyFacts(typeof(FileHashCacheTests).Assembly.Location);

        Assert.True(facts.IsManaged);
        Assert.Equal(".NETCoreApp,Version=v10.0", facts.TargetFramework);
        Assert.Equal(10, facts.SystemRuntimeMajor);
        Assert.False(facts.IsReferenceAssembly);
        Assert.Equal(typeof(FileHashCacheTests).Assembly.GetName().Version!.ToString(), facts.Version);
    }

    [Fact]
    public void Assembly_facts_of_a_ref_pack_assembly_is_reference_assembly()
    {
        var facts = AssemblyFacts.Read(DotnetInstall.RefSystemRuntime);
        Assert.True(facts.IsManaged);
        Assert.True(facts.IsReferenceAssembly);
    }

    [Fact]
    public void Assembly_facts_of_a_compiled_library()
    {
        var path = TestAssemblies.Compile(_dir.Combine("lib/Facts.dll"), "Facts",
            "[assembly: System.Runtime.Versioning.TargetFramework(\".NETStandard,Version=v2.1\")]\n" +
            "[assembly: System.Reflection.AssemblyInformationalVersion(\"1.2.3-beta+abc|d%e\")]\n" +
            "[assembly: System.Reflection.AssemblyVersion(\"1.2.0.0\")]");

        var facts = AssemblyFacts.Read(path);
        Assert.Equal(".NETStandard,Version=v2.1", facts.TargetFramework);
        Assert.Equal("1.2.3-beta+abc|d%e", facts.InformationalVersion);
        Assert.Equal("1.2.0.0", facts.Version);
        Assert.Equal(TestAssemblies.RefPackSystemRuntimeMajor, facts.SystemRuntimeMajor);
        Assert.False(facts.IsReferenceAssembly);
    }

    [Fact]
    public void Assembly_facts_survive_the_cache_file()
    {
        var path = TestAssemblies.Compile(_dir.Combine("lib/Saved.dll"), "Saved",
            "[assembly: System.Runtime.Versioning.TargetFramework(\".NETCoreApp,Version=v8.0\")]\n" +
            "[assembly: System.Reflection.AssemblyInformationalVersion(\"2.3.1+sha|with%pipes\")]");
        SetTime(path, DateTime.UtcNow.AddHours(-1));
        var text = _dir.WriteOld("notes.txt", "plain text");
        var first = FileHashCache.Load(CachePath);
        var expected = first.GetAssemblyFacts(path);
        Assert.False(first.GetAssemblyFacts(text).IsManaged);
        first.Save();
        Assert.Equal("-", CacheLines()[text].Facts);
        Assert.StartsWith("M|", CacheLines()[path].Facts);

        var loaded = FileHashCache.Load(CachePath);
        var facts = loaded.GetAssemblyFacts(path);
        Assert.Equal(expected.TargetFramework, facts.TargetFramework);
        Assert.Equal("2.3.1+sha|with%pipes", facts.InformationalVersion);
        Assert.Equal(expected.SystemRuntimeMajor, facts.SystemRuntimeMajor);
        Assert.Equal(expected.Version, facts.Version);
        Assert.False(loaded.GetAssemblyFacts(text).IsManaged);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("empty")]
    [InlineData("mz")]
    public void Assembly_facts_of_non_pe_files_are_not_managed(string kind)
    {
        var path = kind switch
        {
            "text" => _dir.Write("x/readme.dll", "just some text, long enough to look like something"),
            "empty" => _dir.Write("x/empty.dll", Array.Empty<byte>()),
            _ => _dir.Write("x/mz.dll", new byte[] { (byte)'M', (byte)'Z', 0, 0, 1, 2, 3 }),
        };

        var facts = FileHashCache.Load(null).GetAssemblyFacts(path);
        Assert.False(facts.IsManaged);
        Assert.Same(AssemblyFacts.NotManaged, facts);
    }

    [Fact]
    public void Assembly_facts_of_a_native_library_are_not_managed()
    {
        var native = Directory.GetFiles(DotnetInstall.RuntimeDirectory, "libSystem.Native.*").Concat(Directory.GetFiles(DotnetInstall.RuntimeDirectory, "System.Native.dll")).First();
        Assert.False(FileHashCache.Load(null).GetAssemblyFacts(native).IsManaged);
    }

    [Fact]
    public void Assembly_facts_serialize_round_trip()
    {
        var facts = new AssemblyFacts(true, ".NETCoreApp,Version=v8.0", 8, true, "1.0|x%y\tz", "1.0.0.0");
        var back = AssemblyFacts.Deserialize(facts.Serialize())!;
        Assert.Equal((facts.IsManaged, facts.TargetFramework, facts.SystemRuntimeMajor, facts.IsReferenceAssembly, facts.InformationalVersion, facts.Version),
                     (back.IsManaged, back.TargetFramework, back.SystemRuntimeMajor, back.IsReferenceAssembly, back.InformationalVersion, back.Version));

        var empty = AssemblyFacts.Deserialize(new AssemblyFacts(true, null, null, false, null, null).Serialize())!;
        Assert.True(empty.IsManaged);
        Assert.Null(empty.TargetFramework);
        Assert.Null(empty.SystemRuntimeMajor);

        Assert.Same(AssemblyFacts.NotManaged, AssemblyFacts.Deserialize("-"));
        Assert.Null(AssemblyFacts.Deserialize(""));
        Assert.Null(AssemblyFacts.Deserialize("M|too|few"));
    }
}
