using System.Collections.Generic;
using System.IO;
using System.Linq;
using SparkShip.Tasks.Writing;

namespace SparkShip.Tasks.Planning;

/// <summary>
/// The plan as the identify step hands it to the bundle step across builds (obj/…/sparkship/plan.tsv): one line
/// per file, "layer TAB archive path TAB source path". A build where nothing changed skips the identify step,
/// while the bundle step may still have to run (an archive was deleted): it reads the plan from here.
/// </summary>
public static class BundlePlanFile
{
    public static string Format(IEnumerable<PlannedFile> files) =>
        string.Concat(files.Select(f => f.Layer.Name() + "\t" + f.ArchivePath + "\t" + f.SourcePath + "\n"));

    public static List<BundleFileRef> Read(string path)
    {
        var files = new List<BundleFileRef>();
        foreach (var line in File.ReadAllLines(path))
        {
            var parts = line.Split('\t');
            if (parts.Length != 3) continue;
            files.Add(new BundleFileRef(parts[2], parts[1], BundleLayers.TryParse(parts[0]) ?? BundleLayer.App));
        }
        return files;
    }
}
