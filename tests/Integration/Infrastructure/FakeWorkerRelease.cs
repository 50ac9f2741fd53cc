using System.Formats.Tar;
using System.IO.Compression;

namespace SparkShip.Sdk.IntegrationTests.Infrastructure;

/// <summary>
/// TEST-ONLY fake of a Microsoft.Spark.Worker release archive (dotnet/spark's releases), written at test time, never
/// committed: named <c>Microsoft.Spark.Worker.net8.0.linux-x64-&lt;version&gt;.tar.gz</c> (or .zip), unpacking to
/// <c>Microsoft.Spark.Worker-&lt;version&gt;/</c> with an executable <c>Microsoft.Spark.Worker</c>. That executable is a
/// shell script starting tests/Assets/WorkerHarness (whose files sit beside it, as the worker's assemblies do in a
/// release), so a UDF can run "in the worker" the archive brought. It is not the worker.
/// </summary>
public static class FakeWorkerRelease
{
    public const string Script = "#!/bin/sh\nexec dotnet \"$(dirname \"$0\")/WorkerHarness.dll\" \"$@\"\n";

    /// <param name="executable">The worker executable's name: "Microsoft.Spark.Worker.exe" makes it a Windows release (by content).</param>
    public static string Write(string folder, string version, string extension = ".tar.gz", bool withExecutable = true, string? name = null,
        string executable = "Microsoft.Spark.Worker")
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name ?? $"Microsoft.Spark.Worker.net8.0.linux-x64-{version}{extension}");
        var root = "Microsoft.Spark.Worker-" + version + "/";
        var harness = Path.GetDirectoryName(TestEnvironment.Instance.WorkerHarness)!;
        var files = Directory.GetFiles(harness).Select(f => (Name: root + Path.GetFileName(f), Source: f, Executable: false)).ToList();
        var script = Path.Combine(folder, "Microsoft.Spark.Worker.script");
        File.WriteAllText(script, Script);
        if (withExecutable) files.Add((root + executable, script, true));
        const UnixFileMode exec = (UnixFileMode)0x1ED, plain = (UnixFileMode)0x1A4;   // 0755, 0644
        if (extension == ".zip")
        {
            using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
            foreach (var f in files)
            {
                var entry = zip.CreateEntryFromFile(f.Source, f.Name);
                entry.ExternalAttributes = (int)(0x8000 | (uint)(f.Executable ? exec : plain)) << 16;
            }
        }
        else
        {
            using var file = File.Create(path);
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, root) { Mode = exec });
            foreach (var f in files)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, f.Name) { Mode = f.Executable ? exec : plain, DataStream = File.OpenRead(f.Source) });
        }
        File.Delete(script);
        return path;
    }

    /// <summary>
    /// What Spark does on an executor with spark.archives (Executor.updateDependencies, Utils.unpack): each
    /// "uri#alias" fetched and unpacked into &lt;working folder&gt;/&lt;alias&gt;, tar entries with their modes. The
    /// files are looked up here by file name among <paramref name="localFiles"/> (what the driver serves).
    /// </summary>
    public static void UnpackAsExecutor(string workingFolder, IEnumerable<string> archives, IEnumerable<string> localFiles)
    {
        var byName = localFiles.ToDictionary(f => Path.GetFileName(f)!, f => f, StringComparer.Ordinal);
        foreach (var spec in archives)
        {
            var hash = spec.LastIndexOf('#');
            var uri = spec[..hash];
            var alias = spec[(hash + 1)..];
            var source = byName[Uri.UnescapeDataString(uri[(uri.LastIndexOf('/') + 1)..])];
            var target = Path.Combine(workingFolder, alias);
            Directory.CreateDirectory(target);
            if (source.EndsWith(".zip", StringComparison.Ordinal)) ZipFile.ExtractToDirectory(source, target);
            else
            {
                using var gzip = new GZipStream(File.OpenRead(source), CompressionMode.Decompress);
                TarFile.ExtractToDirectory(gzip, target, overwriteFiles: false);
            }
        }
    }
}
