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

    /// <summary>
    /// The fewest calls for one (tenant, endpoint): the list's <see cref="MinimumCalls(SimulatedEndpoint, int)"/>, plus one
    /// <c>GET /{endpoint}/{id}</c> per record where the by-id call serves more than the list (<see cref="HasDetails"/>);
    /// with <paramref name="changedSince"/>, only per record whose UpdatedDateUTC is at or after it (records without one always).
    /// </summary>
    public static int MinimumCalls(SimulatorState state, string tenantId, SimulatedEndpoint endpoint, int records, DateTimeOffset? changedSince = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(endpoint);
        return MinimumCalls(endpoint, records) + (HasDetails(state, endpoint.Name) ? DetailCalls(state, tenantId, endpoint.Name, changedSince) : 0);
    }

    /// <summary>Whether the simulator's by-id call serves any record of the endpoint differently from its list call (Budgets' lines, groups' members).</summary>
    public static bool HasDetails(SimulatorState state, string endpoint)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Tenants.Any(t =>
        {
            var listed = state.GetRecords(t.TenantId, endpoint);
            return state.GetRecordDetails(t.TenantId, endpoint).Any(d => !listed.TryGetValue(d.Key, out var json) || json != d.Value);
        });
    }

    /// <summary>By-id calls a sync needs: one per listed record, or per record changed at or after <paramref name="changedSince"/>.</summary>
    public static int DetailCalls(SimulatorState state, string tenantId, string endpoint, DateTimeOffset? changedSince)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.GetRecords(tenantId, endpoint).Values.Count(json =>
        {
            if (changedSince is not { } since)
            {
                return true;
            }

            using var document = System.Text.Json.JsonDocument.Parse(json);
            return !document.RootElement.TryGetProperty("UpdatedDateUTC", out var updated) ||
                   TruthValue.Instant(updated.GetString()!) >= DateTimeOffset.FromUnixTimeSeconds(since.ToUnixTimeSeconds()).UtcDateTime;
        });
    }

    /// <summary>Where a detail endpoint lands: <c>{table}_details</c> (README: budgets_details, contact_groups_details).</summary>
    public static string DetailTableName(string endpoint) => TableName(endpoint) + "_details";

    public static SimulatedEndpoint Rules(this SimulatorState state, string endpoint)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.EndpointRules.Single(e => e.Name == endpoint);
    }
}
