using XeroSync.Xero;

namespace XeroSync.Warehouse;

/// <summary>
/// Raw tables (<c>xero_raw.{table}</c>, append-only) and latest views (<c>xero.{table}</c>, one row per
/// (tenant_id, record_id)). DuckDB locally, BigQuery in the cloud.
/// </summary>
public interface IWarehouse
{
    /// <summary>Creates the raw tables and latest views that do not exist yet.</summary>
    Task EnsureTablesAsync(IReadOnlyCollection<XeroEndpoint> endpoints, CancellationToken cancellationToken);

    /// <summary>
    /// Loads the job's objects into the endpoint's raw table and returns the rows the job loaded.
    /// A job id that was already loaded is not loaded again; its earlier row count is returned.
    /// </summary>
    Task<long> LoadAsync(LoadJob job, CancellationToken cancellationToken);

    /// <summary>
    /// Loads a run's usage object into <c>xero_raw.api_usage</c> (append-only; a run recorded again after a retry adds rows
    /// recorded later) under which the view <c>xero.api_usage</c> answers per organisation and UTC day: calls, bytes
    /// received, bytes decoded (each run's latest record). A job id already loaded is not loaded again.
    /// </summary>
    Task<long> LoadUsageAsync(UsageLoad load, CancellationToken cancellationToken);

    /// <summary>
    /// The record ids the endpoint's latest view holds for the tenant that are not marked deleted and whose latest row was
    /// fetched before <paramref name="fetchedBefore"/> (a reconcile compares them with the ids Xero returned).
    /// </summary>
    Task<IReadOnlyList<string>> GetLiveIdsAsync(string tenantId, XeroEndpoint endpoint, DateTimeOffset fetchedBefore, CancellationToken cancellationToken);

    /// <summary>
    /// How many records <see cref="GetLiveIdsAsync"/> would list, counted by the warehouse without listing them (a plan's
    /// estimate of a full read).
    /// </summary>
    Task<int> CountLiveRecordsAsync(string tenantId, XeroEndpoint endpoint, DateTimeOffset fetchedBefore, CancellationToken cancellationToken);
}
