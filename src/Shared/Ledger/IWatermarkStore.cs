using XeroSync.Contracts;

namespace XeroSync.Ledger;

/// <summary>Per (tenant, endpoint) watermarks, advanced only after a successful load.</summary>
public interface IWatermarkStore
{
    Task<Watermark?> GetAsync(string tenantId, string endpoint, CancellationToken cancellationToken);

    /// <summary>Advances the watermark; never moves it backwards (each field keeps the larger value).</summary>
    Task AdvanceAsync(string tenantId, string endpoint, Watermark watermark, CancellationToken cancellationToken);
}
