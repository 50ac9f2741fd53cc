using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Infrastructure;

/// <summary>The spark-submit command a build printed (SparkSubmitCommand), joined into one line.</summary>
public static class PrintedCommand
{
    /// <summary>From the line that starts it (after an environment prefix, if any) to the last continued line.</summary>
    public static string In(string output)
    {
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        int start = lines.FindIndex(l => l.StartsWith("spark-submit") || l.Contains(" spark-submit"));
        Assert.True(start >= 0, "no spark-submit command in the output:\n" + output);
        var command = new List<string>();
        for (int i = start; i < lines.Count; i++)
        {
            command.Add(lines[i].TrimEnd('\\').Trim());
            if (!lines[i].EndsWith("\\")) break;
        }
        return string.Join(" ", command);
    }
}
