using System;
using System.IO;

namespace SparkShip.Tasks.Hashing;

/// <summary>
/// Size and last write time of what reading a path gives (a symbolic link's final target, see <see cref="LinkedFile"/>).
/// Every write changes the time: the hash cache trusts a hash while the stamp matches, and the bundle step publishes
/// an archive only if every input kept the stamp it had when it was hashed.
/// </summary>
public readonly struct FileStamp : IEquatable<FileStamp>
{
    public FileStamp(long length, long lastWriteTicks) { Length = length; LastWriteTicks = lastWriteTicks; }

    public long Length { get; }
    public long LastWriteTicks { get; }

    /// <exception cref="FileNotFoundException">Nothing is there.</exception>
    public static FileStamp Of(string path) =>
        TryOf(path, out var stamp) ? stamp : throw new FileNotFoundException($"File not found: '{path}'.", path);

    public static bool TryOf(string path, out FileStamp stamp)
    {
        var info = LinkedFile.Resolve(path);
        stamp = info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc.Ticks) : default;
        return info.Exists;
    }

    public bool Equals(FileStamp other) => Length == other.Length && LastWriteTicks == other.LastWriteTicks;
    public override bool Equals(object? obj) => obj is FileStamp other && Equals(other);
    public override int GetHashCode() => Length.GetHashCode() ^ LastWriteTicks.GetHashCode();
}
