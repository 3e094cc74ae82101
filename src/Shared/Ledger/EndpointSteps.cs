namespace XeroSync.Ledger;

/// <summary>
/// The decision of what an endpoint needs next, from its state record alone (no I/O). The fetch handler asks it after a
/// delivery's pages and acts only on what it says; the retrier and the loader still read <see cref="EndpointState"/>'s
/// own properties, which this decision is built from.
/// </summary>
public static class EndpointSteps
{
    public static EndpointStep Next(EndpointState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state switch
        {
            { IsSettled: false } => EndpointStep.ReadPages,
            { AwaitsVerification: true } => EndpointStep.Verify,
            { NeedsManifest: true } => EndpointStep.WriteManifest,
            { IsFinished: false } => EndpointStep.AwaitLoads,
            { MayAdvanceWatermark: true } => EndpointStep.AdvanceWatermark,
            _ => EndpointStep.Finished,
        };
    }
}
