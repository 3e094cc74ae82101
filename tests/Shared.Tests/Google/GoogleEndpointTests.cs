using XeroSync.Google;

namespace XeroSync.Tests.Google;

public sealed class GoogleEndpointTests
{
    [Fact]
    public void Emulator_host_port_or_url_wins_over_production()
    {
        var env = new Dictionary<string, string?>
        {
            ["PUBSUB_EMULATOR_HOST"] = "127.0.0.1:8085",
            ["FIRESTORE_EMULATOR_HOST"] = "http://localhost:8086/",
            ["BIGQUERY_EMULATOR_HOST"] = "https://bq.local:9050/base",
        };

        var pubsub = GoogleEndpoint.Resolve(GoogleService.PubSub, k => env.GetValueOrDefault(k));
        Assert.True(pubsub.IsEmulator);
        Assert.Equal(new Uri("http://127.0.0.1:8085/"), pubsub.BaseUri);
        Assert.Equal(new Uri("http://localhost:8086/"), GoogleEndpoint.Resolve(GoogleService.Firestore, k => env.GetValueOrDefault(k)).BaseUri);
        Assert.Equal(new Uri("https://bq.local:9050/base/"), GoogleEndpoint.Resolve(GoogleService.BigQuery, k => env.GetValueOrDefault(k)).BaseUri);

        var secrets = GoogleEndpoint.Resolve(GoogleService.SecretManager, k => env.GetValueOrDefault(k));
        Assert.False(secrets.IsEmulator);
        Assert.Equal(new Uri("https://secretmanager.googleapis.com/"), secrets.BaseUri);
        Assert.Equal(new Uri("https://storage.googleapis.com/"), GoogleEndpoint.Resolve(GoogleService.Storage, _ => null).BaseUri);
    }
}
