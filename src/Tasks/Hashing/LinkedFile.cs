using System.IO;

namespace SparkShip.Tasks.Hashing;

/// <summary>
/// .NET reports a symbolic link's own size and time (lstat), while every reader of the path gets its target's bytes.
/// Keyed on the link, the hash cache would never see a change of the target (a stale name, a stale archive), and the
/// manifest would record the link's length for an entry of the target's length (an archive at odds with its
/// manifest, which the runtime refuses). So sizes and times of inputs are taken from the final target.
/// </summary>
internal static class LinkedFile
{
    /// <summary>The file whose Length and LastWriteTimeUtc describe what reading <paramref name="path"/> gives.</summary>
    public static FileInfo Resolve(string path)
    {
        var info = new FileInfo(path);
#if NET
        if (info.Exists && (info.Attributes & FileAttributes.ReparsePoint) != 0
            && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target && target.Exists)
            return target;
#endif
        return info;
    }
}
