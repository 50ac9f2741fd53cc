using System;
using System.IO;
using System.IO.Hashing;
using System.Text;

namespace SparkShip.Tasks.Hashing;

/// <summary>
/// SparkShip's one hash: XxHash128, rendered as 32 lowercase hex digits. Fast enough to fingerprint
/// hundreds of megabytes of packages; content addressing needs collision resistance, not secrecy.
/// </summary>
public static class ContentHash
{
    public const int HexLength = 32;

    public static string OfFile(string path)
    {
        var hash = new XxHash128();
        RegularFile.EnsureRegular(path); // a named pipe would block the open below forever
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.SequentialScan))
        {
            hash.Append(stream);
        }
        return ToHex(hash.GetCurrentHash());
    }

    public static string OfText(string text) => OfBytes(Encoding.UTF8.GetBytes(text));

    public static string OfBytes(byte[] bytes) => ToHex(XxHash128.Hash(bytes));

    internal static string ToHex(byte[] bytes) => SparkShip.Runtime.SparkBundleChecksum.Hex(bytes);
}
