using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace SparkShip.Tasks.Hashing;

/// <summary>
/// Content hashes and assembly facts of files, cached by (full path, size, last write time) in a file under obj/
/// and in memory for the life of the MSBuild node, so that a build where nothing changed never re-reads
/// hundreds of megabytes of packages. An entry whose file was written within <see cref="RacyWindow"/> of the
/// moment it was cached is "racy" (as in git's racy-index problem: the file could change again without its
/// size or time changing) and is re-hashed once per load before it is trusted. A match rewrites the cache only
/// once the file has aged out of the window, so the mark is dropped and later loads trust the entry.
/// </summary>
public sealed class FileHashCache
{
    private const string Header = "sparkship-hash-cache/1";
    internal static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    // Shared across builds in one MSBuild node: keyed by full path, validated by size and timestamp.
    private static readonly ConcurrentDictionary<string, Entry> ProcessCache = new(StringComparer.Ordinal);

    private readonly string? _cacheFile;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _used = new(StringComparer.Ordinal);
    private volatile bool _changed;

    private FileHashCache(string? cacheFile) => _cacheFile = cacheFile;

    /// <summary>Number of files whose content was actually read by this instance (for tests and benchmarks).</summary>
    public int FilesRead => _filesRead;
    private int _filesRead;

    public static FileHashCache Load(string? cacheFile)
    {
        var cache = new FileHashCache(cacheFile);
        if (cacheFile is null || !File.Exists(cacheFile)) return cache;
        try
        {
            using var reader = new StreamReader(cacheFile, Encoding.UTF8);
            if (reader.ReadLine() != Header) return cache;
            string? line;
            while ((line = reader.ReadLine()) != null)
            {
                var parts = line.Split('\t');
                if (parts.Length != 5 || !long.TryParse(parts[1], out var size) || !long.TryParse(parts[2], out var ticks)) continue;
                bool racy = parts[0].Length > 0 && parts[0][0] == '?';
                var path = racy ? parts[0].Substring(1) : parts[0];
                cache._entries[path] = new Entry(size, ticks, parts[3].Length == 0 ? null : parts[3], AssemblyFacts.Deserialize(parts[4])) { Racy = racy };
            }
        }
        catch (Exception e) when (FileSystemErrors.Is(e)) { /* an unreadable cache is an empty cache */ }
        return cache;
    }

    public string GetHash(string fullPath)
    {
        var (stamp, entry) = Lookup(fullPath);
        if (entry?.Hash != null && !entry.Racy) return entry.Hash;
        System.Threading.Interlocked.Increment(ref _filesRead);
        var hash = ContentHash.OfFile(fullPath);
        if (entry != null && entry.Racy && entry.Hash == hash)
        {
            entry.Racy = false; // verified: same bytes
            if (DateTime.UtcNow.Ticks - stamp.LastWriteTicks >= RacyWindow.Ticks)
            {
                // Out of the window now: saved without its mark, and never re-verified again.
                _changed = true;
                ProcessCache[fullPath] = entry;
            }
            return hash;
        }
        // A racy entry whose bytes changed keeps nothing: its assembly facts describe the old content.
        Store(fullPath, stamp, (entry is { Racy: false } ? entry : Entry.Empty(stamp)).WithHash(hash));
        return hash;
    }

    public AssemblyFacts GetAssemblyFacts(string fullPath)
    {
        if (Lookup(fullPath).entry is { Racy: true }) GetHash(fullPath); // verifies, or replaces a stale entry
        var (stamp, entry) = Lookup(fullPath);
        if (entry?.Assembly != null) return entry.Assembly;
        AssemblyFacts facts;
        try { facts = AssemblyFacts.Read(fullPath); }
        catch (BadImageFormatException) { facts = AssemblyFacts.NotManaged; }
        Store(fullPath, stamp, (entry ?? Entry.Empty(stamp)).WithAssembly(facts));
        return facts;
    }

    /// <summary>Hashes the files not yet known, using all cores: only a cold cache pays this.</summary>
    public void Prefetch(IEnumerable<string> fullPaths)
    {
        var missing = fullPaths.Distinct(StringComparer.Ordinal).Where(p => Lookup(p).entry is not { Hash: not null, Racy: false }).ToList();
        if (missing.Count < 2)
        {
            foreach (var p in missing) GetHash(p);
            return;
        }
        try
        {
            Parallel.ForEach(missing, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, p => GetHash(p));
        }
        catch (AggregateException e)
        {
            // Unwrapped, so that callers see the same IOException (naming the file) as on the sequential path above;
            // the first failure by path, so that the report does not depend on thread timing.
            var first = e.Flatten().InnerExceptions
                .OrderBy(x => (x as FileNotFoundException)?.FileName ?? x.Message, StringComparer.Ordinal).First();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    /// <summary>
    /// Writes the cache back (atomically) if anything changed. Several tasks share the file, each using part of
    /// it, so entries another task did not use are kept while their file is unchanged; stale ones are dropped.
    /// </summary>
    public void Save()
    {
        if (_cacheFile is null || !_changed) return;
        var builder = new StringBuilder();
        builder.Append(Header).Append('\n');
        var now = DateTime.UtcNow.Ticks;
        foreach (var pair in _entries.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var e = pair.Value;
            if (!_used.ContainsKey(pair.Key) && !StillMatches(pair.Key, e)) continue;
            if (now - e.LastWriteTicks < RacyWindow.Ticks) builder.Append('?');
            builder.Append(pair.Key).Append('\t').Append(e.Size).Append('\t').Append(e.LastWriteTicks).Append('\t')
                   .Append(e.Hash ?? "").Append('\t').Append(e.Assembly?.Serialize() ?? "").Append('\n');
        }
        AtomicFile.WriteAllText(_cacheFile, builder.ToString());
    }

    private static bool StillMatches(string path, Entry entry) => FileStamp.TryOf(path, out var stamp) && entry.Matches(stamp);

    private (FileStamp stamp, Entry? entry) Lookup(string fullPath)
    {
        var stamp = FileStamp.Of(fullPath);
        _used[fullPath] = true;
        if (_entries.TryGetValue(fullPath, out var entry) && entry.Matches(stamp)) return (stamp, entry);
        if (ProcessCache.TryGetValue(fullPath, out entry) && entry.Matches(stamp))
        {
            _entries[fullPath] = entry;
            _changed = true;
            return (stamp, entry);
        }
        return (stamp, null);
    }

    private void Store(string fullPath, FileStamp stamp, Entry entry)
    {
        _entries[fullPath] = entry;
        _changed = true;
        if (DateTime.UtcNow.Ticks - stamp.LastWriteTicks >= RacyWindow.Ticks) ProcessCache[fullPath] = entry;
    }

    private sealed class Entry
    {
        public Entry(long size, long ticks, string? hash, AssemblyFacts? assembly)
        {
            Size = size; LastWriteTicks = ticks; Hash = hash; Assembly = assembly;
        }
        public long Size { get; }
        public long LastWriteTicks { get; }
        public string? Hash { get; }
        public AssemblyFacts? Assembly { get; }
        public static Entry Empty(FileStamp s) => new(s.Length, s.LastWriteTicks, null, null);
        public bool Matches(FileStamp s) => s.Length == Size && s.LastWriteTicks == LastWriteTicks;
        /// <summary>Loaded from a cache saved within the racy window of the file's time: verify before trusting.</summary>
        public bool Racy { get; set; }
        public Entry WithHash(string hash) => new(Size, LastWriteTicks, hash, Assembly);
        public Entry WithAssembly(AssemblyFacts facts) => new(Size, LastWriteTicks, Hash, facts) { Racy = Racy };
    }
}
