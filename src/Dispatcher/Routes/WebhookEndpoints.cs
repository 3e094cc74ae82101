using XeroSync.Webhooks;

namespace XeroSync.Dispatcher.Routes;

/// <summary>
/// <c>POST /webhooks/xero</c>: Xero's webhook deliveries and intent-to-receive requests. Public (the in-app OIDC check
/// exempts exactly this route): the body's signature is its authentication. The answer has no body, as Xero asks.
/// </summary>
public static class WebhookEndpoints
{
    public static WebApplication MapWebhookEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(WebhookReceiver.Path, ReceiveAsync);
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, WebhookReceiver receiver, CancellationToken cancellationToken)
    {
        var signature = request.Headers.TryGetValue(WebhookSignature.Header, out var values) ? values.ToString() : null;
        var receipt = await receiver.ReceiveAsync(request.Body, signature, cancellationToken);
        return Results.StatusCode(receipt.StatusCode);
    }
}
