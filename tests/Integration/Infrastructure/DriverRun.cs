namespace SparkShip.Sdk.IntegrationTests.Infrastructure;

/// <summary>
/// Runs a built <see cref="Scenarios.SparkDriverApp"/> the way DotnetRunner starts a driver: DOTNETBACKEND_PORT set
/// (or not), and the JVM system properties spark-submit would have set (--master, --deploy-mode, --conf), which the
/// stand-in's simulated JVM reads from STANDIN_JVM_SYSTEM_PROPERTIES.
/// </summary>
public sealed class DriverRun
{
    private DriverRun(ProcessResult process)
    {
        Process = process;
        foreach (var line in process.Output.Split('\n'))
        {
            int eq = line.IndexOf('=');
            if (eq > 0 && line.Substring(0, eq).All(char.IsUpper)) Values[line.Substring(0, eq)] = line.Substring(eq + 1).TrimEnd('\r');
        }
    }

    /// <summary>The values a driver started some other way (<see cref="DotnetRunnerHarness"/>) printed.</summary>
    public static DriverRun From(ProcessResult process) => new(process);

    public ProcessResult Process { get; }
    public Dictionary<string, string> Values { get; } = new();
    public string this[string key] => Values.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"{key} not printed:\n{Process}");

    public static DriverRun Start(TestProject p, string scenario, string? master, string cacheDir,
        bool underSpark = true, string? userSearchPath = null, string? userArchives = null, string app = "App/bin/Debug/net8.0/App.dll",
        string backendPort = "12345", IReadOnlyDictionary<string, string?>? extraEnvironment = null)
    {
        var props = new List<string>();
        if (master != null) props.Add("spark.master=" + master);
        if (userArchives != null) props.Add("spark.archives=" + userArchives);
        var env = new Dictionary<string, string?>
        {
            ["DOTNET_ROLL_FORWARD"] = "Major",
            ["DOTNETBACKEND_PORT"] = underSpark ? backendPort : null,
            ["STANDIN_JVM_SYSTEM_PROPERTIES"] = string.Join("\n", props),
            ["DOTNET_ASSEMBLY_SEARCH_PATHS"] = userSearchPath,
            ["SPARKSHIP_CACHE_DIR"] = cacheDir,
        };
        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string?>()) env[key] = value;
        return new DriverRun(ProcessRunner.Run("dotnet", new[] { p.PathOf(app), scenario }, p.Root, env, TimeSpan.FromMinutes(2)));
    }
}
