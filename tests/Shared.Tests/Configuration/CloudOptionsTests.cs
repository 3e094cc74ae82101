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
    [InlineData("XEROSYNC_PUSH_DEADLINE_SECONDS", "179")]
    [InlineData("XEROSYNC_PUSH_DEADLINE_SECONDS", "60")]
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

    [Theory]
    [InlineData("180")]
    [InlineData("600")]
    public void Every_accepted_push_deadline_leaves_a_delivery_more_than_a_rate_limit_minute(string seconds)
    {
        var environment = Valid();
        environment["XEROSYNC_PUSH_DEADLINE_SECONDS"] = seconds;

        var options = CloudOptions.FromEnvironment(n => environment.GetValueOrDefault(n));

        // Xero's minute limit: a throttled organisation's next permit can be up to 60 s away (research/xero.md).
        Assert.Equal(TimeSpan.FromSeconds(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)), options.PushDeadline);
        Assert.True(options.DeliveryBudget > TimeSpan.FromSeconds(60), $"budget {options.DeliveryBudget}");
        Assert.True(options.DeliveryBudget < options.PushDeadline);
    }

    private static Dictionary<string, string> Valid() => new()
    {
        ["GOOGLE_CLOUD_PROJECT"] = "my-project",
        ["CLIENT_NAME"] = "acme",
    };
}
