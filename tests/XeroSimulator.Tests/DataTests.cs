using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

public sealed class DataTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static SimulatorOptions Options(TimeProvider clock, int seed = 7) => new()
    {
        Clock = clock, Seed = seed, Tenants = 2, Scale = 0.1, CreatedAt = Start, ChangesPerMinute = 10,
    };

    [Fact]
    public void Same_options_and_time_give_identical_records_regardless_of_the_path_taken()
    {
        var clockA = new FakeTimeProvider(Start);
        var clockB = new FakeTimeProvider(Start);
        var a = new SimulatorState(Options(clockA));
        var b = new SimulatorState(Options(clockB));
        Assert.Equal(a.Tenants, b.Tenants);

        // a observes every intermediate minute; b jumps straight to the end.
        foreach (var endpoint in a.Endpoints)
        {
            _ = a.Count(a.Tenants[1].TenantId, endpoint);
        }

        for (var minute = 0; minute < 90; minute += 7)
        {
            clockA.Advance(TimeSpan.FromMinutes(7));
            _ = a.Count(a.Tenants[1].TenantId, "Invoices");
        }

        clockB.Advance(TimeSpan.FromMinutes(91));
        foreach (var endpoint in a.Endpoints)
        {
            Assert.Equal(a.GetRecords(a.Tenants[1].TenantId, endpoint), b.GetRecords(b.Tenants[1].TenantId, endpoint));
        }
    }

    [Fact]
    public void Different_seeds_and_tenants_differ()
    {
        var a = new SimulatorState(Options(new FakeTimeProvider(Start), seed: 1));
        var b = new SimulatorState(Options(new FakeTimeProvider(Start), seed: 2));
        Assert.NotEqual(a.Tenants[0].TenantId, b.Tenants[0].TenantId);
        Assert.NotEqual(a.Tenants[0].TenantId, a.Tenants[1].TenantId);
        Assert.Equal("Demo Company 01", a.Tenants[0].Name);
        Assert.NotEqual(a.GetRecords(a.Tenants[0].TenantId, "Invoices").Keys.Order(), a.GetRecords(a.Tenants[1].TenantId, "Invoices").Keys.Order());
    }

    [Fact]
    public void Base_data_predates_the_creation_epoch_and_later_times_add_and_update_records()
    {
        var clock = new FakeTimeProvider(Start);
        var state = new SimulatorState(Options(clock));
        var tenant = state.Tenants[0].TenantId;
        foreach (var endpoint in state.Endpoints)
        {
            Assert.Equal(0, state.CountModifiedSince(tenant, endpoint, Start.AddHours(-1)) * (IsIms(endpoint) ? 1 : 0));
        }

        var invoicesBefore = state.GetRecords(tenant, "Invoices");
        var journalsBefore = state.Count(tenant, "Journals");
        clock.Advance(TimeSpan.FromMinutes(60));
        var invoicesAfter = state.GetRecords(tenant, "Invoices");

        Assert.True(invoicesAfter.Count > invoicesBefore.Count);
        Assert.Contains(invoicesBefore, pair => invoicesAfter[pair.Key] != pair.Value);
        Assert.True(state.Count(tenant, "Journals") > journalsBefore);
        Assert.True(state.CountModifiedSince(tenant, "Invoices", Start) > 0);

        var numbers = state.GetRecords(tenant, "Journals").Values
            .Select(json => JsonDocument.Parse(json).RootElement)
            .OrderBy(j => j.GetProperty("JournalNumber").GetInt64())
            .Select(j => (Number: j.GetProperty("JournalNumber").GetInt64(), Created: j.GetProperty("CreatedDateUTC").GetString()!))
            .ToList();
        Assert.Equal(Enumerable.Range(1, numbers.Count).Select(i => (long)i), numbers.Select(n => n.Number));
    }

    [Fact]
    public void Scale_one_generates_the_documented_counts()
    {
        var state = new SimulatorState(new SimulatorOptions { Clock = new FakeTimeProvider(Start), CreatedAt = Start });
        var tenant = state.Tenants[0].TenantId;
        Assert.Equal(1000, state.Count(tenant, "Invoices"));
        Assert.Equal(1500, state.Count(tenant, "Contacts"));
        Assert.True(state.Count(tenant, "Journals") > state.Count(tenant, "Invoices"), "every approved invoice, payment, bank transaction and posted manual journal has a journal");
        Assert.Equal(1, state.Count(tenant, "Organisation"));
        Assert.Equal(27, state.Endpoints.Count);

        var statuses = state.GetRecords(tenant, "Invoices").Values.Select(json => JsonDocument.Parse(json).RootElement.GetProperty("Status").GetString()).ToHashSet();
        Assert.Contains("DELETED", statuses);
        Assert.Contains("VOIDED", statuses);
    }

    private static bool IsIms(string endpoint) => endpoint is not ("BrandingThemes" or "Budgets" or "ContactGroups" or "Currencies" or "LinkedTransactions" or "Organisation" or "RepeatingInvoices" or "TaxRates" or "TrackingCategories");
}
