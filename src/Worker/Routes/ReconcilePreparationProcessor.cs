using XeroSync.Contracts;
using XeroSync.Pipeline;
using XeroSync.Worker.Edge;

namespace XeroSync.Worker.Routes;

/// <summary>
/// A reconcile preparation delivered on the fetch topic (attribute <c>kind</c> = <c>reconcile_preparation</c>): decoded and
/// validated here, prepared by <see cref="ReconcileStarter"/> (probe, warehouse estimates, deferrals, fetch requests), mapped
/// to a push response like a fetch: 204 ack, poison recorded with its reason, 503 nack (redeliver) on a backend failure. A
/// dead-lettered copy ends the organisation's endpoints as failed so the run does not stay running.
/// </summary>
public sealed partial class ReconcilePreparationProcessor(ReconcileStarter reconciler, PoisonRecorder poison, ILogger<ReconcilePreparationProcessor> logger)
{
    public async Task<IResult> ProcessAsync(PubSubPushMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (await MessageBody.ReadAsync(message, PipelineJsonContext.Default.ReconcilePreparation, ReconcilePreparation.Validate, poison, cancellationToken) is not { } preparation)
        {
            return Results.NoContent();
        }

        try
        {
            if (message.Attributes.ContainsKey(FetchMessageProcessor.DeadLetterAttribute))
            {
                await reconciler.MarkUndeliveredAsync(preparation, "reconcile preparation dead-lettered after every delivery attempt failed", cancellationToken);
                return Results.NoContent();
            }

            var outcome = await reconciler.PrepareAsync(preparation, cancellationToken);
            if (outcome.Kind == HandlerOutcomeKind.Poison)
            {
                await poison.RecordAsync("pubsub", message.MessageId, outcome.Reason ?? "poison", message.Data, cancellationToken);
            }

            return Results.NoContent();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Xero (other than a refusal or a spent day), the warehouse, the ledger or the publisher failed: never an ack;
            // redelivery (then the dead-letter topic) decides. The preparation was validated, so its fields are safe to log.
            Log.Failed(logger, preparation.RunId, preparation.TenantId, Identifiers.Printable(message.MessageId), ex.GetType().Name, ex);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 803, Level = LogLevel.Warning, Message = "Reconcile {RunId} tenant {TenantId}: preparation {MessageId} failed ({ExceptionType}); nacked for redelivery")]
        public static partial void Failed(ILogger logger, string runId, string tenantId, string messageId, string exceptionType, Exception exception);
    }
}
