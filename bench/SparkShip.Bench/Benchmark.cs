using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace SparkShip.Bench;

/// <summary>
/// The whole benchmark: pack the SDK, make the project trees, run the scenarios, write the results.
/// Every ratio compares two things measured in this run, one repetition of each in turn (A B A B …).
/// </summary>
internal sealed class Benchmark
{
    private readonly Options _o;
    private readonly string _repo;
    private readonly string _cache;
    private readonly string _packages;
    private readonly string _work;
    private readonly string _out;
    private readonly Processes _p;
    private readonly Stopwatch _clock = new();
    private readonly List<ResultRow> _rows = new();
    private readonly List<BreakdownRow> _breakdown = new();
    private readonly List<string> _notes = new();
    private readonly Dictionary<(AppSize, string), AppTree> _trees = new();
    private readonly string _runMarker = Guid.NewGuid().ToString("N");
    private string _loadAtStart = "";
    private string _feed = "";
    private string _sdkVersion = "";
    private string _emptySdkFeed = "";
    private string _emptySdkVersion = "";

    public Benchmark(Options o)
    {
        _o = o;
        _repo = o.Repo ?? FindRepo();
        _cache = o.Cache ?? Path.Combine(_repo, "bench", ".cache");
        _packages = o.Packages ?? Path.Combine(_cache, "nuget");
        _work = o.Work ?? Path.Combine(_cache, "work");
        _out = o.Out ?? Path.Combine(_repo, "bench", "results");
        Directory.CreateDirectory(_work);
        var log = Path.Combine(_work, "commands.log");
        if (File.Exists(log)) File.Delete(log);
        _p = new Processes(Processes.ChildEnvironment(_packages, o.NoNodeReuse, _runMarker), log);
    }

    public void Run()
    {
        try
        {
            RunScenarios();
        }
        finally
        {
            int ended = Processes.EndLeftovers(_runMarker);
            if (ended > 0) Say($"ended {ended} process(es) this run left (MSBuild nodes, compiler server)");
        }
    }

    private void RunScenarios()
    {
        _clock.Start();
        var date = DateTime.UtcNow;
        Say($"work folder {_work}, package cache {_packages} (commands and times: {Path.Combine(_work, "commands.log")})");
        _loadAtStart = LoadAverage();
        var machine = Machine.Describe(_p, _repo);
        Say($"machine: {machine.Cores} cores, {machine.Cpu}, {machine.MemoryGiB} GiB, dotnet {machine.Dotnet}");
        PrepareSdk();
        if (_o.CreateTrees)
        {
            var trees = new[] { Tree(AppSize.Small, "sdk"), Tree(AppSize.Small, "plain") };
            Say($"created and built {string.Join(" and ", trees.Select(t => t.Root))}; nothing measured");
            return;
        }
        PrepareEmptySdk();

        bool large = _o.Large;
        // Smoke mode has no large app: the scenarios meant for it run on the small one, so their code never rots.
        var bundleSize = large ? AppSize.Large : AppSize.Small;

        if (_o.Only.Contains("noop"))
        {
            if (!_o.SkipSmall) NoOpBuild(AppSize.Small);
            if (large) NoOpBuild(AppSize.Large);
        }
        if (_o.Only.Contains("edit"))
        {
            if (!_o.SkipSmall) EditBuild(AppSize.Small, _o.RepsOr(7));
            if (large) EditBuild(AppSize.Large, _o.RepsOr(3));
        }
        if (_o.Only.Contains("full")) FullAndAppOnlyBundle(bundleSize);
        if (_o.Only.Contains("attach")) Attach(bundleSize);
        // Last: its publishes for a runtime identifier restore the trees for it, which the build scenarios must not see.
        if (_o.Only.Contains("submit")) ClusterSubmission(bundleSize);

        _notes.Add(_o.NoNodeReuse
            ? "Node reuse off (-nr:false) and no compiler server (UseSharedCompilation=false): every build starts MSBuild and csc cold."
            : "MSBuild node reuse and the compiler server at their defaults (on), as on a developer's machine " +
              (Overridden().Length > 0 ? $"(the benchmark removed {Overridden()} from its builds' environment). " : "") + "Every measured build " +
              "is preceded by unmeasured warm-up builds of the same tree, so the nodes, the compiler server and SparkShip's task assembly are warm. " +
              "MSBuild server: " + (Environment.GetEnvironmentVariable("DOTNET_CLI_USE_MSBUILD_SERVER") ?? "default") + ". At the end the run ends the nodes and server it started (by process id).");
        if (_o.Only.Contains("edit"))
            _notes.Add($"Rows 2a.4 and 2b.4 turn both off for both sides ({string.Join(", ", ColdToolchain.Select(kv => $"{kv.Key}={kv.Value}"))} in the builds' environment), as these machines and many CI agents run: " +
                       "every build starts its MSBuild nodes and runs csc in a process of its own.");
        _notes.Add($"Builds are `dotnet build App/App.csproj` ({AppTree.Configuration}, {AppTree.TargetFramework}, implicit restore included, as typed), timed from process start to exit. " +
                   "The baseline tree is the same project without the `<Sdk Name=\"SparkShip.Sdk\" />` line" +
                   (_o.Only.Contains("noop")
                       ? $"; in 1f and 1g it has `<Sdk Name=\"{AppTree.EmptySdkName}\" />` in its place (bench/EmptySdk: Sdk.props and Sdk.targets are `<Project />`; " +
                         $"{_emptySdkVersion}, packed into the same kind of feed and pinned in global.json as SparkShip.Sdk is)."
                       : "."));
        _notes.Add($"SDK: SparkShip.Sdk {_sdkVersion}, " + (_o.Feed is null ? "packed from a snapshot of src/ at the start of the run" : $"taken from {_o.Feed}") +
                   $"; packages cached in {_packages}, work trees in {_work} (both kept between runs; the first run with the large app downloads ≈0.5 GB of packages).");
        _notes.Add("Scenario 3 times SparkShip's bundle work as the ComputeSparkBundle + WriteSparkBundle task times in the build's binlog (the build itself is a no-op apart from them), " +
                   "against the wall-clock time of `zip` on the same files unpacked into one folder. Scenario 5 runs bench/AttachProbe, which compiles the packed SDK's shim/Runtime sources, on the real bundle.");
        var settings = new Dictionary<string, object>
        {
            // Other work on the machine shows here (2 cores: a load above ≈2 at the start means someone else was busy too).
            ["load average at start/end"] = $"{_loadAtStart} / {LoadAverage()}",
            ["mode"] = _o.Smoke ? "smoke" : "full",
            ["node reuse"] = _o.NoNodeReuse ? "off" : "default (on)",
            ["sdk"] = _sdkVersion,
            ["large app"] = large ? "yes" : "no",
        };
        ResultsWriter.Write(_out, date, machine, settings, _rows, _breakdown, _notes, _clock.Elapsed.TotalSeconds);
        Say($"done in {_clock.Elapsed.TotalSeconds:0} s: {Path.Combine(_out, "latest.md")}");
        Console.WriteLine();
        Console.WriteLine(File.ReadAllText(Path.Combine(_out, "latest.md")));
    }

