using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using SparkShip.Sdk.IntegrationTests.Infrastructure;

namespace SparkShip.Sdk.IntegrationTests.Robustness;

/// <summary>
/// A command (normally `dotnet build`) started in a process group of its own through setsid(1), so that the test
/// can SIGKILL the whole build — the dotnet host, MSBuild's worker nodes, the compiler — the way a crash, an OOM
/// killer or a CI timeout does, and no process of the test host's group is hit.
/// </summary>
public sealed class GroupProcess : IDisposable
{
    private const int SigKill = 9;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private GroupProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
    }

    public string CommandLine { get; }
    public int ProcessGroup { get; private set; }
    public TimeSpan Elapsed => _clock.Elapsed;
    public bool HasExited => _process.HasExited;
    public bool Killed { get; private set; }

    public static bool Supported => OperatingSystem.IsLinux() && (File.Exists("/usr/bin/setsid") || File.Exists("/bin/setsid"));

    public static GroupProcess Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] command)
    {
        var info = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in command) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment)
        {
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        }
        var process = new Process { StartInfo = info };
        var group = new GroupProcess(process, string.Join(' ', command.Select(a => a.Contains(' ') ? $"\"{a}\"" : a)));
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (group._output) group._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (group._output) group._output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // The child is not a group leader, so setsid(1) calls setsid(2) and execs in place: the group is its pid.
        group.ProcessGroup = ReadProcessGroup(process.Id) ?? process.Id;
        for (int i = 0; i < 200 && group.ProcessGroup != process.Id && !process.HasExited; i++)
        {
            Thread.Sleep(5);
            group.ProcessGroup = ReadProcessGroup(process.Id) ?? process.Id;
        }
        return group;
    }

    /// <summary>SIGKILL to every process of the group (kill -KILL -&lt;pgid&gt;), then waits until none of them runs.</summary>
    public void KillGroup()
    {
        if (ProcessGroup <= 1) throw new InvalidOperationException("no process group");
        Killed = true;
        kill(-ProcessGroup, SigKill);
        _process.WaitForExit(30_000);
        WaitUntilGroupGone(TimeSpan.FromSeconds(30));
    }

    /// <summary>Waits for the command; kills the group and throws if it takes longer than <paramref name="timeout"/>.</summary>
    public ProcessResult WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit((int)timeout.TotalMilliseconds))
        {
            KillGroup();
            throw new TimeoutException($"'{CommandLine}' did not finish within {timeout}; killed.\n{Output}");
        }
        _process.WaitForExit();
        WaitUntilGroupGone(TimeSpan.FromSeconds(30));
        return new ProcessResult(_process.ExitCode, Output, CommandLine);
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>No process of the group is left running (zombies waiting for init to reap them do not count).</summary>
    private void WaitUntilGroupGone(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until && LiveMembers().Any()) Thread.Sleep(20);
    }

    private IEnumerable<int> LiveMembers()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            var stat = ReadStat(pid);
            if (stat is { } s && s.Group == ProcessGroup && s.State != 'Z') yield return pid;
        }
    }

    private static int? ReadProcessGroup(int pid) => ReadStat(pid)?.Group;

    private static (char State, int Group)? ReadStat(int pid)
    {
        try
        {
            // "pid (comm) state ppid pgrp …": comm may contain spaces and parentheses, so parse after the last ')'.
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[2]));
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is FormatException || e is IndexOutOfRangeException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) KillGroup(); }
        finally { _process.Dispose(); }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
