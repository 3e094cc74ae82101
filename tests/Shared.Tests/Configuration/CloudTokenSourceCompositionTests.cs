using Microsoft.Extensions.DependencyInjection;
using XeroSync.Configuration;
using XeroSync.Xero;

namespace XeroSync.Tests.Configuration;

/// <summary>Which Xero token source the cloud composition picks, and that a bad secret name stops the start.</summary>
public sealed class CloudTokenSourceCompositionTests
{
    [Fact]
    public void Without_a_refresh_token_secret_the_services_use_client_credentials()
    {
        using var provider = Compose(new Dictionary<string, string>());

        Assert.IsType<ClientCredentialsTokenSource>(provider.GetRequiredService<IAccessTokenSource>());
    }

    [Theory]
    [InlineData("projects/acme-xerosync/secrets/acme-xero-refresh-token")]
    [InlineData("acme-xero-refresh-token")]
    public void With_a_refresh_token_secret_the_services_refresh_through_secret_manager_under_the_connections_lease(string secret)
    {
        using var provider = Compose(new Dictionary<string, string> { ["XEROSYNC_REFRESH_TOKEN_SECRET"] = secret });

        var source = Assert.IsType<RefreshTokenSource>(provider.GetRequiredService<IAccessTokenSource>());
        Assert.Equal("xero-refresh:acme-xero-refresh-token", source.LeaseName);
        var store = Assert.IsType<SecretManagerTokenStore>(provider.GetRequiredService<ITokenStore>());
        Assert.Equal("projects/acme-xerosync/secrets/acme-xero-refresh-token", store.Secret);
    }

    [Theory]
    [InlineData("projects/acme-xerosync/secrets/s/versions/1")]
    [InlineData("s\nINFO forged log line")]
    public void An_invalid_secret_name_stops_the_start_with_the_variable_named(string secret)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Compose(new Dictionary<string, string> { ["XEROSYNC_REFRESH_TOKEN_SECRET"] = secret }));

        Assert.Contains("XEROSYNC_REFRESH_TOKEN_SECRET", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\nINFO", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Compose(Dictionary<string, string> extra)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["GOOGLE_CLOUD_PROJECT"] = "acme-xerosync",
            ["CLIENT_NAME"] = "acme",
            ["XERO_CLIENT_ID"] = "client",
            ["XERO_CLIENT_SECRET"] = "secret",

            // Emulator addresses: no credentials are looked for; nothing is called here.
            ["FIRESTORE_EMULATOR_HOST"] = "127.0.0.1:9",
            ["SECRETMANAGER_EMULATOR_HOST"] = "127.0.0.1:9",
            ["PUBSUB_EMULATOR_HOST"] = "127.0.0.1:9",
            ["BIGQUERY_EMULATOR_HOST"] = "127.0.0.1:9",
            ["STORAGE_EMULATOR_HOST"] = "127.0.0.1:9",
        };
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        var services = new ServiceCollection().AddLogging();
        services.AddCloudPipeline(name => environment.GetValueOrDefault(name));
        return services.BuildServiceProvider();
    }
}
