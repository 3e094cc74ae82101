using XeroSync.Contracts;
using XeroSync.Logging;
using XeroSync.Pipeline;
using XeroSync.Storage;
using XeroSync.Worker.Edge;

namespace XeroSync.Worker.Routes;

/// <summary>The Worker's routes: thin edges that decode, delegate and map the outcome to an ack or a nack.</summary>
public static partial class WorkerEndpoints
{
    public static WebApplication MapWorkerEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/healthz");
        app.MapPost("/pubsub", HandlePushAsync);
        app.MapPost("/events", HandleEventAsync);
        return app;
    }

    private static async Task<IResult> HandlePushAsync(HttpRequest request, FetchMessageProcessor processor, PoisonRecorder poison, ILogger<FetchMessageProcessor> logger, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object?> { [CloudLoggingFormatter.TraceIdKey] = TraceContext.GetTraceId(request) });
        var body = await RequestBody.ReadAsync(request, PushRequestDecoder.MaxBodyBytes, cancellationToken);
        var decoded = body.IsPoison ? DecodeResult.Poison<PubSubPushMessage>(body.PoisonReason) : PushRequestDecoder.Decode(request.Headers, body.Value);
        if (decoded.IsPoison)
        {
            // The raw bytes go into the record: it is the only copy once the message is acknowledged.
            await poison.RecordAsync("pubsub", request.Headers[PushHeaders.MessageId].ToString(), decoded.PoisonReason, body.Value ?? [], cancellationToken);
            return Results.NoContent();
        }

        return await processor.ProcessAsync(decoded.Value, cancellationToken);
    }

    private static async Task<IResult> HandleEventAsync(HttpRequest request, FetchMessageProcessor processor, ManifestLoader loader, PoisonRecorder poison, ILogger<FetchMessageProcessor> logger, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync(request, CloudEventReader.MaxBodyBytes, cancellationToken);
        var raw = body.Value ?? [];
        var read = body.IsPoison ? DecodeResult.Poison<CloudNative.CloudEvents.CloudEvent>(body.PoisonReason) : CloudEventReader.Read(request.Headers, request.ContentType, body.Value);
        if (read.IsPoison)
        {
            await poison.RecordAsync("events", request.Headers["ce-id"].ToString(), read.PoisonReason, raw, cancellationToken);
            return Results.NoContent();
        }

        var cloudEvent = read.Value;
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            [CloudLoggingFormatter.TraceIdKey] = TraceContext.GetTraceId(request, cloudEvent),
            ["ce_id"] = Identifiers.Printable(cloudEvent.Id),
            ["ce_type"] = Identifiers.Printable(cloudEvent.Type),
        });
        switch (cloudEvent.Type)
        {
            case EventTypes.PubSubMessagePublished:
                var message = EventDataParser.ToPushMessage(cloudEvent);
                if (message.IsPoison)
                {
                    await poison.RecordAsync("events", cloudEvent.Id ?? string.Empty, message.PoisonReason, raw, cancellationToken);
                    return Results.NoContent();
                }

                return await processor.ProcessAsync(message.Value, cancellationToken);
            case EventTypes.StorageObjectFinalized:
                var storage = EventDataParser.ParseStorageObject(cloudEvent);
                if (storage.IsPoison)
                {
                    await poison.RecordAsync("events", cloudEvent.Id ?? string.Empty, storage.PoisonReason, raw, cancellationToken);
                    return Results.NoContent();
                }

                if (ObjectNames.IsManifest(storage.Value.Name) && UnsafeObjectName(storage.Value.Name!) is { } unsafeName)
                {
                    // Shaped like a manifest but never ours (this service writes only validated names), and no
                    // store would open it. Names that are not manifests are ignored below, whatever they hold.
                    await poison.RecordAsync("events", cloudEvent.Id ?? string.Empty, unsafeName, raw, cancellationToken);
                    return Results.NoContent();
                }

                HandlerOutcome outcome;
                try
                {
                    outcome = await loader.HandleAsync(storage.Value.Name!, cancellationToken);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    Log.BackendFailed(logger, "events", Identifiers.Printable(cloudEvent.Id), ex.GetType().Name, ex);
                    return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
                }

                return outcome.Kind switch
                {
                    HandlerOutcomeKind.Retry => Results.StatusCode(StatusCodes.Status503ServiceUnavailable),
                    HandlerOutcomeKind.Poison => await RecordAsync(poison, cloudEvent.Id, outcome.Reason, raw, cancellationToken),
                    _ => Results.NoContent(),
                };
            default:
                await poison.RecordAsync("events", cloudEvent.Id ?? string.Empty, "unsupported CloudEvent type " + Identifiers.Printable(cloudEvent.Type), raw, cancellationToken);
                return Results.NoContent();
        }
    }

    /// <summary>Why a finalize event's object name can never be one of ours, or null when it is a safe name.</summary>
    private static string? UnsafeObjectName(string name)
    {
        try
        {
            ObjectNameRules.Validate(name);
            return null;
        }
        catch (ArgumentException)
        {
            return "storage object name is not a safe object name (empty, '.' or '..' segment, backslash or control character)";
        }
    }

    private static async Task<IResult> RecordAsync(PoisonRecorder poison, string? id, string? reason, byte[] body, CancellationToken cancellationToken)
    {
        await poison.RecordAsync("events", id ?? string.Empty, reason ?? "poison", body, cancellationToken);
        return Results.NoContent();
    }

    internal static partial class Log
    {
        [LoggerMessage(EventId = 802, Level = LogLevel.Error, Message = "Backend failure handling {Source} message {MessageId} ({ExceptionType}): nacked for redelivery")]
        public static partial void BackendFailed(ILogger logger, string source, string messageId, string exceptionType, Exception exception);
    }
}
