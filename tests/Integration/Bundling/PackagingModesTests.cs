using SparkShip.Sdk.IntegrationTests.Infrastructure;
using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Bundling;

public class PackagingModesTests
{
    [Fact]
    public void The_package_also_works_as_a_PackageReference()
    {
        var p = new TestProject("packageref");
        p.Write("App/App.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net8.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SparkShip.Sdk" Version="{p.Env.SdkVersion}" PrivateAssets="all" />
                <PackageReference Include="Humanizer.Core" Version="{Scenarios.HumanizerVersion}" />
              </ItemGroup>
            </Project>
            """);
        p.Write("App/Program.cs", "System.Console.WriteLine(SparkShip.SparkBundle.AppArchive);");

        p.Build("App/App.csproj").AssertSuccess();

        var bundle = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle"));
        Assert.Contains("App.dll", bundle.AppEntries);
        Assert.Equal(new[] { "Humanizer.dll" }, bundle.DependencyEntries);
    }

    [Fact]
    public void Satellite_assemblies_keep_their_culture_folder()
    {
        var p = Scenarios.AppWithLibrary(extraAppItems: """
            <EmbeddedResource Update="Strings.resx" GenerateSource="true" />
            """);
        const string resx = """
            <?xml version="1.0" encoding="utf-8"?>
            <root>
              <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
              <resheader name="version"><value>2.0</value></resheader>
              <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
              <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
              <data name="Hello" xml:space="preserve"><value>VALUE</value></data>
            </root>
            """;
        p.Write("App/Strings.resx", resx.Replace("VALUE", "Hello"));
        p.Write("App/Strings.fr.resx", resx.Replace("VALUE", "Bonjour"));

        p.Build("App/App.csproj").AssertSuccess();

        var entries = new Bundle(p.PathOf("App/bin/Debug/net8.0/spark-bundle")).AppEntries;
        Assert.Contains("fr/App.resources.dll", entries);
        Assert.DoesNotContain("App.resources.dll", entries);
    }
}
