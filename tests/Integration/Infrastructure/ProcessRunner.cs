using System.Diagnostics;
using System.Text;

namespace SparkShip.Sdk.IntegrationTests.Infrastructure;

public sealed record ProcessResult(int ExitCode, string Output, string CommandLine)
{
    /// <summary>Standard error alone (also interleaved in <see cref="Output"/>).</summary>
    public string Error { get; init; } = "";

    /// <summary>The command, its exit code, and the end of its output (where errors are).</summary>
    public override string ToString()
    {
        var lines = Output.Split('\n');
        var tail = lines.Length > 60 ? "…\n" + string.Join('\n', lines[^60..]) : Output;
        return $"$ {CommandLine}\n(exit {ExitCode})\n{tail}";
    }
}

/// <summary>Runs a process to completion, stdout and stderr interleaved into one text, with a hard time limit.</summary>
public static class ProcessRunner
{
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        if (environment != null)
            foreach (var (key, value) in environment)
            {
                if (value is null) info.Environment.Remove(key);
                else info.Environment[key] = value;
            }

        var output = new StringBuilder();
        var error = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) { output.AppendLine(e.Data); error.AppendLine(e.Data); } };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var limit = timeout ?? TimeSpan.FromMinutes(5);
        if (!process.WaitForExit((int)limit.TotalMilliseconds))
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish within {limit}.\n{output}");
        }
        process.WaitForExit();
        var commandLine = fileName + " " + string.Join(' ', arguments.Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
        lock (output) return new ProcessResult(process.ExitCode, output.ToString(), commandLine) { Error = error.ToString() };
    }
}
