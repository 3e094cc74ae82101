using XeroSync.Webhooks;

namespace XeroSync.Dispatcher.Routes;

/// <summary>
/// <c>POST /webhooks/xero</c>: Xero's webhook deliveries and intent-to-receive requests. Public (the in-app OIDC check
/// exempts exactly this route): the body's signature is its authentication. The answer has no body, as Xero asks.
/// <c>POST /webhooks/quiet-check</c>: Cloud Scheduler's periodic check for organisations' categories quiet for longer than
/// their events make usual (<see cref="QuietWatch"/>); it keeps the OIDC check of every other route. Answers
/// <c>{"started": N, "runs": [{"run_id", "tenant_id", "endpoints"}]}</c>, the incrementals it started.
/// </summary>
public static class WebhookEndpoints
{
    public static WebApplication MapWebhookEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(WebhookReceiver.Path, ReceiveAsync);
        app.MapPost("/webhooks/quiet-check", CheckQuietAsync);
        return app;
    }

    private static async Task<IResult> CheckQuietAsync(WebhookChangeBatcher batcher, CancellationToken cancellationToken)
    {
        var batch = await batcher.CheckQuietAsync(cancellationToken);
        var runs = batch?.Quiet.Select(QuietRunStatus.From).ToList() ?? [];
        return Results.Json(new QuietCheckResponse(runs.Count, runs), DispatcherJsonContext.Default.QuietCheckResponse);
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, WebhookReceiver receiver, CancellationToken cancellationToken)
    {
        var signature = request.Headers.TryGetValue(WebhookSignature.Header, out var values) ? values.ToString() : null;
        var receipt = await receiver.ReceiveAsync(request.Body, signature, cancellationToken);
        return Results.StatusCode(receipt.StatusCode);
    }
}
