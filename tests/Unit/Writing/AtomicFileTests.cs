using System.Diagnostics;
using SparkShip.Tasks;
using SparkShip.Tests.Support;
using Xunit;

namespace SparkShip.Tests.Writing;

public sealed class AtomicFileTests : IDisposable
{
    // Above Linux's largest pid_max (2^22) and Windows' practical range: no process has it.
    private const int DeadPid = 999_999_999;

    private readonly TempFolder _dir = new("atomic");

    public void Dispose() => _dir.Dispose();

    private string[] Names() => Directory.GetFiles(_dir.Path).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void Write_if_different_writes_new_and_changed_content_as_utf8_without_bom()
    {
        var path = _dir.Combine("sub/SparkBundle.g.cs");

        Assert.True(AtomicFile.WriteIfDifferent(path, "é one"));
        Assert.Equal(new byte[] { 0xC3, 0xA9, (byte)' ', (byte)'o', (byte)'n', (byte)'e' }, File.ReadAllBytes(path));
        Assert.True(AtomicFile.WriteIfDifferent(path, "two"));
        Assert.Equal("two", File.ReadAllText(path));
        Assert.Equal(new[] { "SparkBundle.g.cs" }, Directory.GetFiles(_dir.Combine("sub")).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_if_different_identical_content_returns_false_and_keeps_the_time()
    {
        var path = _dir.Write("SparkBundle.g.cs", "same text");
        var old = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, old);

        Assert.False(AtomicFile.WriteIfDifferent(path, "same text"));
        Assert.Equal(old, File.GetLastWriteTimeUtc(path));

        Assert.True(AtomicFile.WriteIfDifferent(path, "same text\n"));
        Assert.NotEqual(old, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void Write_if_different_a_bom_in_the_existing_file_counts_as_a_difference()
    {
        var path = _dir.Write("f.txt", new byte[] { 0xEF, 0xBB, 0xBF, (byte)'x' });
        Assert.True(AtomicFile.WriteIfDifferent(path, "x"));
        Assert.Equal(new[] { (byte)'x' }, File.ReadAllBytes(path));
    }

    [Fact]
    public void New_temp_path_carries_the_process_id_and_the_marker()
    {
        var final = _dir.Combine("a.zip");
        var temp = AtomicFile.NewTempPath(final);

        Assert.StartsWith(final + "." + Environment.ProcessId + "-", temp);
        Assert.EndsWith(AtomicFile.TempMarker, temp);
        Assert.NotEqual(temp, AtomicFile.NewTempPath(final));
    }

    [Fact]
    public void Delete_abandoned_temp_files_deletes_dead_writers_files_only()
    {
        _dir.Write($"x.zip.{DeadPid}-abc.sparkship-tmp", "abandoned");
        _dir.Write($"y.app-0123.zip.{DeadPid}-0123456789ab.sparkship-tmp", "abandoned too");
        _dir.Write($"x.zip.{Environment.ProcessId}-abc.sparkship-tmp", "ours, being written");
        _dir.Write(Path.GetFileName(AtomicFile.NewTempPath(_dir.Combine("z.zip"))), "ours too");
        _dir.Write("x.zip", "final");
        _dir.Write($"x.zip.{DeadPid}-abc.tmp", "not our marker");
        _dir.Write("x.sparkship-tmp", "no pid tag");
        _dir.Write("x.zip.notapid-abc.sparkship-tmp", "pid is not a number");
        _dir.Write($"x.zip.{DeadPid}abc.sparkship-tmp", "no dash");

        Assert.Equal(2, AtomicFile.DeleteAbandonedTempFiles(_dir.Path));

        var names = Names();
        Assert.DoesNotContain($"x.zip.{DeadPid}-abc.sparkship-tmp", names);
        Assert.DoesNotContain($"y.app-0123.zip.{DeadPid}-0123456789ab.sparkship-tmp", names);
        Assert.Contains($"x.zip.{Environment.ProcessId}-abc.sparkship-tmp", names);
        Assert.Contains("x.zip", names);
        Assert.Contains($"x.zip.{DeadPid}-abc.tmp", names);
        Assert.Contains("x.sparkship-tmp", names);
        Assert.Contains("x.zip.notapid-abc.sparkship-tmp", names);
        Assert.Contains($"x.zip.{DeadPid}abc.sparkship-tmp", names);
        Assert.Equal(7, names.Length);
    }

    [Fact]
    public void Delete_abandoned_temp_files_keeps_files_of_other_live_processes()
    {
        // A live process that is not a child of this one (as another MSBuild node would be): our parent.
        int parent = ParentProcessId();
        Assert.NotEqual(Environment.ProcessId, parent);
        var name = $"x.zip.{parent}-abc.sparkship-tmp";
        _dir.Write(name, "another build is writing this");

        Assert.Equal(0, AtomicFile.DeleteAbandonedTempFiles(_dir.Path));
        Assert.Contains(name, Names());
    }

    [Fact]
    public void Delete_abandoned_temp_files_of_a_missing_folder_is_zero() =>
        Assert.Equal(0, AtomicFile.DeleteAbandonedTempFiles(_dir.Combine("missing")));

    [Fact]
    public void Write_all_text_leaves_no_temporary_file()
    {
        var path = _dir.Combine("deep/er/cache.txt");
        AtomicFile.WriteAllText(path, "content");
        AtomicFile.WriteAllText(path, "content 2");
        Assert.Equal("content 2", File.ReadAllText(path));
        Assert.Equal(new[] { "cache.txt" }, Directory.GetFiles(_dir.Combine("deep/er")).Select(Path.GetFileName));
    }

    private static int ParentProcessId()
    {
        if (OperatingSystem.IsLinux())
        {
            // /proc/self/stat: "pid (comm) state ppid …"; comm may contain spaces, so parse after the last ')'.
            var stat = File.ReadAllText("/proc/self/stat");
            return int.Parse(stat.Substring(stat.LastIndexOf(')') + 2).Split(' ')[1]);
        }
        // Elsewhere: a process we start and wait on is our child; fall back to a long-lived one.
        return Process.GetProcesses().Where(p => p.Id != Environment.ProcessId).OrderBy(p => p.Id).First(p => p.Id > 4).Id;
    }
}
