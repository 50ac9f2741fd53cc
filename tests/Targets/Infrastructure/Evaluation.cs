using Microsoft.Build.Construction;
using Microsoft.Build.Evaluation;

namespace SparkShip.Sdk.TargetTests.Infrastructure;

/// <summary>An item with its evaluated metadata (from an evaluation or from a build's project instance).</summary>
public sealed record TestItem(string ItemSpec, IReadOnlyDictionary<string, string> Metadata)
{
    public string FullPath => this["FullPath"];
    public string this[string name] => Metadata.TryGetValue(name, out var v) ? v : "";
    public override string ToString() => ItemSpec;
}

/// <summary>The project as evaluated (before any target runs): what a user or the IDE sees of its properties and items.</summary>
public sealed class Evaluation
{
    public Evaluation(Project project) => Project = project;

    public Project Project { get; }

    public string Property(string name) => Project.GetPropertyValue(name);

    public IReadOnlyList<TestItem> Items(string type) => Project.GetItems(type)
        .Select(i => new TestItem(i.EvaluatedInclude, i.Metadata.ToDictionary(m => m.Name, m => m.EvaluatedValue)
            .Concat(new[] { KeyValuePair.Create("FullPath", i.GetMetadataValue("FullPath")) }).ToDictionary()))
        .ToList();

    /// <summary>Expands an MSBuild expression (properties, item lists, property functions) in this project.</summary>
    public string Expand(string expression) => Project.ExpandString(expression);

    /// <summary>UsingTask declarations of the files imported from <paramref name="folder"/> (e.g. the SDK's sources).</summary>
    public IReadOnlyList<ProjectUsingTaskElement> UsingTasksFrom(string folder) => Project.Imports
        .Where(i => i.ImportedProject.FullPath.StartsWith(folder, StringComparison.Ordinal))
        .SelectMany(i => i.ImportedProject.UsingTasks)
        .ToList();
}
