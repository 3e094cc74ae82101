namespace XeroSync.XeroSimulator;

/// <summary>
/// "After the <see cref="AfterRequest"/>-th successful request to <see cref="TriggerEndpoint"/> (default
/// <see cref="Endpoint"/>), apply <see cref="Kind"/> to a record of <see cref="Endpoint"/>." Fires once per tenant it
/// matches, before any later request is served. The target is <see cref="RecordId"/>, else the record at
/// <see cref="Position"/> in the endpoint's default list order, else one picked from the seed.
/// </summary>
public sealed record ScheduledChange(string Endpoint, int AfterRequest, ChangeKind Kind)
{
    public string? TriggerEndpoint { get; init; }

    public string? RecordId { get; init; }

    /// <summary>0-based position in the default list order (<see cref="SimulatorBehaviour.DefaultOrder"/>, all records).</summary>
    public int? Position { get; init; }

    /// <summary>Zero-based tenant index; null = every tenant (each on its own k-th request).</summary>
    public int? Tenant { get; init; }
}
