namespace XeroSync.XeroSimulator.State;

internal sealed class RequestLog
{
    private readonly Lock _lock = new();
    private readonly List<SimulatedRequest> _requests = [];

    public IReadOnlyList<SimulatedRequest> Snapshot()
    {
        lock (_lock)
        {
            return [.. _requests];
        }
    }

    public void Add(SimulatedRequest request)
    {
        lock (_lock)
        {
            _requests.Add(request);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _requests.Clear();
        }
    }
}
