using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace XeroSync.Pipeline;

/// <summary>How fetch work is cut into messages and how long a delivery may take.</summary>
public sealed class PipelineOptions
{
    /// <summary>A megabyte as the egress budgets count it (Xero's allowances are in decimal units).</summary>
    public const long BytesPerMegabyte = 1_000_000;

    private const decimal MaxEgressBudgetMegabytes = 1_000_000;

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

    /// <summary>
    /// The app's monthly egress budget (every organisation together): bytes received from Xero in a calendar month (UTC), on the
    /// wire, as Xero's egress allowance counts them. Reconciles plan within it; incremental syncs are only reported against it.
    /// Null: no budget.
    /// </summary>
    public long? EgressBudgetBytes { get; set; }

    /// <summary>Each organisation's monthly egress budget (bytes received a calendar month, UTC), as <see cref="EgressBudgetBytes"/>; null: none.</summary>
    public long? TenantEgressBudgetBytes { get; set; }

    /// <summary>
    /// Reads the tuning variables into these options: <c>XEROSYNC_RECONCILE_RESERVE_CALLS</c> (<see cref="ReconcileReserve"/>,
    /// whole calls 0 to 5000), <c>XEROSYNC_FULL_REFRESH_DAYS</c> (<see cref="FullRefreshEvery"/>, whole days 0 to 90; 0: a full
    /// refresh on every reconcile), <c>XEROSYNC_MAX_REREADS</c> (<see cref="MaxRereads"/>, 0 to 10),
    /// <c>XEROSYNC_PAGES_PER_MESSAGE</c> and <c>XEROSYNC_CHAIN_LENGTH</c> (1 to 100), <c>XEROSYNC_WATERMARK_OVERLAP_SECONDS</c>
    /// (0 to 86400), <c>XEROSYNC_PAGE_LEASE_SECONDS</c> (1 to 600), <c>XEROSYNC_EGRESS_BUDGET_MB</c> and
    /// <c>XEROSYNC_TENANT_EGRESS_BUDGET_MB</c> (<see cref="EgressBudgetBytes"/>, <see cref="TenantEgressBudgetBytes"/>: megabytes of
    /// 1,000,000 bytes, 0 to 1,000,000 with up to 6 decimals); unset or empty keeps the default. The one path the services and the CLI share: each bad value is returned as a problem naming its
    /// variable, to report at start (empty when all are good).
    /// </summary>
    public IReadOnlyList<string> ReadEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var problems = new List<string>();
        int? Optional(string name, int min, int max, string what)
        {
            var value = environment(name);
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }

            if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
            {
                return number;
            }

            problems.Add($"{name} must be a whole number from {min} to {max} ({what}); got '{Identifiers.Printable(value)}'.");
            return null;
        }

        if (Optional("XEROSYNC_RECONCILE_RESERVE_CALLS", 0, 5000, "calls of each organisation's day kept for incremental syncs when a reconcile runs") is { } reserve)
        {
            ReconcileReserve = reserve;
        }

        if (Optional("XEROSYNC_FULL_REFRESH_DAYS", 0, 90, "days between full refreshes of Invoices and Contacts in a reconcile") is { } days)
        {
            FullRefreshEvery = TimeSpan.FromDays(days);
        }

        if (Optional("XEROSYNC_MAX_REREADS", 0, 10, "re-reads of an endpoint whose records moved while it was read") is { } rereads)
        {
            MaxRereads = rereads;
        }

        if (Optional("XEROSYNC_PAGES_PER_MESSAGE", 1, 100, "pages one fetch message carries") is { } pages)
        {
            PagesPerMessage = pages;
        }

        if (Optional("XEROSYNC_CHAIN_LENGTH", 1, 100, "pages one message of a sequential endpoint reads before its continuation") is { } chain)
        {
            ChainLength = chain;
        }

        if (Optional("XEROSYNC_WATERMARK_OVERLAP_SECONDS", 0, 86400, "seconds an incremental read starts before the last run started") is { } overlap)
        {
            WatermarkOverlap = TimeSpan.FromSeconds(overlap);
        }

        if (Optional("XEROSYNC_PAGE_LEASE_SECONDS", 1, 600, "seconds a page's lease lasts without renewal") is { } lease)
        {
            PageLease = TimeSpan.FromSeconds(lease);
        }

        long? MegabytesOptional(string name, string what)
        {
            var value = environment(name);
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }

            if (decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var megabytes)
                && megabytes <= MaxEgressBudgetMegabytes && decimal.Round(megabytes, 6) == megabytes)
            {
                return (long)(megabytes * BytesPerMegabyte);
            }

            problems.Add($"{name} must be a number of megabytes (1,000,000 bytes) from 0 to {MaxEgressBudgetMegabytes} with at most 6 decimals ({what}); got '{Identifiers.Printable(value)}'.");
            return null;
        }

        EgressBudgetBytes = MegabytesOptional("XEROSYNC_EGRESS_BUDGET_MB", "the monthly egress budget of all organisations together") ?? EgressBudgetBytes;
        TenantEgressBudgetBytes = MegabytesOptional("XEROSYNC_TENANT_EGRESS_BUDGET_MB", "the monthly egress budget of each organisation") ?? TenantEgressBudgetBytes;
        return problems;
    }
}
