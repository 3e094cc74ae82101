using System.Globalization;

namespace XeroSync.Bench;

/// <summary><c>[--quick] [--only 1,3] [--out path.json] [--serial]</c>.</summary>
public sealed record BenchArguments(bool Quick, IReadOnlySet<int> Only, string Output, bool Serial)
{
    public const string Usage = "Usage: dotnet run -c Release --project bench/XeroSync.Bench -- [--quick] [--only N[,N...]] [--out results.json] [--serial]";

    public static BenchArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var quick = false;
        var serial = false;
        var only = new HashSet<int>();
        string? output = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--serial":
                    serial = true;
                    break;
                case "--only" when i + 1 < args.Count:
                    foreach (var part in args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries))
                    {
                        only.Add(int.Parse(part, CultureInfo.InvariantCulture));
                    }

                    break;
                case "--out" when i + 1 < args.Count:
                    output = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. {Usage}");
            }
        }

        return new BenchArguments(quick, only, output ?? Path.Combine("bench", "results", quick ? "quick.json" : "full.json"), serial);
    }

    public bool Selected(int figure) => Only.Count == 0 || Only.Contains(figure);
}
