using XeroSync.Messaging.Local;
using XeroSync.Pipeline;
using XeroSync.RateLimiting;
using XeroSync.Xero;

namespace XeroSync.Cli.Local;

/// <summary>Everything the local shape needs: where its data lives and how to reach Xero.</summary>
public sealed record LocalPipelineSettings(string DataDirectory, XeroOptions Xero)
{
    public RateLimitOptions RateLimits { get; init; } = new();

    public PipelineOptions Pipeline { get; init; } = new();

    public InProcessQueueOptions Queue { get; init; } = new();

    public string ObjectsDirectory => Path.Combine(DataDirectory, "objects");

    public string DeadLetterDirectory => Path.Combine(DataDirectory, "dead-letter");

    public string WarehousePath => Path.Combine(DataDirectory, "warehouse.duckdb");
}
