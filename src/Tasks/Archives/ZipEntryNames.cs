using System;
using System.Collections.Generic;
using System.Text;

namespace SparkShip.Tasks.Archives;

/// <summary>Checks entry names so that no archive we write can extract outside its target folder, collide with
/// itself, or read differently on another OS.</summary>
internal static class ZipEntryNames
{
    private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Validates every name and returns their UTF-8 bytes, in order.</summary>
    /// <exception cref="ArgumentException">A name is invalid or repeated; the message names it.</exception>
    public static byte[][] EncodeAll(IReadOnlyList<ZipEntrySource> entries)
    {
        var encoded = new byte[entries.Count][];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < entries.Count; i++)
        {
            ZipEntrySource entry = entries[i] ?? throw new ArgumentException($"Entry {i} is null.", nameof(entries));
            string name = entry.EntryName;
            encoded[i] = Encode(name);
            if (!seen.Add(name))
            {
                throw Invalid(name, "it appears more than once");
            }
        }

        return encoded;
    }

    public static byte[] Encode(string name)
    {
        string? problem = FindProblem(name);
        if (problem != null)
        {
            throw Invalid(name, problem);
        }

        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(name);
        }
        catch (EncoderFallbackException)
        {
            throw Invalid(name, "it is not valid Unicode (unpaired surrogate)");
        }

        if (bytes.Length > ushort.MaxValue)
        {
            throw Invalid(name, $"it is {bytes.Length} bytes long in UTF-8 (at most {ushort.MaxValue})");
        }

        return bytes;
    }

    /// <summary>Why <paramref name="name"/> cannot be an entry name, or null if it can.</summary>
    internal static string? FindProblem(string name)
    {
        if (name.Length == 0)
        {
            return "it is empty";
        }

        if (name[0] == '/')
        {
            return "it is absolute (starts with '/')";
        }

        if (name.Length >= 2 && name[1] == ':' && IsAsciiLetter(name[0]))
        {
            return "it starts with a drive letter";
        }

        if (name.IndexOf('\\') >= 0)
        {
            return "it contains '\\' (use '/' to separate folders)";
        }

        if (name.IndexOf('\0') >= 0)
        {
            return "it contains a NUL character";
        }

        foreach (string segment in name.Split('/'))
        {
            switch (segment)
            {
                case "":
                    return "it has an empty segment (a leading, trailing or doubled '/'; folders are not entries)";
                case ".":
                    return "it has a '.' segment";
                case "..":
                    return "it has a '..' segment";
            }
        }

        return null;
    }

    private static bool IsAsciiLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

    private static ArgumentException Invalid(string name, string problem) =>
        new ArgumentException($"Invalid zip entry name '{name}': {problem}.", "entries");
}
