using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using XeroSync.Configuration;
using XeroSync.Pipeline;

namespace XeroSync.Tests.Configuration;

/// <summary>
/// <c>XEROSYNC_RECONCILE_RESERVE_CALLS</c>, <c>XEROSYNC_FULL_REFRESH_DAYS</c> and <c>XEROSYNC_MAX_REREADS</c> as the services
/// (and the older pipeline tuning: pages per message, chain length, watermark overlap, page lease) as the services
/// read them at start (<see cref="CloudPipelineExtensions.AddCloudPipeline"/>; the CLI shares the parser). Defaults are
/// README's configuration table: 1,500 calls, 7 days, 2 re-reads; 5 pages a message, 10 a chain, 300 s overlap, 30 s lease.
/// </summary>
public sealed class PipelineTuningVariableTests
{
    [Theory]
    [InlineData("XEROSYNC_RECONCILE_RESERVE_CALLS", "-1", "0 to 5000")]
    [InlineData("XEROSYNC_RECONCILE_RESERVE_CALLS", "5001", "0 to 5000")]
    [InlineData("XEROSYNC_RECONCILE_RESERVE_CALLS", "1,500", "0 to 5000")]
    [InlineData("XEROSYNC_RECONCILE_RESERVE_CALLS", "lots", "0 to 5000")]
    [InlineData("XEROSYNC_FULL_REFRESH_DAYS", "91", "0 to 90")]
    [InlineData("XEROSYNC_FULL_REFRESH_DAYS", "7d", "0 to 90")]
    [InlineData("XEROSYNC_FULL_REFRESH_DAYS", "1.5", "0 to 90")]
    [InlineData("XEROSYNC_FULL_REFRESH_DAYS", "7.00:00:00", "0 to 90")]
    [InlineData("XEROSYNC_MAX_REREADS", "11", "0 to 10")]
    [InlineData("XEROSYNC_MAX_REREADS", "two", "0 to 10")]
    [InlineData("XEROSYNC_MAX_REREADS", "99999999999", "0 to 10")]
    [InlineData("XEROSYNC_PAGES_PER_MESSAGE", "0", "1 to 100")]
    [InlineData("XEROSYNC_CHAIN_LENGTH", "101", "1 to 100")]
    [InlineData("XEROSYNC_WATERMARK_OVERLAP_SECONDS", "86401", "0 to 86400")]
    [InlineData("XEROSYNC_WATERMARK_OVERLAP_SECONDS", "5m", "0 to 86400")]
    [InlineData("XEROSYNC_PAGE_LEASE_SECONDS", "0", "1 to 600")]
    [InlineData("XEROSYNC_PAGE_LEASE_SECONDS", "601", "1 to 600")]
    [InlineData("XEROSYNC_EGRESS_BUDGET_MB", "-5", "from 0 to 1000000")]
    [InlineData("XEROSYNC_EGRESS_BUDGET_MB", "10 GB", "from 0 to 1000000")]
    [InlineData("XEROSYNC_EGRESS_BUDGET_MB", "1000000.5", "from 0 to 1000000")]
    [InlineData("XEROSYNC_TENANT_EGRESS_BUDGET_MB", "1,500", "from 0 to 1000000")]
    [InlineData("XEROSYNC_TENANT_EGRESS_BUDGET_MB", "0.0000001", "at most 6 decimals")]
    public void A_bad_value_stops_the_start_with_the_variable_named(string variable, string value, string range)
    {
        var environment = Valid();
        environment[variable] = value;

        var error = Assert.Throws<InvalidOperationException>(() => Start(environment));

        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
        Assert.Contains(range, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_value_is_reported_at_once_and_a_control_character_is_not_echoed_raw()
    {
        var environment = Valid();
        environment["XEROSYNC_RECONCILE_RESERVE_CALLS"] = "5\n{\"severity\":\"ERROR\"}";
        environment["XEROSYNC_FULL_REFRESH_DAYS"] = "-3";
        environment["XEROSYNC_MAX_REREADS"] = "x";

        var error = Assert.Throws<InvalidOperationException>(() => Start(environment));

        Assert.DoesNotContain("\n{", error.Message, StringComparison.Ordinal);
        Assert.Contains("XEROSYNC_RECONCILE_RESERVE_CALLS", error.Message, StringComparison.Ordinal);
        Assert.Contains("XEROSYNC_FULL_REFRESH_DAYS", error.Message, StringComparison.Ordinal);
        Assert.Contains("XEROSYNC_MAX_REREADS", error.Message, StringComparison.Ordinal);
    }

    /// <summary>README: megabytes of 1,000,000 bytes (Xero's allowances are decimal), unset for no budget.</summary>
    [Theory]
    [InlineData("10000", "250", 10_000_000_000L, 250_000_000L)]
    [InlineData("0", "0.000001", 0L, 1L)]
    [InlineData("1000000", "2.5", 1_000_000_000_000L, 2_500_000L)]
    public void Egress_budgets_in_megabytes_set_the_services_budgets_in_bytes(string app, string tenant, long appBytes, long tenantBytes)
    {
        var environment = Valid();
        environment["XEROSYNC_EGRESS_BUDGET_MB"] = app;
        environment["XEROSYNC_TENANT_EGRESS_BUDGET_MB"] = tenant;

        var options = Start(environment);

        Assert.Equal((appBytes, tenantBytes), (options.EgressBudgetBytes, options.TenantEgressBudgetBytes));
        Assert.Equal((null, null), (Start(Valid()).EgressBudgetBytes, Start(Valid()).TenantEgressBudgetBytes));
    }

    [Theory]
    [InlineData("0", "0", "0")]
    [InlineData("800", "30", "5")]
    [InlineData("5000", "90", "10")]
    public void Whole_numbers_in_range_set_the_services_options(string reserve, string days, string rereads)
    {
        var environment = Valid();
        environment["XEROSYNC_RECONCILE_RESERVE_CALLS"] = reserve;
        environment["XEROSYNC_FULL_REFRESH_DAYS"] = days;
        environment["XEROSYNC_MAX_REREADS"] = rereads;

        var options = Start(environment);

        Assert.Equal(int.Parse(reserve, System.Globalization.CultureInfo.InvariantCulture), options.ReconcileReserve);
        Assert.Equal(TimeSpan.FromDays(int.Parse(days, System.Globalization.CultureInfo.InvariantCulture)), options.FullRefreshEvery);
        Assert.Equal(int.Parse(rereads, System.Globalization.CultureInfo.InvariantCulture), options.MaxRereads);
    }

    [Theory]
    [InlineData("1", "1", "0", "1")]
    [InlineData("20", "50", "600", "90")]
    [InlineData("100", "100", "86400", "600")]
    public void The_message_and_lease_tuning_sets_the_services_options(string pages, string chain, string overlapSeconds, string leaseSeconds)
    {
        var environment = Valid();
        environment["XEROSYNC_PAGES_PER_MESSAGE"] = pages;
        environment["XEROSYNC_CHAIN_LENGTH"] = chain;
        environment["XEROSYNC_WATERMARK_OVERLAP_SECONDS"] = overlapSeconds;
        environment["XEROSYNC_PAGE_LEASE_SECONDS"] = leaseSeconds;

        var options = Start(environment);

        Assert.Equal(int.Parse(pages, System.Globalization.CultureInfo.InvariantCulture), options.PagesPerMessage);
        Assert.Equal(int.Parse(chain, System.Globalization.CultureInfo.InvariantCulture), options.ChainLength);
        Assert.Equal(TimeSpan.FromSeconds(int.Parse(overlapSeconds, System.Globalization.CultureInfo.InvariantCulture)), options.WatermarkOverlap);
        Assert.Equal(TimeSpan.FromSeconds(int.Parse(leaseSeconds, System.Globalization.CultureInfo.InvariantCulture)), options.PageLease);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Unset_or_empty_keeps_the_documented_defaults(string? value)
    {
        var environment = Valid();
        if (value is not null)
        {
            environment["XEROSYNC_RECONCILE_RESERVE_CALLS"] = value;
            environment["XEROSYNC_FULL_REFRESH_DAYS"] = value;
            environment["XEROSYNC_MAX_REREADS"] = value;
            environment["XEROSYNC_PAGES_PER_MESSAGE"] = value;
            environment["XEROSYNC_CHAIN_LENGTH"] = value;
            environment["XEROSYNC_WATERMARK_OVERLAP_SECONDS"] = value;
            environment["XEROSYNC_PAGE_LEASE_SECONDS"] = value;
        }

        var options = Start(environment);

        Assert.Equal(1500, options.ReconcileReserve);
        Assert.Equal(TimeSpan.FromDays(7), options.FullRefreshEvery);
        Assert.Equal(2, options.MaxRereads);
        Assert.Equal(5, options.PagesPerMessage);
        Assert.Equal(10, options.ChainLength);
        Assert.Equal(TimeSpan.FromMinutes(5), options.WatermarkOverlap);
        Assert.Equal(TimeSpan.FromSeconds(30), options.PageLease);
    }

    /// <summary>The services' composition as the Dispatcher and Worker call it; only the options are resolved (no Google call).</summary>
    private static PipelineOptions Start(Dictionary<string, string> environment)
    {
        var services = new ServiceCollection();
        services.AddCloudPipeline(n => environment.GetValueOrDefault(n));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<PipelineOptions>>().Value;
    }

    private static Dictionary<string, string> Valid() => new()
    {
        ["GOOGLE_CLOUD_PROJECT"] = "my-project-1",
        ["CLIENT_NAME"] = "acme",
        ["XERO_CLIENT_ID"] = "id",
        ["XERO_CLIENT_SECRET"] = "secret",
    };
}
