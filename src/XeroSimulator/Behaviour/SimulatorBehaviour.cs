namespace XeroSync.XeroSimulator;

/// <summary>
/// How the simulated organisations behave while a client reads them: page-size caps, list order, changes scheduled
/// during a run and the budgets scope check. Set at start with <see cref="SimulatorOptions.Behaviour"/>, at runtime with
/// <see cref="SimulatorState.SetBehaviour"/> or POST /_sim/behaviour. The defaults change nothing about what is served.
/// </summary>
public sealed record SimulatorBehaviour
{
    public static SimulatorBehaviour Default { get; } = new();

    /// <summary>
    /// At most this many records a page on page+pageSize endpoints, whatever pageSize is asked (pagination reports the
    /// size used and the page count for it); null = no cap (Xero's documented 1000). summaryOnly=true requests are not capped.
    /// </summary>
    public int? PageSizeCap { get; init; }

    /// <summary>The order records are listed in when no <c>order</c> parameter is sent.</summary>
    public ListOrder DefaultOrder { get; init; } = ListOrder.Creation;

    /// <summary>Changes applied after the k-th served request (counted from when this behaviour was set).</summary>
    public IReadOnlyList<ScheduledChange> ScheduledChanges { get; init; } = [];

    /// <summary>GET /Budgets and /Budgets/{id} answer 401 AuthorizationUnsuccessful unless the token has accounting.budgets.read.</summary>
    public bool RequireBudgetsScope { get; init; } = true;

    /// <summary>
    /// Journals with these JournalNumbers are left out of GET /Journals while the ledger and its reports keep them: a
    /// journal a sync never saw, so a tie-out against the Trial Balance has something to find.
    /// </summary>
    public IReadOnlyList<int> HiddenJournalNumbers { get; init; } = [];

    /// <summary>
    /// Journals with these JournalNumbers are served by GET /Journals but left out of the ledger the reports are made from:
    /// a journal the warehouse holds and Xero's books do not, the other way a tie-out can fail.
    /// </summary>
    public IReadOnlyList<int> UnbookedJournalNumbers { get; init; } = [];
}