    // ───────────────────────────── scenario 1: no-op build ─────────────────────────────

    private void NoOpBuild(AppSize size)
    {
        var sdk = Tree(size, "sdk");
        var plain = Tree(size, "plain");
        // The same logic as a PackageReference (no MSBuild SDK resolution): tells the resolver's cost from SparkShip's own.
        var package = Tree(size, "package");
        // An empty MSBuild SDK from NuGet in SparkShip's place: pays NuGet's SDK resolver as SparkShip does, so the ratio is SparkShip's own cost.
        var empty = Tree(size, "empty");
        int reps = _o.RepsOr(10);
        Say($"no-op build, {Name(size)} app: {Warmups(2)} warm-up builds each, then {reps} × (SparkShip, plain, SparkShip as a PackageReference, empty NuGet SDK)");
        for (int w = 0; w < Warmups(2); w++)
        {
            Build(sdk);
            Build(plain);
            Build(package);
            Build(empty);
        }
        var ours = new List<double>();
        var baseline = new List<double>();
        var asPackage = new List<double>();
        var emptySdk = new List<double>();
        for (int i = 0; i < reps; i++)
        {
            var a = Build(sdk);
            if (a.Output.Contains("Spark bundle ->", StringComparison.Ordinal))
                throw new BenchException($"a no-op build of {sdk.Name} wrote a bundle:\n{a.Tail()}");
            ours.Add(a.Seconds);
            baseline.Add(Build(plain).Seconds);
            asPackage.Add(Build(package).Seconds);
            emptySdk.Add(Build(empty).Seconds);
            Say($"  rep {i + 1}/{reps}: SparkShip {a.Seconds:0.00} s, plain {baseline[^1]:0.00} s, PackageReference {asPackage[^1]:0.00} s, empty NuGet SDK {emptySdk[^1]:0.00} s");
        }
        bool small = size == AppSize.Small;
        AddTimeRow(small ? "1a" : "1b", $"No-op build, {Name(size)} app",
            "`dotnet build`, nothing changed: with SparkShip (`<Sdk Name=\"SparkShip.Sdk\" />`) vs without",
            ours, baseline, target: 1.02);
        AddTimeRow(small ? "1c" : "1d", $"No-op build, {Name(size)} app",
            "the same, with SparkShip as a `PackageReference` (the same targets, no MSBuild SDK resolution) vs without",
            asPackage, baseline, target: 1.02, note: $"the difference from {(small ? "1a" : "1b")} is MSBuild's NuGet SDK resolver, run once per `dotnet build` process for `<Sdk Name=…>`");
        AddTimeRow(small ? "1f" : "1g", $"No-op build, {Name(size)} app",
            $"`<Sdk Name=\"SparkShip.Sdk\" />` vs the same tree with an empty MSBuild SDK from NuGet in its place (`<Sdk Name=\"{AppTree.EmptySdkName}\" />`, which pays NuGet's SDK resolver too)",
            ours, emptySdk, target: 1.02, note: "both resolve an `<Sdk Name=…>` pinned in global.json from the same kind of feed: the ratio is SparkShip's own props and targets");
        if (small) NoOpBuildWithMSBuildServer(sdk, plain, reps);

        // Attribution: one more no-op build of each with a binlog (not timed).
        var times = BuildTimes.Read(BuildWithBinlog(sdk, "noop"));
        var plainTimes = BuildTimes.Read(BuildWithBinlog(plain, "noop"));
        var emptyTimes = BuildTimes.Read(BuildWithBinlog(empty, "noop"));
        string build = $"No-op, {Name(size)} app";
        foreach (var (target, ms) in times.SparkShipTargets()) _breakdown.Add(new BreakdownRow(build, $"target {target}", ms));
        _breakdown.Add(new BreakdownRow(build, "task ComputeSparkBundle", times.Task("ComputeSparkBundle")));
        _breakdown.Add(new BreakdownRow(build, "whole build (binlog), with SparkShip", times.TotalMilliseconds));
        _breakdown.Add(new BreakdownRow(build, "whole build (binlog), without", plainTimes.TotalMilliseconds));
        _breakdown.Add(new BreakdownRow(build, "whole build (binlog), with the empty NuGet SDK instead", emptyTimes.TotalMilliseconds));
    }

