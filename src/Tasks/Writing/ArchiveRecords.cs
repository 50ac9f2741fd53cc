using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace SparkShip.Tasks.Writing;

/// <summary>
/// obj/…/sparkship/archives.txt, owned by the bundle step: the archives this project wrote and keeps, oldest first,
/// one line each, "name" or "name size hash sha256" (space-separated: archive names never hold a space; a line
/// "name size hash" of an older SDK lacks the driver checksum, which is then read once more). Retention deletes
/// only names listed here, never a file SparkShip did not write; the targets list them in FileWrites. The size and
/// hash, where recorded, spare re-reading an unchanged archive to describe it: names are content-addressed, so a
/// recorded hash stays true while the size matches.
/// </summary>
public sealed class ArchiveRecords
{
    private readonly List<Record> _records;

    private ArchiveRecords(List<Record> records) => _records = records;

    public IReadOnlyList<string> Names => _records.Select(r => r.Name).ToList();

    public static ArchiveRecords Load(string path)
    {
        var records = new List<Record>();
        if (!File.Exists(path)) return new ArchiveRecords(records);
        foreach (var line in File.ReadAllLines(path))
        {
            var parts = line.Split(' ');
            if (parts[0].Length == 0) continue;
            long? size = parts.Length >= 3 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;
            records.RemoveAll(r => r.Name == parts[0]);
            records.Add(new Record(parts[0], size, size.HasValue ? parts[2] : null, size.HasValue && parts.Length >= 4 ? parts[3] : null));
        }
        return new ArchiveRecords(records);
    }

    /// <summary>The recorded hash of an archive of that name and size, or null.</summary>
    public string? HashOf(string name, long size) => HashesOf(name, size).Hash;

    /// <summary>The recorded content hash and driver checksum (SHA-256) of an archive of that name and size, each or both null.</summary>
    public (string? Hash, string? Sha256) HashesOf(string name, long size)
    {
        var record = _records.FirstOrDefault(r => r.Name == name && r.Size == size);
        return (record?.Hash, record?.Sha256);
    }

    /// <summary>Makes <paramref name="name"/> the newest record, keeping a known size and hashes unless new ones are given.</summary>
    public void Touch(string name, long? size = null, string? hash = null, string? sha256 = null)
    {
        var old = _records.FirstOrDefault(r => r.Name == name);
        _records.RemoveAll(r => r.Name == name);
        _records.Add(hash != null ? new Record(name, size, hash, sha256) : old ?? new Record(name, null, null, null));
    }

    public void Remove(string name) => _records.RemoveAll(r => r.Name == name);

    /// <summary>Written on every bundle step, changed or not: the file is also that step's up-to-date stamp.</summary>
    public void Save(string path) =>
        AtomicFile.WriteAllText(path, string.Concat(_records.Select(r =>
            r.Hash != null && r.Size.HasValue
                ? $"{r.Name} {r.Size.Value.ToString(CultureInfo.InvariantCulture)} {r.Hash}" + (r.Sha256 != null ? " " + r.Sha256 : "") + "\n"
                : r.Name + "\n")));

    private sealed class Record
    {
        public Record(string name, long? size, string? hash, string? sha256) { Name = name; Size = size; Hash = hash; Sha256 = sha256; }
        public string Name { get; }
        public long? Size { get; }
        public string? Hash { get; }
        public string? Sha256 { get; }
    }
}
