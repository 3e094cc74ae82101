using System.ComponentModel.DataAnnotations;

namespace XeroSync.Pipeline;

/// <summary>How fetch work is cut into messages and how long a delivery may take.</summary>
public sealed class PipelineOptions
{
    /// <summary>Pages per FetchRequest once an endpoint's page count is known (more messages = more parallelism).</summary>
    [Range(1, 100)]
    public int PagesPerMessage { get; set; } = 5;

    /// <summary>Sequential endpoints (Journals, Quotes, LinkedTransactions): pages one message reads before publishing its continuation.</summary>
    [Range(1, 100)]
    public int ChainLength { get; set; } = 10;

    /// <summary>
    /// Re-reads of a paged or page-only endpoint whose reads do not account for what Xero holds (records moved
    /// while it was read) before it is given up as partial. Each re-read reads the endpoint once more, in page order.
    /// </summary>
    [Range(0, 10)]
    public int MaxRereads { get; set; } = 2;

    /// <summary>
    /// The next incremental read starts this long before the run started, so clock skew between us and
    /// Xero cannot lose a change; re-read records are deduplicated by the latest views.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan WatermarkOverlap { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The time one delivery may spend waiting (for rate-limit permits, for a page another delivery holds) from
    /// the moment it starts: its deadline. Infinite locally; in the cloud the push ack deadline less a margin,
    /// after which the delivery nacks and Pub/Sub redelivers.
    /// </summary>
    public TimeSpan DeliveryBudget { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// How long a page's lease lasts without renewal. The holder renews it every third of this while it works,
    /// so a crashed holder's page is free again within this time and another delivery takes it over without
    /// spending a delivery attempt.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PageLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reconcile runs: the calls of each organisation's remaining day budget kept for incremental syncs. Hourly syncs of the
    /// 27 endpoints take about 24 x 27 = 648 calls a day when little changes; 1,500 leaves room for their changed pages too.
    /// A reconcile may spend what Xero says remains today (<c>X-DayLimit-Remaining</c>) less this.
    /// </summary>
    [Range(0, 5000)]
    public int ReconcileReserve { get; set; } = 1500;

    /// <summary>
    /// Reconcile runs: how often an endpoint that offers <c>summaryOnly</c> (Invoices, Contacts) is read in full rather than
    /// ID-swept, for edits that do not bump UpdatedDateUTC. Other endpoints are read in full on every reconcile (a full read
    /// costs the same calls as any ID sweep Xero allows there).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "90.00:00:00")]
    public TimeSpan FullRefreshEvery { get; set; } = TimeSpan.FromDays(7);
}
