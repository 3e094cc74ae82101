using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using XeroSync.Contracts;
using XeroSync.Google.PubSub;

namespace XeroSync.Messaging.PubSub;

/// <summary>
/// The cloud shape's publisher: one Pub/Sub message per <see cref="FetchRequest"/> on one topic. Data is the request's
/// UTF-8 JSON; attributes <c>run_id</c>, <c>tenant_id</c>, <c>endpoint</c>, <c>pages</c> (<c>first-last</c>) and
/// <c>schema_version</c> repeat it for filtering and logs. The client sends at most 1000 messages per publish call.
/// </summary>
public sealed partial class PubSubFetchPublisher : IFetchRequestPublisher
{
    private readonly PubSubClient _client;
    private readonly string _topic;
    private readonly ILogger<PubSubFetchPublisher> _logger;

    /// <param name="topic">The topic id (<c>fetch-requests</c>) or full name (<c>projects/p/topics/fetch-requests</c>).</param>
    public PubSubFetchPublisher(PubSubClient client, string topic, ILogger<PubSubFetchPublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _topic = topic;
        _logger = logger;
    }

    /// <summary>The Pub/Sub message for <paramref name="request"/>: deterministic, so republishing is harmless.</summary>
    public static PubSubMessage ToMessage(FetchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var data = JsonSerializer.SerializeToUtf8Bytes(request, PipelineJsonContext.Default.FetchRequest);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["run_id"] = request.RunId,
            ["tenant_id"] = request.TenantId,
            ["endpoint"] = request.Endpoint,
            ["pages"] = string.Create(CultureInfo.InvariantCulture, $"{request.FirstPage}-{request.LastPage}"),
            ["schema_version"] = request.SchemaVersion.ToString(CultureInfo.InvariantCulture),
        };
        return new PubSubMessage(data, attributes);
    }

    public async Task PublishAsync(IReadOnlyList<FetchRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return;
        }

        var messages = new PubSubMessage[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            messages[i] = ToMessage(requests[i]);
        }

        var ids = await _client.PublishAsync(_topic, messages, cancellationToken);
        LogPublished(ids.Count, _topic);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Published {Count} fetch requests to {Topic}")]
    private partial void LogPublished(int count, string topic);
}
