using System.IO.Compression;
using System.Text.RegularExpressions;

namespace SparkShip.Sdk.IntegrationTests.Infrastructure;

/// <summary>
/// What DotnetRunner (dotnet/spark src/scala/microsoft-spark-3-5/…/deploy/dotnet/DotnetRunner.scala) does with its
/// application arguments, REPRODUCED without Spark or a JVM: when the first one ends in ".zip", it is parsed as a
/// URI (a plain path has no scheme); anything but a file: URI is "downloaded" into the working folder under its file
/// name unless a file of that name is already there (YARN's --files put it there) — a path without a scheme is read
/// through Hadoop's default file system, here the local one; another scheme goes through
/// <paramref name="download"/>, the test's stand-in for Hadoop's FileSystem (hdfs:, s3a:…); a file: URI is then
/// opened as the literal path it is, as DotnetRunner does. The zip is unpacked into
/// &lt;working dir&gt;/&lt;zip base name&gt; (entries carry no permissions, as Java's unzip keeps none), the second argument
/// is found as a file of that name directly in that folder or anywhere under it, made rwxr-xr-x, and run with the
/// remaining arguments, DOTNETBACKEND_PORT set and the JVM's spark.* system properties in its environment (the
/// stand-in's simulated JVM reads them from STANDIN_JVM_SYSTEM_PROPERTIES). Anything else is started as given.
/// </summary>
public static class DotnetRunnerHarness
{
    public static ProcessResult Run(IReadOnlyList<string> args, string workingDirectory, IReadOnlyDictionary<string, string> sparkProperties,
        string cacheDir, Func<string, string>? download = null)
    {
        Directory.CreateDirectory(workingDirectory);
        string executable;
        IEnumerable<string> rest;
        if (args[0].EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            var zipName = args[0];
            var scheme = Regex.Match(zipName, "^([A-Za-z][A-Za-z0-9+.-]*):").Groups[1].Value;
            var uriPath = scheme.Length > 0 ? new Uri(zipName).AbsolutePath : zipName;
            var driverDir = Path.Combine(workingDirectory, Path.GetFileNameWithoutExtension(uriPath));
            if (!scheme.Equals("file", StringComparison.OrdinalIgnoreCase))
            {
                var local = Path.Combine(workingDirectory, Path.GetFileName(uriPath));
                if (!File.Exists(local))
                {
                    var source = scheme.Length == 0 ? Path.Combine(workingDirectory, zipName) : (download ?? (u => throw new NotSupportedException($"{u}: no Hadoop FileSystem here")))(zipName);
                    File.Copy(source, local);
                }
                zipName = Path.GetFileName(local);
            }
            ZipFile.ExtractToDirectory(Path.Combine(workingDirectory, zipName), driverDir, overwriteFiles: true);
            var direct = Path.Combine(driverDir, args[1]);
            executable = File.Exists(direct) ? direct
                : Directory.EnumerateFiles(driverDir, "*", SearchOption.AllDirectories).FirstOrDefault(f => Path.GetFileName(f) == args[1])
                  ?? throw new ArgumentException($"Failed to find {args[1]} under {driverDir}");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(executable, (UnixFileMode)Convert.ToInt32("755", 8));
            rest = args.Skip(2);
        }
        else
        {
            executable = args[0];
            rest = args.Skip(1);
        }
        var env = new Dictionary<string, string?>
        {
            ["DOTNET_ROLL_FORWARD"] = "Major",
            ["DOTNET_ROOT"] = Path.GetDirectoryName(Environment.ProcessPath) is { } d && File.Exists(Path.Combine(d, "dotnet")) ? d : "/usr/share/dotnet",
            ["DOTNETBACKEND_PORT"] = "12345",
            ["STANDIN_JVM_SYSTEM_PROPERTIES"] = string.Join("\n", sparkProperties.Select(p => p.Key + "=" + p.Value)),
            ["SPARKSHIP_CACHE_DIR"] = cacheDir,
            ["DOTNET_ASSEMBLY_SEARCH_PATHS"] = null,
        };
        foreach (var (key, value) in sparkProperties) env[key] = value;
        return ProcessRunner.Run(executable, rest, workingDirectory, env, TimeSpan.FromMinutes(2));
    }
}
