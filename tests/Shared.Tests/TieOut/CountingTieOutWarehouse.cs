using XeroSync.TieOut;
using XeroSync.Warehouse.Local;

namespace XeroSync.Tests.TieOut;

/// <summary>The real DuckDB warehouse behind the tie-out's two seams, counting each query asked of it.</summary>
internal sealed class CountingTieOutWarehouse(DuckDbWarehouse inner) : IJournalTotalsSource, ITieOutStore
{
    public int JournalTotalsQueries { get; private set; }

    public int AccountJournalsQueries { get; private set; }

    public int MissingJournalNumbersQueries { get; private set; }

    public int LastAgreedQueries { get; private set; }

    public Task<JournalTotals?> GetJournalTotalsAsync(string tenantId, DateOnly date, CancellationToken cancellationToken)
    {
        JournalTotalsQueries++;
        return inner.GetJournalTotalsAsync(tenantId, date, cancellationToken);
    }

    public Task<IReadOnlyList<TieOutJournal>> GetAccountJournalsAsync(string tenantId, string accountId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        AccountJournalsQueries++;
        return inner.GetAccountJournalsAsync(tenantId, accountId, from, to, cancellationToken);
    }

    public Task<IReadOnlyList<long>> GetMissingJournalNumbersAsync(string tenantId, CancellationToken cancellationToken)
    {
        MissingJournalNumbersQueries++;
        return inner.GetMissingJournalNumbersAsync(tenantId, cancellationToken);
    }

    public Task SaveTieOutAsync(TieOutRecord record, CancellationToken cancellationToken) => inner.SaveTieOutAsync(record, cancellationToken);

    public Task<DateOnly?> GetLastAgreedDateAsync(string tenantId, XeroReport report, string accountId, DateOnly before, CancellationToken cancellationToken)
    {
        LastAgreedQueries++;
        return inner.GetLastAgreedDateAsync(tenantId, report, accountId, before, cancellationToken);
    }
}
