namespace SparkShip.Bench;

/// <summary>Command line of the benchmark. Everything has a default: `./bench/run.sh` alone runs the full benchmark.</summary>
internal sealed class Options
{
    public const string Usage = """
        SparkShip.Sdk benchmark: ratios against baselines measured in the same run, interleaved (A B A B …).

        Usage: ./bench/run.sh [options]      (or: dotnet run --project bench/SparkShip.Bench -c Release -- [options])

          --smoke              tiny run: small app only, 1 repetition, no large app (for the smoke test; < 60 s)
          --reps N             repetitions of every build scenario (default: 10 no-op, 7 small-app edit, 3 large-app edit, 5 full bundle)
          --only LIST          comma-separated subset of: noop,edit,full,attach,submit (default: all)
          --skip-large         leave out the large app (scenarios that need it are skipped)
          --skip-small         leave out the small app's no-op and edit scenarios (to add the large app's rows to a run of them)
          --out DIR            where latest.md and latest.json go (default: bench/results)
          --cache DIR          package cache, packed SDK, work trees (default: bench/.cache)
          --packages DIR       NUGET_PACKAGES of the benchmark's builds (default: <cache>/nuget)
          --work DIR           throwaway project trees (default: <cache>/work)
          --feed DIR --sdk-version V
                               use an SDK already packed into DIR with version V instead of packing src/
          --no-node-reuse      build with -nr:false (the default measures with MSBuild's default node reuse)
          --create-trees       only create the small app's trees (with and without SparkShip) in the work
                               folder and build each once; nothing is measured (to look at them, or test them)
          --repo DIR           repository root (default: found above the current folder)
        """;

    public bool Smoke { get; private set; }
    public int? Reps { get; private set; }
    public HashSet<string> Only { get; } = new(StringComparer.OrdinalIgnoreCase) { "noop", "edit", "full", "attach", "submit" };
    public bool SkipLarge { get; private set; }
    public bool SkipSmall { get; private set; }
    public string? Out { get; private set; }
    public string? Cache { get; private set; }
    public string? Packages { get; private set; }
    public string? Work { get; private set; }
    public string? Feed { get; private set; }
    public string? SdkVersion { get; private set; }
    public bool NoNodeReuse { get; private set; }
    public bool CreateTrees { get; private set; }
    public string? Repo { get; private set; }
    public bool Help { get; private set; }

    public bool Large => !Smoke && !SkipLarge;

    /// <summary>Repetitions of one scenario: --reps if given, 1 in smoke mode, the scenario's default otherwise.</summary>
    public int RepsOr(int fallback) => Smoke ? 1 : Reps ?? fallback;

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--smoke": o.Smoke = true; break;
                case "--reps":
                    o.Reps = int.TryParse(Value(), out var n) && n >= 1 ? n : throw new ArgumentException("--reps needs a number >= 1");
                    break;
                case "--only":
                    var wanted = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    foreach (var w in wanted)
                        if (!o.Only.Contains(w)) throw new ArgumentException($"--only: unknown scenario '{w}'");
                    o.Only.IntersectWith(wanted);
                    break;
                case "--skip-large": o.SkipLarge = true; break;
                case "--skip-small": o.SkipSmall = true; break;
                case "--out": o.Out = Path.GetFullPath(Value()); break;
                case "--cache": o.Cache = Path.GetFullPath(Value()); break;
                case "--packages": o.Packages = Path.GetFullPath(Value()); break;
                case "--work": o.Work = Path.GetFullPath(Value()); break;
                case "--feed": o.Feed = Path.GetFullPath(Value()); break;
                case "--sdk-version": o.SdkVersion = Value(); break;
                case "--no-node-reuse": o.NoNodeReuse = true; break;
                case "--create-trees": o.CreateTrees = true; break;
                case "--repo": o.Repo = Path.GetFullPath(Value()); break;
                case "-h": case "--help": o.Help = true; break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        if ((o.Feed is null) != (o.SdkVersion is null)) throw new ArgumentException("--feed and --sdk-version go together");
        return o;
    }
}
