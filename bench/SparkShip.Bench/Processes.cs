using System.Diagnostics;
using System.Text;

namespace SparkShip.Bench;

internal sealed class BenchException : Exception
{
    public BenchException(string message) : base(message) { }
}

internal sealed record RunResult(int ExitCode, string Output, double Milliseconds, string CommandLine)
{
    public double Seconds => Milliseconds / 1000.0;

    public string Tail(int lines = 40)
    {
        var all = Output.Split('\n');
        return all.Length > lines ? "…\n" + string.Join('\n', all[^lines..]) : Output;
    }
}

/// <summary>
/// Runs child processes with the benchmark's environment and measures their wall-clock time (process start to
/// exit, as a person at a terminal sees it). Every command and its time go to a log under the work folder.
/// </summary>
internal sealed class Processes
{
    private readonly Dictionary<string, string?> _environment;
    private readonly string _logFile;

    public Processes(Dictionary<string, string?> environment, string logFile)
    {
        _environment = environment;
        _logFile = logFile;
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
    }

    /// <param name="environment">Settings for this command only, over the run's own (null removes one).</param>
    public RunResult Run(string fileName, IEnumerable<string> arguments, string workingDirectory, bool check = true, TimeSpan? timeout = null,
                         IReadOnlyDictionary<string, string?>? environment = null)
    {
        var args = arguments.ToList();
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment is null ? _environment : _environment.Concat(environment))
        {
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        var clock = Stopwatch.StartNew();
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var limit = timeout ?? TimeSpan.FromMinutes(10);
        if (!process.WaitForExit((int)limit.TotalMilliseconds))
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new BenchException($"'{fileName} {string.Join(' ', args)}' did not finish within {limit}.");
        }
        process.WaitForExit();
        clock.Stop();

        var commandLine = fileName + " " + string.Join(' ', args.Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
        string text;
        lock (output) text = output.ToString();
        var result = new RunResult(process.ExitCode, text, clock.Elapsed.TotalMilliseconds, commandLine);
        File.AppendAllText(_logFile, $"[{DateTime.UtcNow:HH:mm:ss}] ({workingDirectory}) {commandLine}\n  exit {result.ExitCode}, {result.Milliseconds:F0} ms\n");
        if (check && result.ExitCode != 0)
        {
            File.AppendAllText(_logFile, text + "\n");
            throw new BenchException($"command failed (exit {result.ExitCode}): {commandLine}\n  in {workingDirectory}\n{result.Tail()}");
        }
        return result;
    }

    /// <summary>
    /// The environment of every child: the benchmark's own package cache, no telemetry or first-run noise, and
    /// nothing inherited from a parent MSBuild (the smoke test runs inside `dotnet test`).
    /// </summary>
    /// <remarks>
    /// With node reuse (the default) the compiler server is left at its default (on) too, as on a developer's machine,
    /// even where the environment turned it off (UseSharedCompilation=false). Without node reuse both are off, so a
    /// run leaves no process behind; with it, <see cref="EndLeftovers"/> ends the ones this run started.
    /// </remarks>
    public static Dictionary<string, string?> ChildEnvironment(string packages, bool noNodeReuse, string runMarker)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.Equals("UseSharedCompilation", StringComparison.OrdinalIgnoreCase))
                env[key] = null;
        env[MarkerVariable] = runMarker;
        env["NUGET_PACKAGES"] = packages;
        env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        env["DOTNET_NOLOGO"] = "1";
        env["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        env["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false";
        env["MSBUILDTERMINALLOGGER"] = "off";
        if (noNodeReuse)
        {
            env["MSBUILDDISABLENODEREUSE"] = "1";
            env["UseSharedCompilation"] = "false";
        }
        return env;
    }

    /// <summary>Set in every child's environment, unique to the run: how <see cref="EndLeftovers"/> knows its own processes.</summary>
    public const string MarkerVariable = "SPARKSHIP_BENCH_RUN";

    /// <summary>
    /// Ends, by process id, the processes this run started that are still running: MSBuild's reusable nodes and the
    /// compiler server (they would otherwise idle for minutes). A process is this run's only if its environment
    /// carries this run's marker; nothing else is touched.
    /// </summary>
    public static int EndLeftovers(string runMarker)
    {
        int ended = 0;
        var wanted = System.Text.Encoding.UTF8.GetBytes(MarkerVariable + "=" + runMarker + "\0");
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                var environ = File.ReadAllBytes(Path.Combine(dir, "environ"));
                if (environ.AsSpan().IndexOf(wanted) < 0) continue;
                using var process = Process.GetProcessById(pid);
                process.Kill();
                ended++;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is InvalidOperationException
                                      || e is System.ComponentModel.Win32Exception)
            {
                // gone already, or not ours to read
            }
        }
        return ended;
    }
}
