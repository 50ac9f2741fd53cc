using Xunit;

namespace SparkShip.Sdk.IntegrationTests.Robustness;

/// <summary>
/// The robustness scenarios run one after another (each already starts several builds at once or kills builds at
/// chosen moments; two of them side by side on a 2-core CI machine would only blur those moments), in parallel with
/// the rest of the suite.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RobustnessCollection
{
    public const string Name = "Robustness";
}
