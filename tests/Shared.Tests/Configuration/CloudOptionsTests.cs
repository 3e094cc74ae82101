using XeroSync.Configuration;

namespace XeroSync.Tests.Configuration;

public sealed class CloudOptionsTests
{
    [Fact]
    public void Missing_settings_are_all_listed_at_once()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CloudOptions.FromEnvironment(_ => null));

        Assert.Contains("GOOGLE_CLOUD_PROJECT", error.Message, StringComparison.Ordinal);
        Assert.Contains("CLIENT_NAME", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GOOGLE_CLOUD_PROJECT", "Bad_Project")]
    [InlineData("CLIENT_NAME", "acme\n")]
    [InlineData("XEROSYNC_BUCKET", "../etc")]
    [InlineData("XEROSYNC_RAW_DATASET", "raw; DROP TABLE x")]
    [InlineData("XEROSYNC_PUSH_DEADLINE_SECONDS", "601")]
    public void Invalid_values_are_refused_with_their_variable_named(string name, string value)
    {
        var environment = Valid();
        environment[name] = value;

        var error = Assert.Throws<InvalidOperationException>(() => CloudOptions.FromEnvironment(n => environment.GetValueOrDefault(n)));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_derive_resource_names_from_the_project_and_client()
    {
        var options = CloudOptions.FromEnvironment(n => Valid().GetValueOrDefault(n));

        Assert.Equal("my-project-acme-xero", options.Bucket);
        Assert.Equal("acme-fetch-requests", options.Topic);
        Assert.Equal("xero_raw", options.RawDataset);
        Assert.Equal(TimeSpan.FromSeconds(540), options.PushDeadline);
        Assert.True(options.DeliveryBudget < options.PushDeadline);
        Assert.Null(options.OidcAudience);
    }

    private static Dictionary<string, string> Valid() => new()
    {
        ["GOOGLE_CLOUD_PROJECT"] = "my-project",
        ["CLIENT_NAME"] = "acme",
    };
}
