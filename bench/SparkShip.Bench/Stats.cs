namespace SparkShip.Bench;

/// <summary>Order statistics of a small sample (no mean: build times are skewed by the odd slow run).</summary>
internal sealed class Summary
{
    public Summary(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("no samples");
        Samples = samples.ToArray();
        var sorted = samples.OrderBy(x => x).ToArray();
        Median = Quantile(sorted, 0.5);
        Q1 = Quantile(sorted, 0.25);
        Q3 = Quantile(sorted, 0.75);
        Min = sorted[0];
        Max = sorted[^1];
    }

    public double[] Samples { get; }
    public double Median { get; }
    public double Q1 { get; }
    public double Q3 { get; }
    public double Min { get; }
    public double Max { get; }
    public int Count => Samples.Length;

    /// <summary>Linear interpolation between closest ranks (the usual "type 7" quantile).</summary>
    private static double Quantile(double[] sorted, double p)
    {
        if (sorted.Length == 1) return sorted[0];
        double h = (sorted.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
