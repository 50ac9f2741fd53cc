using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace SparkShip.Tasks.Archives;

/// <summary>One entry's central directory data, known once its data has been written.</summary>
internal sealed class CentralEntry
{
    public CentralEntry(byte[] name, ushort versionNeeded, ushort method, uint crc, long size, long compressedSize, long headerOffset)
    {
        Name = name;
        VersionNeeded = versionNeeded;
        Method = method;
        Crc = crc;
        Size = size;
        CompressedSize = compressedSize;
        HeaderOffset = headerOffset;
    }

    public byte[] Name { get; }
    public ushort VersionNeeded { get; }
    public ushort Method { get; }
    public uint Crc { get; }
    public long Size { get; }
    public long CompressedSize { get; }
    public long HeaderOffset { get; }
}

/// <summary>
/// The ZIP records we write, per PKWARE APPNOTE 6.3 (sections 4.3, 4.4 and 4.5.3). Every field that could carry
/// machine or time dependent data is a constant, so equal inputs give equal bytes.
/// </summary>
internal static class ZipFormat
{
    public const ushort MethodStored = 0;
    public const ushort MethodDeflate = 8;

    /// <summary>Spec version 2.0, host 0 (MS-DOS/FAT). Other tools use the host byte of the OS they run on,
    /// which is what makes their archives differ between Windows and Unix.</summary>
    public const ushort VersionMadeBy = 20;
    public const ushort VersionNeededDefault = 20;
    public const ushort VersionNeededZip64 = 45;

    /// <summary>General purpose bit 11: names (and comments) are UTF-8.</summary>
    public const ushort FlagUtf8 = 0x0800;

    /// <summary>1980-01-01 00:00, the earliest DOS timestamp.</summary>
    public const ushort DosTime = 0;
    public const ushort DosDate = (0 << 9) | (1 << 5) | 1;

    /// <summary>A 32-bit size/offset at or above this is written as 0xFFFFFFFF with the value in a zip64 field.</summary>
    public const long Max32 = uint.MaxValue;

    /// <summary>An entry count at or above this needs the zip64 end of central directory record.</summary>
    public const long Max16 = ushort.MaxValue;

    public const int LocalHeaderSize = 30;
    public const int Zip64LocalExtraSize = 4 + 8 + 8;

    private const uint LocalHeaderSignature = 0x04034b50;
    private const uint CentralHeaderSignature = 0x02014b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint EndSignature = 0x06054b50;
    private const ushort Zip64ExtraId = 0x0001;
    private const int CentralHeaderSize = 46;
    private const int Zip64EndSize = 56;
    private const int Zip64LocatorSize = 20;
    private const int EndSize = 22;

    /// <summary>
    /// Whether a streamed entry's local header must carry a zip64 extra field. It is written before the data, so this
    /// must hold whenever the deflated size could reach 4 GiB. Deflate can expand input: zlib by about 0.03 %, zlib-ng's
    /// level-1 "quick" strategy (used by .NET 9+ for <c>Fastest</c>) by up to one bit per byte, i.e. 12.5 %.
    /// </summary>
    public static bool StreamedLocalHeaderNeedsZip64(long sourceLength) =>
        sourceLength + (sourceLength >> 3) + (1 << 16) >= Max32;

    /// <summary>45 when the entry uses any zip64 field (local sizes, or a central size/offset), else 20.</summary>
    public static ushort VersionNeeded(bool zip64LocalHeader, long headerOffset) =>
        zip64LocalHeader || headerOffset >= Max32 ? VersionNeededZip64 : VersionNeededDefault;

    /// <summary>Writes a local file header. With <paramref name="zip64"/> both 32-bit sizes are 0xFFFFFFFF and the
    /// real ones follow in a zip64 extra field, which APPNOTE 4.5.3 requires to hold both.</summary>
    public static void WriteLocalHeader(Stream destination, byte[] name, ushort versionNeeded, ushort method,
        uint crc, long size, long compressedSize, bool zip64)
    {
        int extraLength = zip64 ? Zip64LocalExtraSize : 0;
        var record = new byte[LocalHeaderSize + name.Length + extraLength];
        Span<byte> h = record;
        Put32(h, 0, LocalHeaderSignature);
        Put16(h, 4, versionNeeded);
        Put16(h, 6, FlagUtf8);
        Put16(h, 8, method);
        Put16(h, 10, DosTime);
        Put16(h, 12, DosDate);
        Put32(h, 14, crc);
        Put32(h, 18, zip64 ? uint.MaxValue : checked((uint)compressedSize));
        Put32(h, 22, zip64 ? uint.MaxValue : checked((uint)size));
        Put16(h, 26, (ushort)name.Length);
        Put16(h, 28, (ushort)extraLength);
        name.CopyTo(record, LocalHeaderSize);
        if (zip64)
        {
            int x = LocalHeaderSize + name.Length;
            Put16(h, x, Zip64ExtraId);
            Put16(h, x + 2, Zip64LocalExtraSize - 4);
            Put64(h, x + 4, size);
            Put64(h, x + 12, compressedSize);
        }

        destination.Write(record, 0, record.Length);
    }