    /// <summary>
    /// 1e: the `&lt;Sdk Name=…&gt;` form with the MSBuild server on (DOTNET_CLI_USE_MSBUILD_SERVER=1) for both trees: the
    /// server keeps the process that evaluates projects, so NuGet's SDK resolver is loaded once, not once per build.
    /// </summary>
    private void NoOpBuildWithMSBuildServer(AppTree sdk, AppTree plain, int reps)
    {
        var server = new Dictionary<string, string?> { ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "1" };
        Say($"no-op build, small app, MSBuild server on: {Warmups(2) + 1} warm-up builds each, then {reps} × (SparkShip, plain)");
        for (int w = 0; w < Warmups(2) + 1; w++)
        {
            Build(sdk, server);
            Build(plain, server);
        }
        var ours = new List<double>();
        var baseline = new List<double>();
        for (int i = 0; i < reps; i++)
        {
            ours.Add(Build(sdk, server).Seconds);
            baseline.Add(Build(plain, server).Seconds);
            Say($"  rep {i + 1}/{reps}: SparkShip {ours[^1]:0.00} s, plain {baseline[^1]:0.00} s");
        }
        _p.Run("dotnet", new[] { "build-server", "shutdown", "--msbuild" }, sdk.Root, check: false, environment: server);
        AddTimeRow("1e", "No-op build, small app",
            "`<Sdk Name=\"SparkShip.Sdk\" />` vs without, both with the MSBuild server on (`DOTNET_CLI_USE_MSBUILD_SERVER=1`)",
            ours, baseline, target: 1.02, note: "the server keeps the evaluating process between builds, so NuGet's SDK resolver is paid once, not per build");
    }

    // ───────────────────────────── scenario 2: edit build ─────────────────────────────

    /// <summary>
    /// The library edit of scenario 2 (<see cref="AppTree.EditLibrary"/>): one line of a method body, so Lib's reference
    /// assembly does not change and the plain build does not recompile App (checked in the breakdown build). With
    /// SparkShip, App is recompiled: its SparkBundle.g.cs carries the new bundle name as a constant.
    /// </summary>
    private static string EditScenario(AppSize size) =>
        $"Edit build, {Name(size)} app (one line of a method body of the referenced library; its reference assembly unchanged)";

    /// <summary>The settings of rows 2a.4/2b.4, for both sides: no compiler server, no node reuse (these machines, many CI agents).</summary>
    private static readonly IReadOnlyDictionary<string, string?> ColdToolchain = new Dictionary<string, string?>
    {
        ["UseSharedCompilation"] = "false",
        ["MSBUILDDISABLENODEREUSE"] = "1",
    };

    private void EditBuild(AppSize size, int reps)
    {
        var sdk = Tree(size, "sdk");
        var plain = Tree(size, "plain");
        var manual = Tree(size, "manual");
        var package = Tree(size, "package");
        Say($"edit build, {Name(size)} app: {Warmups(1)} warm-up each, then {reps} × (SparkShip build, plain build, publish + zip, SparkShip as a PackageReference)");
        for (int w = 0; w < Warmups(1); w++)
        {
            sdk.EditLibrary(); Build(sdk);
            plain.EditLibrary(); Build(plain);
            manual.EditLibrary(); PublishAndZip(manual);
            package.EditLibrary(); Build(package);
        }

        var ours = new List<double>();
        var baseline = new List<double>();
        var manualTimes = new List<double>();
        var publishTimes = new List<double>();
        var asPackage = new List<double>();
        for (int i = 0; i < reps; i++)
        {
            ours.Add(EditAndBuild(sdk));
            plain.EditLibrary();
            baseline.Add(Build(plain).Seconds);
            manual.EditLibrary();
            var (publish, total) = PublishAndZip(manual);
            publishTimes.Add(publish);
            manualTimes.Add(total);
            package.EditLibrary();
            asPackage.Add(Build(package).Seconds);
            Say($"  rep {i + 1}/{reps}: SparkShip {ours[^1]:0.00} s, plain {baseline[^1]:0.00} s, publish + zip {total:0.00} s, PackageReference {asPackage[^1]:0.00} s");
        }
        string id = size == AppSize.Small ? "2a" : "2b";
        var recompile = EditBreakdown(sdk, plain, $"Library edit, {Name(size)} app", "edit");
        string toolchain = _o.NoNodeReuse ? "node reuse and compiler server off (--no-node-reuse)" : "the default toolchain: compiler server and node reuse on";
        AddTimeRow(id + ".1", EditScenario(size),
            $"`dotnet build` with SparkShip (build + bundle) vs without (build only), {toolchain}",
            ours, baseline, target: 1.08, note: recompile);
        AddTimeRow(id + ".2", EditScenario(size),
            "`dotnet build` with SparkShip vs the manual path: `dotnet publish -c Release -o out` + `zip -qr` of out/",
            ours, manualTimes, target: 0.5, note: $"publish alone: median {new Summary(publishTimes).Median:0.00} s");
        AddTimeRow(id + ".3", EditScenario(size),
            "`dotnet build` with SparkShip as a `PackageReference` vs without",
            asPackage, baseline, target: 1.05, note: $"the difference from {id}.1 is MSBuild's NuGet SDK resolver");

        // 2a.4/2b.4: the same edit with the compiler server and node reuse off for both sides.
        Say($"edit build, {Name(size)} app, compiler server and node reuse off: {Warmups(1)} warm-up each, then {reps} × (SparkShip build, plain build)");
        for (int w = 0; w < Warmups(1); w++)
        {
            sdk.EditLibrary(); Build(sdk, ColdToolchain);
            plain.EditLibrary(); Build(plain, ColdToolchain);
        }
        var oursCold = new List<double>();
        var baselineCold = new List<double>();
        for (int i = 0; i < reps; i++)
        {
            oursCold.Add(EditAndBuild(sdk, ColdToolchain));
            plain.EditLibrary();
            baselineCold.Add(Build(plain, ColdToolchain).Seconds);
            Say($"  rep {i + 1}/{reps}: SparkShip {oursCold[^1]:0.00} s, plain {baselineCold[^1]:0.00} s");
        }
        var recompileCold = EditBreakdown(sdk, plain, $"Library edit, {Name(size)} app, compiler server and node reuse off", "edit-cold", ColdToolchain);
        AddTimeRow(id + ".4", EditScenario(size),
            "the same, with the compiler server and node reuse off for both (`UseSharedCompilation=false`, `MSBUILDDISABLENODEREUSE=1`: these machines, many CI agents)",
            oursCold, baselineCold, target: null, note: recompileCold);
    }

