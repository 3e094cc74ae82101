namespace XeroSync.Ledger;

/// <summary>A run's state: complete only when every (tenant, endpoint) is; never complete with a gap.</summary>
public enum RunPhase
{
    Running,
    Partial,
    Complete,
}
