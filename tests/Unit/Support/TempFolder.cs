using System.Text;

namespace SparkShip.Tests.Support;

/// <summary>A fresh folder per test (unique paths also keep the process-wide hash cache from mixing tests).</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix) => Path = Directory.CreateTempSubdirectory("sparkship-" + prefix + "-").FullName;

    public string Path { get; }

    public string Combine(string relative) => System.IO.Path.Combine(Path, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));

    /// <summary>Writes a file (creating folders) and returns its full path.</summary>
    public string Write(string relative, string content) => Write(relative, Encoding.UTF8.GetBytes(content));

    public string Write(string relative, byte[] content)
    {
        var full = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return full;
    }

    /// <summary>Writes a file whose time is an hour old: outside FileHashCache's racy window.</summary>
    public string WriteOld(string relative, string content)
    {
        var full = Write(relative, content);
        File.SetLastWriteTimeUtc(full, DateTime.UtcNow.AddHours(-1));
        return full;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
