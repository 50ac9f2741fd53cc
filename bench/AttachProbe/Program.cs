using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using SparkShip.Runtime;

namespace SparkShip.Bench.AttachProbe;

/// <summary>
/// Times what a driver does before its first Spark session: locate the bundle, check it against its manifest
/// (SparkBundleVerifier.Verify) and plan the attach for the master (SparkAttachPlanner.Create).
/// Prints one JSON line: {"ms":[…]}.
///
/// Arguments: mode baseDirectory bundleDirectory appArchive appFingerprint depsArchive depsFingerprint
///            manifestEntry master flatCacheRoot iterations
///   mode "cold":   one call, timed from the first line of Main, so JIT and assembly loading are included; the
///                  verdict of the content check is cached under flatCacheRoot (as on every driver start but the first)
///   mode "first":  the same, with an empty cache of its own: a driver's first start on these archives, content
///                  check included (app layer unpacked and hashed, dependency archive hashed)
///   mode "warm":   one untimed call, then `iterations` timed calls in the same process
///   mode "noop":   nothing (the baseline for the process's own start-up cost)
///   mode "unpack": local-mode first run: unpack every layer into a fresh flat cache folder (FlatBundleCache.Ensure)
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        long start = Stopwatch.GetTimestamp();
        string mode = args[0];
        if (mode == "noop")
        {
            Console.WriteLine("{\"ms\":[0]}");
            return 0;
        }

        var samples = new List<double>();
        int iterations = int.Parse(args[10], CultureInfo.InvariantCulture);
        switch (mode)
        {
            case "cold":
                Attach(args);
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                break;
            case "first":
                var empty = Path.Combine(args[9], "first-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N"));
                Attach(args, empty);
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (!Directory.Exists(Path.Combine(empty, SparkBundleVerdictCache.Folder)))
                    throw new InvalidOperationException("the first check left no verdict (archives written less than 2 s ago?)");
                Directory.Delete(empty, recursive: true);
                break;
            case "warm":
                Attach(args);
                for (int i = 0; i < iterations; i++)
                {
                    long t = Stopwatch.GetTimestamp();
                    Attach(args);
                    samples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }
                break;
            case "unpack":
                var bundle = SparkBundleVerifier.Verify(Info(args), args[9]);
                for (int i = 0; i < iterations; i++)
                {
                    var root = Path.Combine(args[9], "unpack-" + Environment.ProcessId + "-" + i);
                    long t = Stopwatch.GetTimestamp();
                    foreach (var archive in bundle.Archives) FlatBundleCache.Ensure(archive.FullPath, Path.Combine(root, archive.Alias));
                    samples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    Directory.Delete(root, recursive: true);
                }
                break;
            default:
                Console.Error.WriteLine("unknown mode " + mode);
                return 2;
        }
        Console.WriteLine("{\"ms\":[" + string.Join(",", samples.Select(s => s.ToString("0.###", CultureInfo.InvariantCulture))) + "]}");
        return 0;
    }

    private static SparkBundleInfo Info(string[] a) => new SparkBundleInfo(a[1], a[2], a[3], a[4], a[5], a[6], a[7], isPlaceholder: false);

    /// <param name="cacheRoot">Where the verdict is kept (the driver uses its flat cache root, as here by default).</param>
    private static SparkAttachPlan Attach(string[] a, string? cacheRoot = null)
    {
        var bundle = SparkBundleVerifier.Verify(Info(a), cacheRoot ?? a[9]);
        var plan = SparkAttachPlanner.Create(bundle, a[8], a[9]);
        if (plan.SearchPathEntries.Count == 0) throw new InvalidOperationException("empty plan");
        return plan;
    }
}
