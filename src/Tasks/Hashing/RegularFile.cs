using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SparkShip.Tasks.Hashing;

/// <summary>
/// Refuses to read inputs that are not regular files. Opening a named pipe (FIFO) for reading blocks until some
/// other process opens it for writing, so a bundle input that is one (an item pointing at it, or a file replaced by
/// one between identify and bundle) would hang the build forever; a character device such as /dev/zero never ends.
/// Such an input is an <see cref="IOException"/> naming the file and what it is, reported as SSHIP0007.
/// </summary>
internal static class RegularFile
{
    /// <summary>Throws if <paramref name="path"/> exists and is not a regular file (after following links). A path
    /// that cannot be examined is left for the caller's own open to report.</summary>
    public static void EnsureRegular(string path)
    {
#if NET
        if (OperatingSystem.IsWindows() || !_statAvailable) return;
        // .NET has no public API for the file type on Unix (FileAttributes knows directories and links only), so
        // ask the runtime's own native shim, which every .NET on Unix ships. Its FileStatus struct has begun with
        // int32 Flags, int32 Mode since .NET Core 1.0; the buffer leaves room for the fields after them.
        var status = new byte[256];
        int rc;
        try { rc = SystemNativeStat(path, status); }
        catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
        {
            _statAvailable = false; // behave as before rather than fail
            return;
        }
        if (rc != 0) return;
        string? kind = (BitConverter.ToInt32(status, 4) & 0xF000) switch
        {
            0x8000 => null,                     // regular file
            0x1000 => "a named pipe (FIFO)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            0x4000 => "a directory",
            _ => null,
        };
        if (kind != null)
            throw new IOException($"'{path}' is {kind}, not a regular file: it cannot be bundled (reading it could block forever or never end).");
#endif
    }

#if NET
    private static volatile bool _statAvailable = true;

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
    private static extern int SystemNativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] status);
#endif
}
