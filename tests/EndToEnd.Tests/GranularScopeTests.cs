using XeroSync.Ledger;
using XeroSync.Pipeline;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// Xero's 2026 granular scopes (developer.xero.com/documentation/oauth2/scopes; shared/research/xero-2026.md): a run reads
/// what the organisation's token grants, skips the rest with the missing scope named, and completes.
/// </summary>
public sealed class GranularScopeTests
{
    /// <summary>What an app created this year asks for without Journals approval, written from Xero's scope list, not from src/.</summary>
    private const string GranularWithoutJournals =
        "accounting.invoices.read accounting.payments.read accounting.banktransactions.read accounting.manualjournals.read accounting.classicexpenses.read accounting.contacts.read accounting.settings.read accounting.budgets.read";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Func<SimulatorOptions, SimulatorOptions> NewApp(string scope) => o => new SimulatorOptions
    {
        Clock = o.Clock,
        Seed = o.Seed,
        Tenants = o.Tenants,
        CreatedAt = o.CreatedAt,
        PerMinuteLimit = o.PerMinuteLimit,
        ChangesPerMinute = 0,
        Scale = 0.1,
        NewApp = true,
        JournalsScopeApproved = false,
        CustomConnectionScope = scope,
    };

    [Fact(Timeout = 300_000)]
    public async Task A_new_app_without_journals_approval_lands_every_other_endpoint_and_skips_journals_naming_its_scope()
    {
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 2, Token, NewApp(GranularWithoutJournals));
        await using var pipeline = demo.CreatePipeline();
        var run = await pipeline.SyncAsync(new RunRequest(), Token);

        var state = await pipeline.Ledger.GetRunStateAsync(run.Run.RunId, Token);
        Assert.Equal(RunPhase.Complete, state!.Phase);
        Assert.All(state.Endpoints, e => Assert.True(
            e.Endpoint == "Journals" ? e.Phase == EndpointPhase.Skipped : e.IsComplete && e.NotEntitled == 0,
            $"{e.TenantId} {e.Endpoint}: {e}"));
        var skipped = await ScopeNotes.ReadAsync(pipeline.Ledger, state.Endpoints, Token);
        Assert.Equal(demo.Truth.Tenants.Select(t => t.TenantId).Order(), skipped.Select(s => s.TenantId).Order());
        Assert.All(skipped, s =>
        {
            Assert.Equal("Journals", s.Endpoint);
            Assert.Equal("accounting.journals.read", s.MissingScope);
        });

        // The plan came from the token's scopes: Journals was never asked for, and nothing was refused for a scope.
        Assert.DoesNotContain(demo.Truth.Requests, r => r.Endpoint == "Journals");
        Assert.DoesNotContain(demo.Truth.Requests, r => r.Problem == "missing-scope");
        Assert.Equal(0, pipeline.DeadLettered);
        demo.AssertViewsEqualTruth(only: [.. demo.Truth.Endpoints.Where(e => e != "Journals")]);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_token_that_loses_a_scope_mid_run_skips_that_endpoint_and_lands_the_rest_exactly()
    {
        await using var demo = await LocalDemoEnvironment.StartAsync(tenants: 1, Token, NewApp(GranularWithoutJournals));
        await using var pipeline = demo.CreatePipeline();
        await pipeline.SyncAsync(new RunRequest { Full = true }, Token);

        // The organisation takes bank transactions away from the app: the token the run holds still says it has the scope.
        demo.Truth.WithdrawScope("accounting.banktransactions.read");
        var before = demo.Truth.Requests.Count;
        var run = await pipeline.SyncAsync(new RunRequest { Full = true }, Token);

        var state = await pipeline.Ledger.GetRunStateAsync(run.Run.RunId, Token);
        Assert.Equal(RunPhase.Complete, state!.Phase);
        string[] lost = ["BankTransactions", "BankTransfers"];
        Assert.All(state.Endpoints.Where(e => e.Endpoint != "Journals"), e => Assert.True(
            lost.Contains(e.Endpoint) ? e.Phase == EndpointPhase.Skipped : e.IsComplete && e.NotEntitled == 0,
            $"{e.Endpoint}: {e}"));
        var notes = await ScopeNotes.ReadAsync(pipeline.Ledger, state.Endpoints, Token);
        Assert.Equal(["BankTransactions", "BankTransfers", "Journals"], notes.Select(n => n.Endpoint).Order());
        Assert.All(notes.Where(n => lost.Contains(n.Endpoint)), n => Assert.Equal("accounting.banktransactions.read", n.MissingScope));

        // Xero refused exactly one call per lost endpoint (its first), and served none of them in this run.
        var second = demo.Truth.Requests.Skip(before).ToList();
        Assert.Equal(lost, second.Where(r => r.Problem == "missing-scope").Select(r => r.Endpoint).Order());
        Assert.DoesNotContain(second, r => lost.Contains(r.Endpoint) && r.StatusCode == 200);
        Assert.Equal(0, pipeline.DeadLettered);
        demo.AssertViewsEqualTruth(only: [.. demo.Truth.Endpoints.Where(e => e != "Journals" && !lost.Contains(e))]);
    }
}
