namespace SparkShip.Bench;

internal static class Program
{
    public static int Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine("bench: " + e.Message);
            Console.Error.WriteLine(Options.Usage);
            return 2;
        }
        if (options.Help)
        {
            Console.WriteLine(Options.Usage);
            return 0;
        }
        try
        {
            new Benchmark(options).Run();
            return 0;
        }
        catch (BenchException e)
        {
            Console.Error.WriteLine("bench: " + e.Message);
            return 1;
        }
    }
}
