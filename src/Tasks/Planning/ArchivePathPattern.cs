using System;
using System.Text;
using System.Text.RegularExpressions;

namespace SparkShip.Tasks.Planning;

/// <summary>
/// A glob over '/'-separated archive paths: '**' crosses folders, '*' and '?' do not. A pattern without '/'
/// matches the file name in any folder (as in .gitignore). Case-insensitive, like the file systems workers may use.
/// </summary>
public sealed class ArchivePathPattern
{
    private readonly Regex _regex;
    private readonly bool _nameOnly;

    public ArchivePathPattern(string pattern)
    {
        pattern = pattern.Trim().Replace('\\', '/').TrimStart('/');
        Pattern = pattern;
        _nameOnly = pattern.IndexOf('/') < 0 && pattern.IndexOf("**", StringComparison.Ordinal) < 0;
        var regex = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                bool slashAfter = i + 2 < pattern.Length && pattern[i + 2] == '/';
                regex.Append(slashAfter ? "(?:.*/)?" : ".*");
                i += slashAfter ? 2 : 1;
            }
            else if (c == '*') regex.Append("[^/]*");
            else if (c == '?') regex.Append("[^/]");
            else regex.Append(Regex.Escape(c.ToString()));
        }
        regex.Append('$');
        _regex = new Regex(regex.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    public string Pattern { get; }

    public static bool IsPattern(string text) => text.IndexOfAny(new[] { '*', '?' }) >= 0;

    public bool IsMatch(string archivePath)
    {
        if (_nameOnly)
        {
            int slash = archivePath.LastIndexOf('/');
            return _regex.IsMatch(slash < 0 ? archivePath : archivePath.Substring(slash + 1));
        }
        return _regex.IsMatch(archivePath);
    }
}
