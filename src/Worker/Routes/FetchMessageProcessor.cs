using XeroSync.Contracts;
using XeroSync.Pipeline;
using XeroSync.Worker.Edge;

namespace XeroSync.Worker.Routes;

/// <summary>
/// Turns a decoded Pub/Sub message into a fetch (or, for a dead-lettered copy, a failed-page record; for a reconcile
/// preparation, <see cref="ReconcilePreparationProcessor"/>; for a tie-out, <see cref="TieOutProcessor"/>) and maps the outcome to a push response: 204 ack, 503 nack (redeliver), poison acknowledged.
/// </summary>
public sealed partial class FetchMessageProcessor(FetchRequestHandler handler, ReconcilePreparationProcessor preparations, TieOutProcessor tieOuts, PoisonRecorder poison, ILogger<FetchMessageProcessor> logger)
{
    /// <summary>Pub/Sub adds this attribute to a message it moved to the dead-letter topic.</summary>
    public const string DeadLetterAttribute = "CloudPubSubDeadLetterSourceDeliveryCount";

    public async Task<IResult> ProcessAsync(PubSubPushMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (ReconcilePreparation.IsOne(message.Attributes))
        {
            // The other kind of message on the fetch topic: one organisation's reconcile to prepare.
            return await preparations.ProcessAsync(message, cancellationToken);
        }

        if (TieOutRequest.IsOne(message.Attributes))
        {
            // And the third: one organisation's tie-out.
            return await tieOuts.ProcessAsync(message, cancellationToken);
        }

        if (await MessageBody.ReadAsync(message, PipelineJsonContext.Default.FetchRequest, FetchRequestValidator.Validate, poison, cancellationToken) is not { } request)
        {
            return Results.NoContent();
        }

        try
        {
            if (message.Attributes.ContainsKey(DeadLetterAttribute))
            {
                Log.DeadLettered(logger, request.RunId, request.TenantId, request.Endpoint, request.FirstPage, request.LastPage);
                await handler.MarkUndeliveredAsync(request, "dead-lettered after every delivery attempt failed", cancellationToken);
                return Results.NoContent();
            }

            var outcome = await handler.HandleAsync(request, cancellationToken);
            return await ToResultAsync(outcome, message, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A ledger, store or publisher failure: never a crash, never an ack; redelivery (then the dead-letter
            // topic) decides. The request was validated above, so its fields are safe to log.
            WorkerEndpoints.Log.BackendFailed(logger, "pubsub", Identifiers.Printable(message.MessageId), ex.GetType().Name, ex);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
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
