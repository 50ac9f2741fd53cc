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

    internal static string ToHex(byte[] bytes)
    {
        var chars = new char[bytes.Length * 2];
        const string digits = "0123456789abcdef";
        for (int i = 0; i < bytes.Length; i++)
        {
            chars[2 * i] = digits[bytes[i] >> 4];
            chars[2 * i + 1] = digits[bytes[i] & 0xF];
        }
        return new string(chars);
    }
}
