namespace XeroSync.Ledger;

/// <summary>A run and the state of each of its (tenant, endpoint) records, with the run's phase derived from them.</summary>
public sealed record RunState(RunInfo Run, IReadOnlyList<EndpointState> Endpoints)
{
    /// <summary>
    /// Complete when every expected (tenant, endpoint) is complete or skipped; partial when every one has
    /// finished and some have gaps; running otherwise (including while an expected endpoint has no record).
    /// </summary>
    public RunPhase Phase
    {
        get
        {
            var expected = Run.Tenants.Count * Run.Endpoints.Count;
            if (Endpoints.Count < expected || Endpoints.Any(e => !e.IsFinished))
            {
                return RunPhase.Running;
            }

            return Endpoints.All(e => e.IsComplete) ? RunPhase.Complete : RunPhase.Partial;
        }
    }
}
