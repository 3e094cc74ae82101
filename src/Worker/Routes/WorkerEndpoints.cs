using XeroSync.Logging;
using XeroSync.Pipeline;
using XeroSync.Worker.Edge;

namespace XeroSync.Worker.Routes;

/// <summary>The Worker's routes: thin edges that decode, delegate and map the outcome to an ack or a nack.</summary>
public static class WorkerEndpoints
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
        var decoded = await PushRequestDecoder.DecodeAsync(request, cancellationToken);
        if (decoded.IsPoison)
        {
            await poison.RecordAsync("pubsub", request.Headers["x-goog-pubsub-message-id"].ToString(), decoded.PoisonReason!, ReadOnlyMemory<byte>.Empty, cancellationToken);
            return Results.NoContent();
        }

        return await processor.ProcessAsync(decoded.Value!, cancellationToken);
    }

    private static async Task<IResult> HandleEventAsync(HttpRequest request, FetchMessageProcessor processor, ManifestLoader loader, PoisonRecorder poison, ILogger<FetchMessageProcessor> logger, CancellationToken cancellationToken)
    {
        var read = await CloudEventReader.ReadAsync(request, cancellationToken);
        if (read.IsPoison)
        {
            await poison.RecordAsync("events", request.Headers["ce-id"].ToString(), read.PoisonReason!, ReadOnlyMemory<byte>.Empty, cancellationToken);
            return Results.NoContent();
        }

        var cloudEvent = read.Value!;
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
                    await poison.RecordAsync("events", cloudEvent.Id ?? string.Empty, message.PoisonReason!, ReadOnlyMemory<byte>.Empty, cancellationToken);
                    return Results.NoContent();
                }

                return await processor.ProcessAsync(message.Value!, cancellationToken);
            case EventTypes.StorageObjectFinalized:
                var storage = EventDataParser.ParseStorageObject(cloudEvent);
                if (storage.IsPoison)
                {
                    await poison.RecordAsync("events", cloudEvent.Id ?? string.Empty, storage.PoisonReason!, ReadOnlyMemory<byte>.Empty, cancellationToken);
                    return Results.NoContent();
                }

                var outcome = await loader.HandleAsync(storage.Value!.Name!, cancellationToken);
                return outcome.Kind switch
                {
                    HandlerOutcomeKind.Retry => Results.StatusCode(StatusCodes.Status503ServiceUnavailable),
                    HandlerOutcomeKind.Poison => await RecordAsync(poison, cloudEvent.Id, outcome.Reason, cancellationToken),
                    _ => Results.NoContent(),
                };
            default:
                await poison.RecordAsync("events", cloudEvent.Id ?? string.Empty, "unsupported CloudEvent type " + Identifiers.Printable(cloudEvent.Type), ReadOnlyMemory<byte>.Empty, cancellationToken);
                return Results.NoContent();
        }
    }

    private static async Task<IResult> RecordAsync(PoisonRecorder poison, string? id, string? reason, CancellationToken cancellationToken)
    {
        await poison.RecordAsync("events", id ?? string.Empty, reason ?? "poison", ReadOnlyMemory<byte>.Empty, cancellationToken);
        return Results.NoContent();
    }
}
