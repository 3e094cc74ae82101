using XeroSync.Xero;

namespace XeroSync.Tests.Warehouse;

/// <summary>
/// The BigQuery tables the emitted SQL reads, described here from the design's contract rather than from the code under
/// test: every raw table <c>`my-project.xero_raw.{table}`</c> and every latest view <c>`my-project.xero.{table}`</c> has
/// the columns README lists (tenant_id, record_id, updated_at, run_id, page, fetched_at, payload, deleted_at), payload
/// being BigQuery's JSON type (DESIGN.md: "payload JSON").
/// </summary>
internal static class BigQueryTestCatalog
{
    public const string Project = "my-project";

    public static IReadOnlyList<(string Name, string Type)> RawColumns { get; } =
    [
        ("tenant_id", "STRING"), ("record_id", "STRING"), ("updated_at", "TIMESTAMP"), ("run_id", "STRING"),
        ("page", "INT64"), ("fetched_at", "TIMESTAMP"), ("payload", "JSON"), ("deleted_at", "TIMESTAMP"),
    ];

    /// <summary>The reconcile's live-id query parameters: a tenant id and the reconcile's start.</summary>
    public static IReadOnlyList<(string Name, string Type)> Parameters { get; } = [("tenant", "STRING"), ("before", "TIMESTAMP")];

    public static IReadOnlyList<(string Name, IReadOnlyList<(string Name, string Type)> Columns)> Tables() =>
        [.. EndpointCatalog.Tables.SelectMany(e => new[] { ($"{Project}.xero_raw.{e.TableName}", RawColumns), ($"{Project}.xero.{e.TableName}", RawColumns) })];
}
