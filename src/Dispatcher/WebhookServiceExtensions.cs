using Microsoft.Extensions.Options;
using XeroSync.Google.SecretManager;
using XeroSync.Pipeline;
using XeroSync.Webhooks;
using XeroSync.Xero;

namespace XeroSync.Dispatcher;

/// <summary>
/// The Dispatcher's webhook receiver: the key from Secret Manager (<c>XEROSYNC_WEBHOOK_KEY_SECRET</c>; unset or empty:
/// every webhook request is refused), and each payload's changes opened as a targeted run inside the request (Cloud
/// Run gives an instance CPU only while it serves a request, so nothing waits for a later window). The event sequence and
/// what was sent for reading live in Firestore (<see cref="Ledger.IWebhookStateStore"/>), shared by every instance: a
/// lost event is noticed by whichever instance's request (or timer) finds its hole past the grace period, once.
/// </summary>
public static class WebhookServiceExtensions
{
    public static IServiceCollection AddXeroWebhooks(this IServiceCollection services, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var secret = environment("XEROSYNC_WEBHOOK_KEY_SECRET");
        if (!string.IsNullOrWhiteSpace(secret) && !SecretManagerTokenStore.IsValidSecret(secret))
        {
            throw new InvalidOperationException($"Invalid configuration:{Environment.NewLine}  {SecretManagerWebhookKey.SecretVariable} is not a secret id or projects/PROJECT/secrets/SECRET.");
        }

        services.AddSingleton(Options.Create(WebhookOptions.FromEnvironment(environment, new WebhookOptions { Window = TimeSpan.Zero })));
        services.AddSingleton<IWebhookKeySource>(sp => string.IsNullOrWhiteSpace(secret)
            ? new FixedWebhookKey(null)
            : new SecretManagerWebhookKey(sp.GetRequiredService<SecretManagerClient>(), secret, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SecretManagerWebhookKey>>()));
        services.AddSingleton<TargetedRunStarter>();
        services.AddSingleton<WebhookChangeBatcher>();
        services.AddSingleton<IWebhookSink>(sp => sp.GetRequiredService<WebhookChangeBatcher>());
        services.AddSingleton<WebhookReceiver>();
        return services;
    }
}
