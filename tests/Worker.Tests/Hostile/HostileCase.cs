using System.Net;

namespace XeroSync.Tests.Hostile;

/// <summary>
/// One hostile request and what the service must do with it: the status, whether a poison record is written
/// and a fragment its reason must hold, and strings that must never reach a log line.
/// </summary>
public sealed record HostileCase(Func<HttpRequestMessage> Request, string? Reason, IReadOnlyList<string> Forbidden)
{
    /// <summary>A case that must not be poison: acknowledged and ignored (or nacked, see <see cref="Status"/>).</summary>
    public HostileCase(Func<HttpRequestMessage> request)
        : this(request, null, [])
    {
    }

    /// <summary>204 (acknowledged): the emulator nacks 202, so 204 is what every ack looks like.</summary>
    public HttpStatusCode Status { get; init; } = HttpStatusCode.NoContent;

    /// <summary>The poison record's source when not the route's own (a messagePublished event's FetchRequest is "pubsub").</summary>
    public string? Source { get; init; }

    /// <summary>Null: acknowledged and ignored, no poison record (an object that is not ours).</summary>
    public bool Poison => Reason is not null;
}
