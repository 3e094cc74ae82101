using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// The cloud shape with an app created this year and no Journals approval: the run completes, Journals is never asked
/// for, and GET /runs/{id} names the skip and the missing scope for each organisation.
/// </summary>
public sealed class CloudGranularScopeTests(GoogleEmulators emulators)
{
    /// <summary>Xero's granular read scopes without Journals (Xero's scope list, not src/).</summary>
    private const string GranularWithoutJournals =
        "accounting.invoices.read accounting.payments.read accounting.banktransactions.read accounting.manualjournals.read accounting.classicexpenses.read accounting.contacts.read accounting.settings.read accounting.budgets.read";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task Get_run_lists_journals_skipped_with_its_missing_scope_and_the_run_completes()
    {
        string[] endpoints = ["Invoices", "Journals", "Organisation"];
        await using var cloud = await CloudEnvironment.StartAsync(emulators, Token, o => new SimulatorOptions
        {
            Seed = o.Seed,
            Tenants = 2,
            ChangesPerMinute = 0,
            Scale = o.Scale,
            Clock = o.Clock,
            NewApp = true,
            JournalsScopeApproved = false,
            CustomConnectionScope = GranularWithoutJournals,
        });

        var runId = await cloud.StartRunAsync(Token, endpoints);
        Assert.Equal("complete", await cloud.WaitForStateAsync(runId, TimeSpan.FromMinutes(4), Token, "complete", "partial"));

        using var run = await cloud.GetRunAsync(runId, Token);
        var skipped = run.RootElement.GetProperty("skipped").EnumerateArray().ToList();
        Assert.Equal(cloud.Truth.Tenants.Select(t => t.TenantId).Order(), skipped.Select(s => s.GetProperty("tenant_id").GetString()).Order());
        Assert.All(skipped, s =>
        {
            Assert.Equal("Journals", s.GetProperty("endpoint").GetString());
            Assert.Equal("accounting.journals.read", s.GetProperty("missing_scope").GetString());
            Assert.Contains("accounting.journals.read", s.GetProperty("reason").GetString(), StringComparison.Ordinal);
        });

        // The plan came from the token's scopes: Journals was never asked for, nothing was refused, the rest landed.
        Assert.DoesNotContain(cloud.Truth.Requests, r => r.Endpoint == "Journals");
        Assert.DoesNotContain(cloud.Truth.Requests, r => r.Problem == "missing-scope");
        CloudSyncTests.AssertWarehouseEqualsTruth(cloud, noDuplicateRows: true, only: [.. endpoints.Where(e => e != "Journals")]);
        Assert.Empty(cloud.BigQuery.Problems);
    }
}
