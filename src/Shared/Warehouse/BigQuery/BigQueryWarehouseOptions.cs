using XeroSync.Google.BigQuery;

namespace XeroSync.Warehouse.BigQuery;

/// <summary>Where <see cref="BigQueryWarehouse"/> loads from and to.</summary>
/// <param name="ProjectId">The project that holds both datasets (used in the view SQL).</param>
/// <param name="Bucket">The Cloud Storage bucket the page objects live in (source URIs <c>gs://{Bucket}/{name}</c>).</param>
public sealed record BigQueryWarehouseOptions(string ProjectId, string Bucket)
{
    /// <summary>BigQuery accepts at most this many source URIs per load job.</summary>
    public const int MaxSourceUrisPerJob = 10_000;

    /// <summary>Append-only raw tables, one per endpoint.</summary>
    public string RawDataset { get; init; } = "xero_raw";

    /// <summary>Latest-version views, one per endpoint.</summary>
    public string ViewsDataset { get; init; } = "xero";

    /// <summary>Typed views over the latest views (<see cref="Typed.TypedViewCatalog"/>).</summary>
    public string TypedDataset { get; init; } = Typed.TypedViewCatalog.DefaultSchema;

    /// <summary>Dataset and job location; must be co-located with <see cref="Bucket"/> (e.g. <c>EU</c>). Null: BigQuery's default (US).</summary>
    public string? Location { get; init; }

    /// <summary>How load jobs are polled.</summary>
    public BigQueryPollOptions Poll { get; init; } = BigQueryPollOptions.Default;

    /// <summary>Source URIs per load job (BigQuery's limit is 10,000); more objects are split into jobs <c>{jobId}_{n}</c>.</summary>
    public int SourceUrisPerJob { get; init; } = MaxSourceUrisPerJob;
}
