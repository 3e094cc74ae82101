using System.Text;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// Expectations computed from the simulator's own rules and records, never from src/Shared's catalog: the table
/// an endpoint lands in (DESIGN.md: snake_case of Xero's name) and the fewest calls Xero's paging allows.
/// </summary>
internal static class SimulatorTruth
{
    /// <summary><c>BankTransactions</c> -> <c>bank_transactions</c>, as the design's contract names raw tables and views.</summary>
    public static string TableName(string endpoint)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < endpoint.Length; i++)
        {
            if (char.IsUpper(endpoint[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(endpoint[i]));
        }

        return builder.ToString();
    }

    /// <summary>
    /// The fewest calls for <paramref name="records"/> records: page+size endpoints report pageCount (one call even when
    /// empty); fixed-size sequential endpoints (page, offset) need one more call to see a short page; one call otherwise.
    /// </summary>
    public static int MinimumCalls(SimulatedEndpoint endpoint, int records)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.Paging switch
        {
            "page+size" => Math.Max(1, (records + endpoint.FullPage - 1) / endpoint.FullPage),
            "page" or "offset" => (records / endpoint.FullPage) + 1,
            _ => 1,
        };
    }

    public static SimulatedEndpoint Rules(this SimulatorState state, string endpoint)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.EndpointRules.Single(e => e.Name == endpoint);
    }
}
