using System.Text.Json;
using XeroSync.Contracts;
using XeroSync.Pipeline;
using XeroSync.Worker.Edge;

namespace XeroSync.Worker.Routes;

/// <summary>
/// Turns a decoded Pub/Sub message into a fetch (or, for a dead-lettered copy, a failed-page record)
/// and maps the outcome to a push response: 204 ack, 503 nack (redeliver), poison acknowledged.
/// </summary>
public sealed partial class FetchMessageProcessor(FetchRequestHandler handler, PoisonRecorder poison, ILogger<FetchMessageProcessor> logger)
{
    /// <summary>Pub/Sub adds this attribute to a message it moved to the dead-letter topic.</summary>
    public const string DeadLetterAttribute = "CloudPubSubDeadLetterSourceDeliveryCount";

    public async Task<IResult> ProcessAsync(PubSubPushMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        FetchRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(message.Data.Span, PipelineJsonContext.Default.FetchRequest);
        }
        catch (JsonException)
        {
            request = null;
        }

        if (FetchRequestValidator.Validate(request) is { } problem)
        {
            await poison.RecordAsync("pubsub", message.MessageId, "not a valid FetchRequest: " + problem, message.Data, cancellationToken);
            return Results.NoContent();
        }

        if (message.Attributes.ContainsKey(DeadLetterAttribute))
        {
            Log.DeadLettered(logger, request!.RunId, request.TenantId, request.Endpoint, request.FirstPage, request.LastPage);
            await handler.MarkUndeliveredAsync(request!, "dead-lettered after every delivery attempt failed", cancellationToken);
            return Results.NoContent();
        }

        var outcome = await handler.HandleAsync(request!, cancellationToken);
        return await ToResultAsync(outcome, message, cancellationToken);
    }

    internal async Task<IResult> ToResultAsync(HandlerOutcome outcome, PubSubPushMessage message, CancellationToken cancellationToken)
    {
        switch (outcome.Kind)
        {
            case HandlerOutcomeKind.Poison:
                await poison.RecordAsync("pubsub", message.MessageId, outcome.Reason ?? "poison", message.Data, cancellationToken);
                return Results.NoContent();
            case HandlerOutcomeKind.Retry:
                Log.Nack(logger, message.MessageId, outcome.Reason ?? "retry");
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            case HandlerOutcomeKind.Ack:
            case HandlerOutcomeKind.Ignored:
            default:
                return Results.NoContent();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 800, Level = LogLevel.Warning, Message = "Nack {MessageId}: {Reason}")]
        public static partial void Nack(ILogger logger, string messageId, string reason);

        [LoggerMessage(EventId = 801, Level = LogLevel.Error, Message = "Dead-lettered request for run {RunId} tenant {TenantId} {Endpoint} pages {FirstPage}-{LastPage}: recorded as failed")]
        public static partial void DeadLettered(ILogger logger, string runId, string tenantId, string endpoint, int firstPage, int lastPage);
    }
}
