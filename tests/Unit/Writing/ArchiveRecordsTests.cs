using SparkShip.Tasks.Writing;
using SparkShip.Tests.Support;
using Xunit;

namespace SparkShip.Tests.Writing;

public sealed class ArchiveRecordsTests : IDisposable
{
    private readonly TempFolder _dir = new("records");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Records_keep_their_order_newest_last_and_read_back_as_written()
    {
        var path = _dir.Combine("archives.txt");
        var records = ArchiveRecords.Load(path);
        records.Touch("A.deps-1111111111111111.zip", 10, "h1");
        records.Touch("A.app-2222222222222222.zip");
        records.Touch("A.deps-1111111111111111.zip"); // kept: newest now, with its hash
        records.Save(path);

        Assert.Equal("A.app-2222222222222222.zip\nA.deps-1111111111111111.zip 10 h1\n", File.ReadAllText(path));
        var again = ArchiveRecords.Load(path);
        Assert.Equal(new[] { "A.app-2222222222222222.zip", "A.deps-1111111111111111.zip" }, again.Names);
        Assert.Equal("h1", again.HashOf("A.deps-1111111111111111.zip", 10));
        Assert.Null(again.HashOf("A.deps-1111111111111111.zip", 11)); // another size: not the same file
    }

    [Fact]
    public void A_records_driver_checksum_is_kept_and_a_line_without_one_reads_as_unknown()
    {
        var path = _dir.Combine("archives.txt");
        var records = ArchiveRecords.Load(path);
        records.Touch("A.deps-1111111111111111.zip", 10, "h1", "s1");
        records.Touch("A.deps-1111111111111111.zip");
        records.Save(path);
        Assert.Equal("A.deps-1111111111111111.zip 10 h1 s1\n", File.ReadAllText(path));
        Assert.Equal(("h1", "s1"), ArchiveRecords.Load(path).HashesOf("A.deps-1111111111111111.zip", 10));

        // A line written by an SDK before the checksum: the hash stays known, the checksum is read once more.
        File.WriteAllText(path, "A.deps-1111111111111111.zip 10 h1\n");
        Assert.Equal(("h1", (string?)null), ArchiveRecords.Load(path).HashesOf("A.deps-1111111111111111.zip", 10));
    }

    [Fact]
    public void A_names_only_file_of_an_earlier_version_reads_as_names_without_hashes()
    {
        var path = _dir.Write("archives.txt", "A.app-1.zip\n\nA.deps-2.zip\n");
        var records = ArchiveRecords.Load(path);
        Assert.Equal(new[] { "A.app-1.zip", "A.deps-2.zip" }, records.Names);
        Assert.Null(records.HashOf("A.deps-2.zip", 0));
    }
}