    /// <summary>Fills in CRC and sizes of a local header written earlier with placeholders; the header keeps its
    /// length. Leaves the stream positioned just after the patched bytes.</summary>
    public static void PatchLocalHeader(Stream destination, long headerOffset, int nameLength, bool zip64,
        uint crc, long size, long compressedSize)
    {
        var buffer = new byte[16];
        Span<byte> b = buffer;
        destination.Position = headerOffset + 14;
        if (zip64)
        {
            Put32(b, 0, crc);
            destination.Write(buffer, 0, 4);
            destination.Position = headerOffset + LocalHeaderSize + nameLength + 4;
            Put64(b, 0, size);
            Put64(b, 8, compressedSize);
            destination.Write(buffer, 0, 16);
        }
        else
        {
            Put32(b, 0, crc);
            Put32(b, 4, checked((uint)compressedSize));
            Put32(b, 8, checked((uint)size));
            destination.Write(buffer, 0, 12);
        }
    }

    /// <summary>Writes the central directory, then the end of central directory record, preceded by the zip64 end
    /// record and locator when a count, size or offset does not fit the classic fields.</summary>
    public static void WriteCentralDirectory(Stream destination, IReadOnlyList<CentralEntry> entries)
    {
        long directoryOffset = destination.Position;
        foreach (CentralEntry entry in entries)
        {
            WriteCentralHeader(destination, entry);
        }

        long directoryEnd = destination.Position;
        long directorySize = directoryEnd - directoryOffset;
        long count = entries.Count;
        bool zip64 = count >= Max16 || directorySize >= Max32 || directoryOffset >= Max32;

        var record = new byte[(zip64 ? Zip64EndSize + Zip64LocatorSize : 0) + EndSize];
        Span<byte> r = record;
        int at = 0;
        if (zip64)
        {
            Put32(r, 0, Zip64EndSignature);
            Put64(r, 4, Zip64EndSize - 12); // size of the rest of the record
            Put16(r, 12, VersionMadeBy);
            Put16(r, 14, VersionNeededZip64);
            Put32(r, 16, 0); // this disk
            Put32(r, 20, 0); // disk where the central directory starts
            Put64(r, 24, count); // entries on this disk
            Put64(r, 32, count); // entries in total
            Put64(r, 40, directorySize);
            Put64(r, 48, directoryOffset);

            Put32(r, 56, Zip64LocatorSignature);
            Put32(r, 60, 0); // disk holding the zip64 end record
            Put64(r, 64, directoryEnd); // where the zip64 end record starts
            Put32(r, 72, 1); // total number of disks
            at = Zip64EndSize + Zip64LocatorSize;
        }

        ushort count16 = count >= Max16 ? ushort.MaxValue : (ushort)count;
        Put32(r, at, EndSignature);
        Put16(r, at + 4, 0); // this disk
        Put16(r, at + 6, 0); // disk where the central directory starts
        Put16(r, at + 8, count16);
        Put16(r, at + 10, count16);
        Put32(r, at + 12, Clamp32(directorySize));
        Put32(r, at + 16, Clamp32(directoryOffset));
        Put16(r, at + 20, 0); // comment length
        destination.Write(record, 0, record.Length);
    }

    private static void WriteCentralHeader(Stream destination, CentralEntry e)
    {
        // APPNOTE 4.5.3: the central zip64 field lists only the values whose 32-bit field overflowed, in this order.
        bool bigSize = e.Size >= Max32;
        bool bigCompressed = e.CompressedSize >= Max32;
        bool bigOffset = e.HeaderOffset >= Max32;
        int fields = (bigSize ? 1 : 0) + (bigCompressed ? 1 : 0) + (bigOffset ? 1 : 0);
        int extraLength = fields == 0 ? 0 : 4 + 8 * fields;

        var record = new byte[CentralHeaderSize + e.Name.Length + extraLength];
        Span<byte> h = record;
        Put32(h, 0, CentralHeaderSignature);
        Put16(h, 4, VersionMadeBy);
        Put16(h, 6, e.VersionNeeded);
        Put16(h, 8, FlagUtf8);
        Put16(h, 10, e.Method);
        Put16(h, 12, DosTime);
        Put16(h, 14, DosDate);
        Put32(h, 16, e.Crc);
        Put32(h, 20, Clamp32(e.CompressedSize));
        Put32(h, 24, Clamp32(e.Size));
        Put16(h, 28, (ushort)e.Name.Length);
        Put16(h, 30, (ushort)extraLength);
        Put16(h, 32, 0); // comment length
        Put16(h, 34, 0); // disk number start
        Put16(h, 36, 0); // internal attributes
        Put32(h, 38, 0); // external attributes: no permissions or DOS flags, so nothing OS specific
        Put32(h, 42, Clamp32(e.HeaderOffset));
        e.Name.CopyTo(record, CentralHeaderSize);
        if (fields > 0)
        {
            int x = CentralHeaderSize + e.Name.Length;
            Put16(h, x, Zip64ExtraId);
            Put16(h, x + 2, (ushort)(8 * fields));
            x += 4;
            if (bigSize)
            {
                Put64(h, x, e.Size);
                x += 8;
            }

            if (bigCompressed)
            {
                Put64(h, x, e.CompressedSize);
                x += 8;
            }

            if (bigOffset)
            {
                Put64(h, x, e.HeaderOffset);
            }
        }

        destination.Write(record, 0, record.Length);
    }

    private static uint Clamp32(long value) => value >= Max32 ? uint.MaxValue : (uint)value;

    private static void Put16(Span<byte> b, int at, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(b.Slice(at), value);

    private static void Put32(Span<byte> b, int at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(b.Slice(at), value);

    private static void Put64(Span<byte> b, int at, long value) => BinaryPrimitives.WriteUInt64LittleEndian(b.Slice(at), checked((ulong)value));
}
