namespace XeroSync.Xero;

/// <summary>What to ask Xero for: one page (or Journals offset) of one endpoint of one tenant, or one record by id.</summary>
/// <param name="Deadline">The delivery's deadline: waiting for a rate-limit permit stops there (null: no deadline, locally).</param>
public sealed record PageQuery(
    string TenantId,
    XeroEndpoint Endpoint,
    int Page,
    long? Offset,
    DateTimeOffset? ModifiedSince,
    DateTimeOffset? Deadline)
{
    /// <summary>Sends <c>summaryOnly=true</c> where the endpoint offers it (Invoices, Contacts): lighter records for an ID sweep.</summary>
    public bool SummaryOnly { get; init; }

    /// <summary>
    /// Asked before every HTTP attempt (retries and 429s included): false means the caller's call budget is spent, and
    /// the call is not made (<see cref="XeroFailure.BudgetSpent"/>). Null: no budget (syncs).
    /// </summary>
    public Func<CancellationToken, ValueTask<bool>>? ReserveCall { get; init; }

    /// <summary>Set: <c>GET /{Endpoint}/{RecordId}</c> (no paging, order or filters); the page holds that one record.</summary>
    public string? RecordId { get; init; }

    /// <summary>
    /// Set: only these records (ids checked by the caller): Xero's <c>IDs</c> parameter where the endpoint takes it
    /// (<see cref="XeroEndpoint.AcceptsIds"/>), otherwise a <c>where</c> of <c>{KeyField}==Guid("...")</c> joined with OR.
    /// </summary>
    public IReadOnlyList<string>? Ids { get; init; }

    /// <summary>One record by id (e.g. a budget with its lines, a contact group with its members).</summary>
    public static PageQuery ForRecord(string tenantId, XeroEndpoint endpoint, string recordId, DateTimeOffset? deadline) =>
        new(tenantId, endpoint, 0, null, null, deadline) { RecordId = recordId };
}
