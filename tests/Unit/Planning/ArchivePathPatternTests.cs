using SparkShip.Tasks.Planning;
using Xunit;

namespace SparkShip.Tests.Planning;

public sealed class ArchivePathPatternTests
{
    [Theory]
    // '*' within one segment
    [InlineData("data/*.txt", "data/words.txt", true)]
    [InlineData("data/*.txt", "data/sub/words.txt", false)]
    [InlineData("data/*.txt", "other/words.txt", false)]
    [InlineData("data/*", "data/words.txt", true)]
    [InlineData("data/*", "data/sub/words.txt", false)]
    [InlineData("*/x.so", "a/x.so", true)]
    [InlineData("*/x.so", "a/b/x.so", false)]
    [InlineData("runtimes/*/native/*", "runtimes/linux-x64/native/libx.so", true)]
    // '?' is one character, never '/'
    [InlineData("A?.dll", "Ab.dll", true)]
    [InlineData("A?.dll", "A.dll", false)]
    [InlineData("A?.dll", "Abc.dll", false)]
    [InlineData("x/a?b", "x/a/b", false)]
    [InlineData("x/a?b", "x/acb", true)]
    // '**' crosses folders; '**/' also matches no folder at all
    [InlineData("**/*.xml", "Lib.xml", true)]
    [InlineData("**/*.xml", "docs/api/Lib.xml", true)]
    [InlineData("**/*.xml", "docs/Lib.xmlx", false)]
    [InlineData("data/**", "data/a/b/c.txt", true)]
    [InlineData("data/**", "database/c.txt", false)]
    [InlineData("sub/**/x.txt", "sub/x.txt", true)]
    [InlineData("sub/**/x.txt", "sub/a/b/x.txt", true)]
    [InlineData("sub/**/x.txt", "sub/a/b/y.txt", false)]
    [InlineData("sub/**/x.txt", "other/sub/x.txt", false)]
    [InlineData("**", "anything/at/all.bin", true)]
    [InlineData("**.pdb", "deep/er/Lib.pdb", true)]
    // no '/': the file name, in any folder
    [InlineData("*.pdb", "Lib.pdb", true)]
    [InlineData("*.pdb", "a/b/Lib.pdb", true)]
    [InlineData("Lib.pdb", "a/b/Lib.pdb", true)]
    [InlineData("Lib.pdb", "a/b/MyLib.pdb", false)]
    [InlineData("foo*", "foodir/bar.txt", false)]
    [InlineData("data", "data/words.txt", false)]
    // with '/': anchored at the root
    [InlineData("b/Lib.pdb", "a/b/Lib.pdb", false)]
    [InlineData("/data/*.txt", "data/words.txt", true)]
    [InlineData(@"data\*.txt", "data/words.txt", true)]
    [InlineData("  *.md  ", "notes/readme.md", true)]
    // case-insensitive; regex characters are literal
    [InlineData("*.PDB", "lib/x.pdb", true)]
    [InlineData("DATA/Words.TXT", "data/words.txt", true)]
    [InlineData("a.dll", "aXdll", false)]
    [InlineData("lib+(1).dll", "lib+(1).dll", true)]
    [InlineData("[ab].txt", "a.txt", false)]
    [InlineData("[ab].txt", "[ab].txt", true)]
    public void IsMatch(string pattern, string path, bool expected) =>
        Assert.Equal(expected, new ArchivePathPattern(pattern).IsMatch(path));

    [Fact]
    public void Pattern_is_normalized()
    {
        Assert.Equal("data/*.txt", new ArchivePathPattern(@" \data\*.txt ").Pattern);
    }

    [Theory]
    [InlineData("*.pdb", true)]
    [InlineData("a?.txt", true)]
    [InlineData("data/words.txt", false)]
    public void Is_pattern(string text, bool expected) => Assert.Equal(expected, ArchivePathPattern.IsPattern(text));
}
