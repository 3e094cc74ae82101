namespace XeroSync.XeroSimulator.Behaviour;

/// <summary>The current behaviour plus, per scheduled change and tenant, the served requests counted since it was set.</summary>
internal sealed class ChangeSchedule
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(int Change, int Tenant), int> _served = [];
    private SimulatorBehaviour _behaviour;

    public ChangeSchedule(SimulatorBehaviour behaviour) => _behaviour = Validate(behaviour);

    public SimulatorBehaviour Current
    {
        get
        {
            lock (_lock)
            {
                return _behaviour;
            }
        }
    }

    public void Set(SimulatorBehaviour behaviour)
    {
        Validate(behaviour);
        lock (_lock)
        {
            _behaviour = behaviour;
            _served.Clear();
        }
    }

    /// <summary>Counts one served request and returns the changes now due for this tenant (each fires once).</summary>
    public IReadOnlyList<ScheduledChange> OnServed(int tenantIndex, string endpoint)
    {
        lock (_lock)
        {
            List<ScheduledChange>? due = null;
            var changes = _behaviour.ScheduledChanges;
            for (var i = 0; i < changes.Count; i++)
            {
                var change = changes[i];
                if ((change.Tenant is { } only && only != tenantIndex)
                    || !string.Equals(change.TriggerEndpoint ?? change.Endpoint, endpoint, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var served = _served.GetValueOrDefault((i, tenantIndex)) + 1;
                _served[(i, tenantIndex)] = served;
                if (served == change.AfterRequest)
                {
                    (due ??= []).Add(change);
                }
            }

            return due ?? (IReadOnlyList<ScheduledChange>)[];
        }
    }

    private static SimulatorBehaviour Validate(SimulatorBehaviour behaviour)
    {
        ArgumentNullException.ThrowIfNull(behaviour);
        if (behaviour.PageSizeCap is { } cap)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(cap, 1, nameof(behaviour));
        }

        foreach (var change in behaviour.ScheduledChanges)
        {
            if (Data.EndpointCatalog.Find(change.Endpoint) is null || (change.TriggerEndpoint is { } trigger && Data.EndpointCatalog.Find(trigger) is null))
            {
                throw new ArgumentException($"Scheduled change for an unknown endpoint '{change.Endpoint}'.", nameof(behaviour));
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(change.AfterRequest, 1, nameof(behaviour));
        }

        return behaviour;
    }
}
