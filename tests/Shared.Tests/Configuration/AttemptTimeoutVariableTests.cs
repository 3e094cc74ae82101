using XeroSync.Configuration;

namespace XeroSync.Tests.Configuration;

/// <summary><c>XERO_ATTEMPT_TIMEOUT_SECONDS</c> as the services read it at start (the CLI shares the parser).</summary>
public sealed class AttemptTimeoutVariableTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("601")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("30s")]
    [InlineData("ten")]
    [InlineData("99999999999")]
    public void A_bad_value_stops_the_start_with_the_variable_named(string value)
    {
        var environment = Valid();
        environment["XERO_ATTEMPT_TIMEOUT_SECONDS"] = value;

        var error = Assert.Throws<InvalidOperationException>(() => CloudPipelineExtensions.ReadXero(n => environment.GetValueOrDefault(n)));

        Assert.Contains("XERO_ATTEMPT_TIMEOUT_SECONDS", error.Message, StringComparison.Ordinal);
        Assert.Contains("1 to 600", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_control_character_in_a_bad_value_is_not_echoed_raw()
    {
        var environment = Valid();
        environment["XERO_ATTEMPT_TIMEOUT_SECONDS"] = "5\n{\"severity\":\"ERROR\"}";

        var error = Assert.Throws<InvalidOperationException>(() => CloudPipelineExtensions.ReadXero(n => environment.GetValueOrDefault(n)));

        Assert.DoesNotContain("\n{", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("3", 3)]
    [InlineData("600", 600)]
    public void A_whole_number_of_seconds_sets_the_attempt_timeout(string value, int seconds)
    {
        var environment = Valid();
        environment["XERO_ATTEMPT_TIMEOUT_SECONDS"] = value;

        var options = CloudPipelineExtensions.ReadXero(n => environment.GetValueOrDefault(n));

        Assert.Equal(TimeSpan.FromSeconds(seconds), options.AttemptTimeout);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Unset_or_empty_keeps_sixty_seconds(string? value)
    {
        var environment = Valid();
        if (value is not null)
        {
            environment["XERO_ATTEMPT_TIMEOUT_SECONDS"] = value;
        }

        var options = CloudPipelineExtensions.ReadXero(n => environment.GetValueOrDefault(n));

        // Xero documents no client timeout; 60 s is this project's documented default (README, configuration).
        Assert.Equal(TimeSpan.FromSeconds(60), options.AttemptTimeout);
    }

    private static Dictionary<string, string> Valid() => new()
    {
        ["XERO_CLIENT_ID"] = "id",
        ["XERO_CLIENT_SECRET"] = "secret",
    };
}
