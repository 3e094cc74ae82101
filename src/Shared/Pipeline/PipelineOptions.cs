using System.ComponentModel.DataAnnotations;

namespace XeroSync.Pipeline;

/// <summary>How fetch work is cut into messages and how long a handler may wait.</summary>
public sealed class PipelineOptions
{
    /// <summary>Pages per FetchRequest once an endpoint's page count is known (more messages = more parallelism).</summary>
    [Range(1, 100)]
    public int PagesPerMessage { get; set; } = 5;

    /// <summary>Sequential endpoints (Journals, Quotes, LinkedTransactions): pages one message reads before publishing its continuation.</summary>
    [Range(1, 100)]
    public int ChainLength { get; set; } = 10;

    /// <summary>
    /// The next incremental read starts this long before the run started, so clock skew between us and
    /// Xero cannot lose a change; re-read records are deduplicated by the latest views.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan WatermarkOverlap { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Longest wait for a rate-limit permit inside one message. Infinite locally; in the cloud a little
    /// under the push subscription's ack deadline, after which the message is nacked and redelivered.
    /// </summary>
    public TimeSpan MaxPermitWait { get; set; } = Timeout.InfiniteTimeSpan;
}
