using System.Globalization;

namespace XeroSync.Bench;

/// <summary><c>[--quick] [--only 1,3] [--out path.json] [--serial] [--sizes 500000]</c>.</summary>
/// <param name="Sizes">Figure 3 only: the organisation sizes (records) to sync instead of its two, e.g. one size at a time.</param>
/// <param name="Tenants">Figure 2 only: the organisation counts to run instead of its three (1, 20, 100).</param>
public sealed record BenchArguments(bool Quick, IReadOnlySet<int> Only, string Output, bool Serial, IReadOnlyList<int>? Sizes = null, IReadOnlyList<int>? Tenants = null)
{
    public const string Usage = "Usage: dotnet run -c Release --project bench/XeroSync.Bench -- [--quick] [--only N[,N...]] [--out results.json] [--serial] [--sizes N[,N...]] [--tenants N[,N...]]";

    public static BenchArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var quick = false;
        var serial = false;
        var only = new HashSet<int>();
        string? output = null;
        List<int>? sizes = null;
        List<int>? tenants = null;
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
                case "--sizes" when i + 1 < args.Count:
                    sizes = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
                    break;
                case "--tenants" when i + 1 < args.Count:
                    tenants = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
                    if (tenants.Any(t => t < 1))
                    {
                        throw new ArgumentException($"--tenants takes organisation counts of 1 or more. {Usage}");
                    }

                    break;
                case "--out" when i + 1 < args.Count:
                    output = args[++i];
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. {Usage}");
            }
        }

        return new BenchArguments(quick, only, output ?? Path.Combine("bench", "results", quick ? "quick.json" : "full.json"), serial, sizes, tenants);
    }

    public bool Selected(int figure) => Only.Count == 0 || Only.Contains(figure);
}
