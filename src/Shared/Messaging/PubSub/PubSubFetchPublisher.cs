using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using XeroSync.Contracts;
using XeroSync.Google.PubSub;

namespace XeroSync.Messaging.PubSub;

/// <summary>
/// The cloud shape's publisher to the fetch topic, the Worker's subscription. One Pub/Sub message per
/// <see cref="FetchRequest"/>: data is the request's UTF-8 JSON; attributes <c>run_id</c>, <c>tenant_id</c>, <c>endpoint</c>,
/// <c>pages</c> (<c>first-last</c>) and <c>schema_version</c> repeat it for filtering and logs. And one per
/// <see cref="ReconcilePreparation"/> (an organisation's reconcile to prepare): its JSON, with <c>kind</c>
/// (<c>reconcile_preparation</c>, which tells the Worker it is not a fetch request), <c>run_id</c>, <c>tenant_id</c> and
/// <c>schema_version</c>. And one per <see cref="TieOutRequest"/> (an organisation's tie-out): its JSON, with <c>kind</c>
/// (<c>tie_out</c>), <c>tenant_id</c> and <c>schema_version</c>. The client sends at most 1000 messages per publish call.
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

    /// <summary>The Pub/Sub message for <paramref name="preparation"/>: deterministic, so republishing is harmless.</summary>
    public static PubSubMessage ToMessage(ReconcilePreparation preparation)
    {
        ArgumentNullException.ThrowIfNull(preparation);
        var data = JsonSerializer.SerializeToUtf8Bytes(preparation, PipelineJsonContext.Default.ReconcilePreparation);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ReconcilePreparation.KindAttribute] = ReconcilePreparation.Kind,
            ["run_id"] = preparation.RunId,
            ["tenant_id"] = preparation.TenantId,
            ["schema_version"] = preparation.SchemaVersion.ToString(CultureInfo.InvariantCulture),
        };
        return new PubSubMessage(data, attributes);
    }

    /// <summary>The Pub/Sub message for <paramref name="request"/>.</summary>
    public static PubSubMessage ToMessage(TieOutRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var data = JsonSerializer.SerializeToUtf8Bytes(request, PipelineJsonContext.Default.TieOutRequest);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ReconcilePreparation.KindAttribute] = TieOutRequest.Kind,
            ["tenant_id"] = request.TenantId,
            ["schema_version"] = request.SchemaVersion.ToString(CultureInfo.InvariantCulture),
        };
        return new PubSubMessage(data, attributes);
    }

    public Task PublishAsync(IReadOnlyList<FetchRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return PublishAsync([.. requests.Select(ToMessage)], "fetch requests", cancellationToken);
    }

    public Task PublishPreparationsAsync(IReadOnlyList<ReconcilePreparation> preparations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(preparations);
        return PublishAsync([.. preparations.Select(ToMessage)], "reconcile preparations", cancellationToken);
    }

    public Task PublishTieOutsAsync(IReadOnlyList<TieOutRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return PublishAsync([.. requests.Select(ToMessage)], "tie-out requests", cancellationToken);
    }

    private async Task PublishAsync(IReadOnlyList<PubSubMessage> messages, string what, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var ids = await _client.PublishAsync(_topic, messages, cancellationToken);
        LogPublished(ids.Count, what, _topic);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Published {Count} {What} to {Topic}")]
    private partial void LogPublished(int count, string what, string topic);
}