    /// <summary>Edits the library of a SparkShip tree and builds it; returns the seconds (the build must write a bundle).</summary>
    private double EditAndBuild(AppTree sdk, IReadOnlyDictionary<string, string?>? environment = null)
    {
        sdk.EditLibrary();
        var a = Build(sdk, environment);
        if (!a.Output.Contains("Spark bundle ->", StringComparison.Ordinal))
            throw new BenchException($"an edit build of {sdk.Name} did not write a bundle:\n{a.Tail()}");
        return a.Seconds;
    }

    /// <summary>
    /// Attribution: one more library edit build of each tree with a binlog (not timed): what SparkShip adds to it, into
    /// the breakdown table. Checks that the edit left Lib's reference assembly alone (the plain build compiled Lib, not
    /// App). Returns a note for the row: how much of the difference the app's recompile is.
    /// </summary>
    private string EditBreakdown(AppTree sdk, AppTree plain, string build, string label, IReadOnlyDictionary<string, string?>? environment = null)
    {
        sdk.EditLibrary();
        var times = BuildTimes.Read(BuildWithBinlog(sdk, label, environment));
        plain.EditLibrary();
        var plainTimes = BuildTimes.Read(BuildWithBinlog(plain, label, environment));
        if (!plainTimes.Compiled("Lib") || plainTimes.Compiled("App"))
            throw new BenchException($"the library edit of {plain.Name} is not a method-body-only edit: the plain build " +
                                     (plainTimes.Compiled("App") ? "recompiled App (Lib's reference assembly changed)" : "did not recompile Lib"));
        double app = times.CscMilliseconds("App"), plainApp = plainTimes.CscMilliseconds("App");
        double tasks = times.Task("ComputeSparkBundle") + times.Task("WriteSparkBundleSource") + times.Task("WriteSparkBundle");
        _breakdown.Add(new BreakdownRow(build, "task ComputeSparkBundle (identify)", times.Task("ComputeSparkBundle")));
        _breakdown.Add(new BreakdownRow(build, "task WriteSparkBundleSource (generate)", times.Task("WriteSparkBundleSource")));
        _breakdown.Add(new BreakdownRow(build, "task WriteSparkBundle (bundle)", times.Task("WriteSparkBundle")));
        _breakdown.Add(new BreakdownRow(build, "task Csc of App, with SparkShip (the bundle's constants changed)", app));
        _breakdown.Add(new BreakdownRow(build, "task Csc of App, without (its references' public surface did not change)", plainApp));
        _breakdown.Add(new BreakdownRow(build, "whole build (binlog), with SparkShip", times.TotalMilliseconds));
        _breakdown.Add(new BreakdownRow(build, "whole build (binlog), without", plainTimes.TotalMilliseconds));
        double difference = times.TotalMilliseconds - plainTimes.TotalMilliseconds;
        string share = difference > 0 ? ", " + (100 * (app - plainApp) / difference).ToString("0", CultureInfo.InvariantCulture) + "% of the difference" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"extra untimed build of each (binlog): whole build {times.TotalMilliseconds:0} vs {plainTimes.TotalMilliseconds:0} ms ({difference:+0;-0} ms); " +
            $"the app's recompile, which its compiled-in bundle name implies: Csc of App {app:0} ms (without SparkShip: {plainApp:0} ms){share}; SparkShip's tasks {tasks:0} ms");
    }

    /// <summary>A row of seconds, ours vs a baseline measured in the same run.</summary>
    private void AddTimeRow(string id, string scenario, string comparison, List<double> ours, List<double> baseline, double? target, string? note = null) =>
        _rows.Add(new ResultRow
        {
            Id = id, Scenario = scenario, Comparison = comparison, Unit = "s",
            Ours = new Summary(ours), Baseline = new Summary(baseline), TargetMax = target, Note = note,
        });

    /// <summary>The documented manual path: publish, then zip the publish folder (a fresh zip each time). Returns (publish s, total s).</summary>
    private (double publish, double total) PublishAndZip(AppTree tree)
    {
        var outDir = Path.Combine(tree.Root, "out");
        var zip = Path.Combine(tree.Root, "app.zip");
        if (File.Exists(zip)) File.Delete(zip);
        var publish = _p.Run("dotnet", With(new List<string> { "publish", tree.AppProject, "-c", "Release", "-o", outDir }), tree.Root);
        var pack = _p.Run("zip", new[] { "-q", "-r", zip, "." }, outDir);
        return (publish.Seconds, publish.Seconds + pack.Seconds);
    }

    // ─────────────── scenarios 3 and 4: full bundle vs zip, and bundle work after an app-only edit ───────────────

    private void FullAndAppOnlyBundle(AppSize size)
    {
        var tree = Tree(size, "sdk");
        int reps = _o.RepsOr(5);
        Say($"full bundle and app-only edit, {Name(size)} app: {Warmups(1)} warm-up, then {reps} × (full bundle, app-only edit, zip -1, zip -6)");
        for (int w = 0; w < Warmups(1); w++)
        {
            FullBundleBuild(tree, "warmup-full");
            tree.EditApp();
            BuildWithBinlog(tree, "warmup-appedit");
        }

        // The same flat file set as our two archives: unpacked into one folder, for zip -r.
        var flat = Path.Combine(_work, $"flat-{Name(size)}");
        if (Directory.Exists(flat)) Directory.Delete(flat, recursive: true);
        foreach (var archive in tree.CurrentArchives()) ZipFile.ExtractToDirectory(archive, flat, overwriteFiles: true);
        long flatBytes = Directory.EnumerateFiles(flat, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        int flatFiles = Directory.EnumerateFiles(flat, "*", SearchOption.AllDirectories).Count();

        var fullWork = new List<double>();
        var fullWrite = new List<double>();
        var fullWall = new List<double>();
        var fullSize = new List<double>();
        var editWrite = new List<double>();
        var editWork = new List<double>();
        var zip1 = new List<double>();
        var zip6 = new List<double>();
        var zip1Size = new List<double>();
        var zip6Size = new List<double>();
        for (int i = 0; i < reps; i++)
        {
            var (full, wall) = FullBundleBuild(tree, $"full-{i + 1}");
            fullWork.Add(full.Task("ComputeSparkBundle") + full.Task("WriteSparkBundle"));
            fullWrite.Add(full.Task("WriteSparkBundle"));
            fullWall.Add(wall);
            fullSize.Add(tree.CurrentArchives().Sum(a => new FileInfo(a).Length) / 1e6);

            tree.EditApp();
            var edit = BuildTimes.Read(BuildWithBinlog(tree, $"appedit-{i + 1}"));
            if (!edit.Ran("WriteSparkBundle")) throw new BenchException($"WriteSparkBundle did not run after an app edit of {tree.Name}");
            editWrite.Add(edit.Task("WriteSparkBundle"));
            editWork.Add(edit.Task("ComputeSparkBundle") + edit.Task("WriteSparkBundle"));

            var (t1, s1) = ZipFolder(flat, 1);
            zip1.Add(t1); zip1Size.Add(s1);
            var (t6, s6) = ZipFolder(flat, 6);
            zip6.Add(t6); zip6Size.Add(s6);
            Say($"  rep {i + 1}/{reps}: full bundle {fullWork[^1]:0} ms (build {wall:0.00} s, {fullSize[^1]:0.0} MB), app edit bundle {editWrite[^1]:0} ms, zip -1 {t1:0} ms ({s1:0.0} MB), zip -6 {t6:0} ms ({s6:0.0} MB)");
        }

        string what = $"{flatFiles} files, {flatBytes / 1e6:0.0} MB";
        string scenario = $"Full bundle, {Name(size)} app ({what})";
        _rows.Add(new ResultRow
        {
            Id = "3.1", Scenario = scenario,
            Comparison = "time: bundle work (ComputeSparkBundle + WriteSparkBundle task time, binlog) vs `zip -qr -6` of the same files",
            Unit = "ms", Ours = new Summary(fullWork), Baseline = new Summary(zip6), TargetMax = 1.0,
            Note = $"whole `dotnet build` that did it: median {new Summary(fullWall).Median:0.00} s; WriteSparkBundle alone: median {new Summary(fullWrite).Median:0} ms",
        });
        _rows.Add(new ResultRow
        {
            Id = "3.2", Scenario = scenario, Comparison = "size: our two archives vs `zip -qr -6` of the same files",
            Unit = "MB", Ours = new Summary(fullSize), Baseline = new Summary(zip6Size), TargetMax = 1.02,
        });
        _rows.Add(new ResultRow
        {
            Id = "3.3", Scenario = scenario, Comparison = "time: bundle work vs `zip -qr -1` of the same files",
            Unit = "ms", Ours = new Summary(fullWork), Baseline = new Summary(zip1),
        });
        _rows.Add(new ResultRow
        {
            Id = "3.4", Scenario = scenario, Comparison = "size: our two archives vs `zip -qr -1` of the same files",
            Unit = "MB", Ours = new Summary(fullSize), Baseline = new Summary(zip1Size),
        });
        _rows.Add(new ResultRow
        {
            Id = "4.1", Scenario = $"App-only edit, {Name(size)} app (one line of Program.cs)",
            Comparison = "WriteSparkBundle task time after the edit vs in a full bundle",
            Unit = "ms", Ours = new Summary(editWrite), Baseline = new Summary(fullWrite), TargetMax = 0.05,
        });
        _rows.Add(new ResultRow
        {
            Id = "4.2", Scenario = $"App-only edit, {Name(size)} app (one line of Program.cs)",
            Comparison = "ComputeSparkBundle + WriteSparkBundle after the edit vs in a full bundle",
            Unit = "ms", Ours = new Summary(editWork), Baseline = new Summary(fullWork),
        });
    }

    /// <summary>Every layer written: the bundle folder and obj/…/sparkship deleted, compile outputs kept.</summary>
    private (BuildTimes times, double wallSeconds) FullBundleBuild(AppTree tree, string label)
    {
        if (Directory.Exists(tree.BundleDirectory)) Directory.Delete(tree.BundleDirectory, recursive: true);
        if (Directory.Exists(tree.StateDirectory)) Directory.Delete(tree.StateDirectory, recursive: true);
        var binlog = BinlogPath(tree, label);
        var result = _p.Run("dotnet", With(new List<string> { "build", tree.AppProject, "-bl:" + binlog }), tree.Root);
        var times = BuildTimes.Read(binlog);
        if (!times.Ran("WriteSparkBundle")) throw new BenchException($"WriteSparkBundle did not run in the full bundle build of {tree.Name}");
        if (times.Compiled("App") || times.Compiled("Lib"))
            _notes.Add($"A full bundle build of {tree.Name} ({label}) recompiled a project: its time includes that compile.");
        return (times, result.Seconds);
    }

    private (double milliseconds, double megabytes) ZipFolder(string folder, int level)
    {
        var zip = Path.Combine(_work, $"zip{level}.zip");
        if (File.Exists(zip)) File.Delete(zip);
        var r = _p.Run("zip", new[] { "-q", "-r", "-" + level, zip, "." }, folder);
        return (r.Milliseconds, new FileInfo(zip).Length / 1e6);
    }

    // ───────────────────────────── scenario 5: driver-side attach ─────────────────────────────

    private void Attach(AppSize size)
    {
        var tree = Tree(size, "sdk");
        if (!File.Exists(tree.GeneratedSource)) Build(tree);
        var archives = tree.CurrentArchives();
        var c = tree.BundleConstants();
        int cold = _o.Smoke ? 1 : 15;
        int warm = _o.Smoke ? 5 : 200;
        Say($"attach, {Name(size)} bundle ({string.Join(", ", archives.Select(a => $"{Path.GetFileName(a)} {new FileInfo(a).Length / 1e6:0.0} MB"))}): {cold} cold processes (and as many empty ones), {warm} warm calls");

        var probe = BuildProbe();
        // The shim gives no verdict to an archive written less than 2 s before its check (SparkBundleVerdictCache):
        // a driver starts later than that after a build, and so do these measurements.
        var settle = archives.Max(File.GetLastWriteTimeUtc).AddSeconds(2.5) - DateTime.UtcNow;
        if (settle > TimeSpan.Zero) Thread.Sleep(settle);
        var flatRoot = Path.Combine(_work, "flat-cache");
        string[] Args(string mode, int iterations = 1) => new[]
        {
            probe, mode, tree.OutputDirectory, c["Directory"], c["AppArchive"], c["AppFingerprint"], c["DependencyArchive"],
            c["DependencyFingerprint"], c["ManifestEntry"], "yarn", flatRoot, iterations.ToString(CultureInfo.InvariantCulture),
        };
        double[] Samples(RunResult r) =>
            JsonDocument.Parse(r.Output.Split('\n').Last(l => l.StartsWith('{'))).RootElement.GetProperty("ms").EnumerateArray().Select(e => e.GetDouble()).ToArray();

        // Warm-up: the probe's files in the page cache, the runtime's too.
        _p.Run("dotnet", Args("cold"), _work);
        _p.Run("dotnet", Args("noop"), _work);
        var coldMs = new List<double>();
        var coldWall = new List<double>();
        var emptyWall = new List<double>();
        var firstMs = new List<double>();
        for (int i = 0; i < cold; i++)
        {
            var r = _p.Run("dotnet", Args("cold"), _work);
            coldMs.Add(Samples(r)[0]);
            coldWall.Add(r.Milliseconds);
            emptyWall.Add(_p.Run("dotnet", Args("noop"), _work).Milliseconds);
            firstMs.Add(Samples(_p.Run("dotnet", Args("first"), _work))[0]);
        }
        var warmMs = Samples(_p.Run("dotnet", Args("warm", warm), _work));
        var unpackMs = Samples(_p.Run("dotnet", Args("unpack", _o.Smoke ? 1 : 3), _work));

        string scenario = $"Driver-side attach, {Name(size)} bundle (locate, check, plan: SparkBundleVerifier.Verify + SparkAttachPlanner.Create)";
        _rows.Add(new ResultRow
        {
            Id = "5.1", Scenario = scenario, Comparison = "cold: first call in a fresh process (JIT included), as a driver pays it (content check's verdict cached)",
            Unit = "ms", Ours = new Summary(coldMs), TargetMax = 20,
        });
        _rows.Add(new ResultRow
        {
            Id = "5.2", Scenario = scenario, Comparison = "warm: later calls in the same process",
            Unit = "ms", Ours = new Summary(warmMs), TargetMax = 20,
        });
        _rows.Add(new ResultRow
        {
            Id = "5.5", Scenario = scenario,
            Comparison = "first run: a fresh process with no cached verdict (the content check: app layer unpacked and hashed, dependency archive hashed, SHA-256)",
            Unit = "ms", Ours = new Summary(firstMs),
        });
        _rows.Add(new ResultRow
        {
            Id = "5.3", Scenario = scenario, Comparison = "whole process (runtime start + attach) vs the same process doing nothing",
            Unit = "ms", Ours = new Summary(coldWall), Baseline = new Summary(emptyWall),
        });
        _rows.Add(new ResultRow
        {
            Id = "5.4", Scenario = $"Local master, first run of a new bundle, {Name(size)} bundle",
            Comparison = "unpacking every layer into the flat cache (FlatBundleCache.Ensure; later runs reuse it)",
            Unit = "ms", Ours = new Summary(unpackMs),
        });
    }

    /// <summary>Builds bench/AttachProbe against the shim sources of the packed SDK (what an app compiles in).</summary>
    private string BuildProbe()
    {
        var shim = Path.Combine(_packages, "sparkship.sdk", _sdkVersion.ToLowerInvariant(), "shim", "Runtime");
        if (!Directory.Exists(shim)) throw new BenchException($"the packed SDK's shim is not at {shim} (was a tree restored?)");
        var artifacts = Path.Combine(_work, "probe");
        _p.Run("dotnet", With(new List<string>
        {
            "build", Path.Combine(_repo, "bench", "AttachProbe", "AttachProbe.csproj"), "-c", "Release",
            "--artifacts-path", artifacts, "-p:SparkShipShimDir=" + shim + Path.DirectorySeparatorChar,
        }), _work);
        return Directory.EnumerateFiles(Path.Combine(artifacts, "bin"), "AttachProbe.dll", SearchOption.AllDirectories).Single();
    }

    // ───────────────────────────── scenario 6: what a cluster-mode submission ships ─────────────────────────────

    private const string ClusterRid = "linux-x64";

    /// <summary>
    /// Sizes, not times (one measurement each: the bytes are deterministic). Ours: the driver archive of the publish the
    /// README prescribes for cluster deploy modes, which the printed YARN command ships alone. Baselines: the documented
    /// manual path on the same app without SparkShip (publish to a folder, zip it: what a user ships without SparkShip),
    /// and the same zip of the SparkShip app's publish folder (spark-bundle/ included: the former manual path with it).
    /// </summary>
    private void ClusterSubmission(AppSize size)
    {
        var sdk = Tree(size, "sdk");
        var plain = Tree(size, "plain");
        Say($"cluster-mode submission, {Name(size)} app: `dotnet publish -r {ClusterRid} --self-contained false` with SparkShip, `-c Release -r {ClusterRid} --self-contained false -o out` + zip without");
        var sdkOut = Path.Combine(sdk.Root, "out-" + ClusterRid);
        if (Directory.Exists(sdkOut)) Directory.Delete(sdkOut, recursive: true);
        var publish = _p.Run("dotnet", With(new List<string> { "publish", sdk.AppProject, "-r", ClusterRid, "--self-contained", "false", "-o", sdkOut }), sdk.Root);
        var line = System.Text.RegularExpressions.Regex.Match(publish.Output, @"driver archive -> (\S+\.zip) \(");
        if (!line.Success) throw new BenchException($"the publish of {sdk.Name} wrote no driver archive:\n{publish.Tail()}");
        var driver = new FileInfo(line.Groups[1].Value);
        int driverEntries;
        using (var zip = ZipFile.OpenRead(driver.FullName)) driverEntries = zip.Entries.Count;
        long bundle = Directory.EnumerateFiles(Path.Combine(sdkOut, "spark-bundle"), "*.zip").Sum(f => new FileInfo(f).Length);

        var plainOut = Path.Combine(plain.Root, "out-" + ClusterRid);
        if (Directory.Exists(plainOut)) Directory.Delete(plainOut, recursive: true);
        _p.Run("dotnet", With(new List<string> { "publish", plain.AppProject, "-c", "Release", "-r", ClusterRid, "--self-contained", "false", "-o", plainOut }), plain.Root);
        long manual = ZipWhole(plainOut, Path.Combine(plain.Root, "out-" + ClusterRid + ".zip"));
        long sdkZip = ZipWhole(sdkOut, Path.Combine(sdk.Root, "out-" + ClusterRid + ".zip"));
        Say($"  driver archive {driver.Length / 1e6:0.00} MB ({driverEntries} entries), manual zip without SparkShip {manual / 1e6:0.00} MB, zip of the SparkShip publish folder {sdkZip / 1e6:0.00} MB");

        string scenario = $"Cluster-mode submission size, {Name(size)} app (`dotnet publish -r {ClusterRid} --self-contained false`)";
        string note = string.Create(CultureInfo.InvariantCulture,
            $"driver archive {driver.Length:N0} B in {driverEntries} entries: the publish output (whose package assemblies the driver loads) and spark-bundle/ ({bundle:N0} B of layers, for the executors)");
        _rows.Add(new ResultRow
        {
            Id = "6.1", Scenario = scenario,
            Comparison = $"the driver archive (all the printed YARN command ships) vs the manual path without SparkShip: `dotnet publish -c Release -r {ClusterRid} --self-contained false -o out` + `zip -qr` of out/",
            Unit = "MB", Ours = new Summary(new[] { driver.Length / 1e6 }), Baseline = new Summary(new[] { manual / 1e6 }), Note = note,
        });
        _rows.Add(new ResultRow
        {
            Id = "6.2", Scenario = scenario,
            Comparison = "the driver archive vs `zip -qr` of the SparkShip app's publish folder (spark-bundle/ included: what `--archives` shipped by hand before the driver archive)",
            Unit = "MB", Ours = new Summary(new[] { driver.Length / 1e6 }), Baseline = new Summary(new[] { sdkZip / 1e6 }),
        });
    }

    /// <summary>`zip -qr` (its default level, 6) of a whole folder into a fresh file; returns its size in bytes.</summary>
    private long ZipWhole(string folder, string zip)
    {
        if (File.Exists(zip)) File.Delete(zip);
        _p.Run("zip", new[] { "-q", "-r", zip, "." }, folder);
        return new FileInfo(zip).Length;
    }

    // ───────────────────────────── setup ─────────────────────────────

    /// <summary>
    /// Packs SparkShip.Sdk from a snapshot of src/ (so edits made by others during the run cannot mix in, and their
    /// builds' obj/ folders are not touched), with a version unique to the run, into the benchmark's own feed.
    /// </summary>
    private void PrepareSdk()
    {
        if (_o.Feed != null)
        {
            _feed = _o.Feed;
            _sdkVersion = _o.SdkVersion!;
            Say($"using SparkShip.Sdk {_sdkVersion} from {_feed}");
            return;
        }
        var snapshot = Path.Combine(_cache, "sdk-src");
        Mirror(Path.Combine(_repo, "src", "Sdk"), Path.Combine(snapshot, "src", "Sdk"));
        Mirror(Path.Combine(_repo, "src", "Tasks"), Path.Combine(snapshot, "src", "Tasks"));
        foreach (var file in new[] { "Directory.Build.props", "global.json", "nuget.config", "README.md" })
            CopyIfDifferent(Path.Combine(_repo, file), Path.Combine(snapshot, file));

        _feed = Path.Combine(_cache, "feed");
        if (Directory.Exists(_feed)) Directory.Delete(_feed, recursive: true);
        Directory.CreateDirectory(_feed);
        _sdkVersion = "0.1.0-bench." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        // An older bench SDK in the cache is never used (the version is new), but it is dead weight.
        var old = Path.Combine(_packages, "sparkship.sdk");
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        Say($"packing SparkShip.Sdk {_sdkVersion} from a snapshot of src/");
        _p.Run("dotnet", new[] { "pack", Path.Combine(snapshot, "src", "Sdk", "SparkShip.Sdk.csproj"), "-c", "Release", "-o", _feed, "-p:Version=" + _sdkVersion, "-nr:false" }, snapshot);
    }

    /// <summary>
    /// Packs bench/EmptySdk (an MSBuild SDK whose Sdk.props and Sdk.targets are empty) with a version unique to the run:
    /// into the benchmark's feed beside SparkShip.Sdk, or, when the SDK comes from another feed (--feed), into one of
    /// the work folder's (the benchmark never writes into a feed it was given).
    /// </summary>
    private void PrepareEmptySdk()
    {
        _emptySdkFeed = _o.Feed is null ? _feed : Path.Combine(_work, "feed");
        if (_o.Feed != null && Directory.Exists(_emptySdkFeed)) Directory.Delete(_emptySdkFeed, recursive: true);
        Directory.CreateDirectory(_emptySdkFeed);
        _emptySdkVersion = "1.0.0-bench." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var old = Path.Combine(_packages, AppTree.EmptySdkName.ToLowerInvariant());
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        Say($"packing {AppTree.EmptySdkName} {_emptySdkVersion} (bench/EmptySdk) into {_emptySdkFeed}");
        _p.Run("dotnet", new[]
        {
            "pack", Path.Combine(_repo, "bench", "EmptySdk", AppTree.EmptySdkName + ".csproj"), "-c", "Release", "-o", _emptySdkFeed,
            "-p:Version=" + _emptySdkVersion, "--artifacts-path", Path.Combine(_work, "emptysdk-build"), "-nr:false",
        }, _work);
    }

    /// <summary>The tree of that size and variant ("sdk", "plain", "manual", "package", "empty"), created and built once on first use.</summary>
    private AppTree Tree(AppSize size, string variant)
    {
        if (_trees.TryGetValue((size, variant), out var tree)) return tree;
        tree = new AppTree(Path.Combine(_work, $"{Name(size)}-{variant}"), size, variant is "sdk" or "package" or "empty" ? variant : null);
        Say($"creating {tree.Name} and building it once (restore, compile{(variant == "manual" ? ", publish" : "")})");
        if (variant == "empty") tree.Create(_emptySdkFeed, _emptySdkVersion);
        else tree.Create(_feed, _sdkVersion);
        if (variant == "manual") PublishAndZip(tree);
        else Build(tree);
        _trees[(size, variant)] = tree;
        return tree;
    }

    private RunResult Build(AppTree tree, IReadOnlyDictionary<string, string?>? environment = null) =>
        _p.Run("dotnet", With(new List<string> { "build", tree.AppProject }), tree.Root, environment: environment);

    private string BuildWithBinlog(AppTree tree, string label, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var binlog = BinlogPath(tree, label);
        _p.Run("dotnet", With(new List<string> { "build", tree.AppProject, "-bl:" + binlog }), tree.Root, environment: environment);
        return binlog;
    }

    private static string BinlogPath(AppTree tree, string label)
    {
        var dir = Path.Combine(tree.Root, "logs");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, label + ".binlog");
    }

    private List<string> With(List<string> args)
    {
        if (_o.NoNodeReuse) args.Add("-nr:false");
        return args;
    }

    /// <summary>The 1-minute load average (Linux), or "?".</summary>
    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
    }

    /// <summary>Settings of the calling environment that would turn node reuse or the compiler server off.</summary>
    private static string Overridden() => string.Join(" and ", new[] { "MSBUILDDISABLENODEREUSE", "UseSharedCompilation" }
        .Where(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v)))
        .Select(v => $"{v}={Environment.GetEnvironmentVariable(v)}"));

    /// <summary>Unmeasured warm-up rounds: none in smoke mode (the tree's first build is the only warm-up there).</summary>
    private int Warmups(int n) => _o.Smoke ? 0 : n;

    private static string Name(AppSize size) => size == AppSize.Small ? "small" : "large";

    private void Say(string message) => Console.WriteLine($"[{_clock.Elapsed.TotalSeconds,5:0}s] {message}");

    private string FindRepo()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "SparkShip.Sdk.sln"))) return dir.FullName;
        throw new BenchException("SparkShip.Sdk.sln not found above the current folder: run from the repository or pass --repo");
    }

    private static void Mirror(string source, string destination)
    {
        static bool Skipped(string relative) => relative.Split(Path.DirectorySeparatorChar).Any(s => s is "bin" or "obj");
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (Skipped(relative)) continue;
            wanted.Add(relative);
            CopyIfDifferent(file, Path.Combine(destination, relative));
        }
        if (!Directory.Exists(destination)) return;
        foreach (var file in Directory.EnumerateFiles(destination, "*", SearchOption.AllDirectories).ToList())
        {
            var relative = Path.GetRelativePath(destination, file);
            if (!Skipped(relative) && !wanted.Contains(relative)) File.Delete(file);
        }
    }

    // Unchanged files keep their timestamps, so the snapshot's incremental build stays incremental.
    private static void CopyIfDifferent(string source, string destination)
    {
        if (File.Exists(destination) && new FileInfo(destination).Length == new FileInfo(source).Length
            && File.ReadAllBytes(destination).AsSpan().SequenceEqual(File.ReadAllBytes(source))) return;
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.Copy(source, destination, overwrite: true);
    }
}
