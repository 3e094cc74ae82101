namespace XeroSync.TieOut;

/// <summary>A warehouse that keeps tie-outs: the report snapshot Xero sent and the result, per organisation, report and date.</summary>
public interface ITieOutStore
{
    Task SaveTieOutAsync(TieOutRecord record, CancellationToken cancellationToken);
}
