using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using XeroSync.Contracts;
using XeroSync.Google.PubSub;

namespace XeroSync.Messaging.PubSub;

/// <summary>
/// The Dispatcher's publisher of reconcile preparations: one Pub/Sub message per organisation on the fetch topic, the
/// Worker's subscription. Data is the preparation's UTF-8 JSON; attributes <c>kind</c> (<c>reconcile_preparation</c>, which
/// tells the Worker it is not a fetch request), <c>run_id</c>, <c>tenant_id</c> and <c>schema_version</c>.
/// </summary>
public sealed partial class PubSubReconcilePublisher
{
    private readonly PubSubClient _client;
    private readonly string _topic;
    private readonly ILogger<PubSubReconcilePublisher> _logger;

    /// <param name="topic">The topic id (<c>fetch-requests</c>) or full name (<c>projects/p/topics/fetch-requests</c>).</param>
    public PubSubReconcilePublisher(PubSubClient client, string topic, ILogger<PubSubReconcilePublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _topic = topic;
        _logger = logger;
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

    public async Task PublishAsync(IReadOnlyList<ReconcilePreparation> preparations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(preparations);
        if (preparations.Count == 0)
        {
            return;
        }

        var ids = await _client.PublishAsync(_topic, [.. preparations.Select(ToMessage)], cancellationToken);
        LogPublished(ids.Count, _topic);
    }

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "Published {Count} reconcile preparations to {Topic}")]
    private partial void LogPublished(int count, string topic);
}
