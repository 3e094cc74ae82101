using Microsoft.Extensions.Options;
using XeroSync.Contracts;
using XeroSync.Pipeline;
using XeroSync.TieOut;
using XeroSync.Worker.Edge;

namespace XeroSync.Worker.Routes;

/// <summary>
/// A tie-out request delivered on the fetch topic (attribute <c>kind</c> = <c>tie_out</c>): decoded and validated here (bad
/// input is recorded as poison with its reason and acknowledged), made by <see cref="TieOutRunner"/> (Xero's two reports per
/// date under the shared rate limiter, compared with the BigQuery warehouse's journals, each check kept in the raw dataset),
/// 204 ack once every check is kept, 503 nack (redeliver) when the warehouse or anything else failed. A report Xero refuses
/// is a kept, failed check, not a redelivery. A dead-lettered copy is acknowledged and logged: nothing waits on it.
/// </summary>
public sealed partial class TieOutProcessor(TieOutRunner runner, PoisonRecorder poison, IOptions<PipelineOptions> options, TimeProvider time, ILogger<TieOutProcessor> logger)
{
    public async Task<IResult> ProcessAsync(PubSubPushMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (await MessageBody.ReadAsync(message, PipelineJsonContext.Default.TieOutRequest, TieOutRequest.Validate, poison, cancellationToken) is not { } request)
        {
            return Results.NoContent();
        }

        if (message.Attributes.ContainsKey(FetchMessageProcessor.DeadLetterAttribute))
        {
            Log.DeadLettered(logger, request.TenantId, request.Dates.Count);
            return Results.NoContent();
        }

        try
        {
            var delivery = options.Value.DeliveryBudget;
            DateTimeOffset? deadline = delivery == Timeout.InfiniteTimeSpan ? null : time.GetUtcNow() + delivery;
            var results = await runner.RunAsync([(request.TenantId, request.TenantName)], request.Dates, deadline, cancellationToken);
            int tied = 0, differ = 0, failed = 0, skipped = 0;
            foreach (var result in results)
            {
                _ = result switch
                {
                    { Ties: true } => tied++,
                    { Skipped: true } => skipped++,
                    { Problem: not null } => failed++,
                    _ => differ++,
                };
            }

            Log.Done(logger, request.TenantId, tied, differ, failed, skipped);
            return Results.NoContent();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The warehouse (or the token store) failed: never an ack; redelivery (then the dead-letter topic) decides. The
            // request was validated, so its tenant id is safe to log.
            Log.Failed(logger, request.TenantId, Identifiers.Printable(message.MessageId), ex.GetType().Name, ex);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 811, Level = LogLevel.Information, Message = "Tie-out of tenant {TenantId}: {Tied} checks tie, {Differ} differ, {Failed} failed, {Skipped} skipped; kept in the warehouse")]
        public static partial void Done(ILogger logger, string tenantId, int tied, int differ, int failed, int skipped);

        [LoggerMessage(EventId = 812, Level = LogLevel.Warning, Message = "Tie-out of tenant {TenantId}: message {MessageId} failed ({ExceptionType}); nacked for redelivery")]
        public static partial void Failed(ILogger logger, string tenantId, string messageId, string exceptionType, Exception exception);

        [LoggerMessage(EventId = 813, Level = LogLevel.Warning, Message = "Tie-out of tenant {TenantId} at {Dates} dates dead-lettered after every delivery attempt failed; the next scheduled tie-out checks again")]
        public static partial void DeadLettered(ILogger logger, string tenantId, int dates);
    }
}
