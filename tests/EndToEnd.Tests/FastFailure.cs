using XeroSync.Cli.Local;
using XeroSync.Messaging.Local;

namespace XeroSync.Tests;

/// <summary>Pipeline settings for tests whose faults must end quickly: short Xero retries, few queue deliveries, short backoff.</summary>
internal static class FastFailure
{
    public static LocalPipelineSettings Settings(LocalPipelineSettings settings, int deliveries) => settings with
    {
        Xero = new Xero.XeroOptions
        {
            ApiUrl = settings.Xero.ApiUrl,
            IdentityUrl = settings.Xero.IdentityUrl,
            ClientId = settings.Xero.ClientId,
            ClientSecret = settings.Xero.ClientSecret,
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            MaxRetries = 2,
        },
        Queue = new InProcessQueueOptions { MaxDeliveryAttempts = deliveries, MinimumBackoff = TimeSpan.FromMilliseconds(10), MaximumBackoff = TimeSpan.FromMilliseconds(50) },
    };
}
