namespace XeroSync.Ledger;

/// <summary>
/// The decision of what an endpoint needs next, from its state record alone (no I/O). <see cref="Pipeline.EndpointCoordinator"/>,
/// which every caller asks to move an endpoint on, acts only on what it says.
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
