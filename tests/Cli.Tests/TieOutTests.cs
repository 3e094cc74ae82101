using System.Globalization;
using System.Text.Json;
using XeroSync.Cli;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// `sync --tie-out` against a simulated organisation: the warehouse's journals tie to Xero's Trial Balance account by
/// account, and a journal the sync never saw (hidden from GET /Journals, kept in the ledger the report is made from) is
/// found: the accounts its lines post to are named with exactly the journal's amounts, and the exit code is 4.
/// Expected accounts and amounts come from the simulator's records.
/// </summary>
public sealed class TieOutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task A_complete_sync_ties_out_to_the_cent()
    {
        await using var host = await XeroSimulatorHost.StartAsync(Options(), Ct);
        using var data = new TempDirectory();

        var (exitCode, output) = await CliHarness.RunAsync(["sync", "--tie-out", "--data-dir", data.Path], Environment(host));

        Assert.True(exitCode == ExitCodes.Success, output);
        var tenant = host.State.Tenants[0].TenantId;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var accounts = Journals(host).Where(j => j.Date <= today).SelectMany(j => j.Lines.Select(l => l.AccountId)).ToHashSet(StringComparer.Ordinal);
        accounts.Add(RetainedEarnings(host));
        Assert.Contains($"Tie-out {tenant}", output, StringComparison.Ordinal);
        Assert.Contains($"ties, {accounts.Count} accounts agree with Xero's Trial Balance to the cent", output, StringComparison.Ordinal);
        Assert.Equal(1, host.State.Requests.Count(r => r.Endpoint == "Reports/TrialBalance" && r.StatusCode == 200));
    }

    [Fact(Timeout = 300_000)]
    public async Task A_journal_the_sync_never_saw_is_named_by_its_accounts()
    {
        await using var host = await XeroSimulatorHost.StartAsync(Options(), Ct);
        using var data = new TempDirectory();
        var journal = Journals(host).Where(j => j.Date <= DateOnly.FromDateTime(DateTime.UtcNow)).MaxBy(j => j.Number)!;
        host.State.SetBehaviour(SimulatorBehaviour.Default with { HiddenJournalNumbers = [journal.Number] });

        var (exitCode, output) = await CliHarness.RunAsync(["sync", "--tie-out", "--data-dir", data.Path], Environment(host));

        Assert.True(exitCode == ExitCodes.NotTied, output);
        var missing = journal.Lines.GroupBy(l => (l.AccountId, l.Code)).Select(g => (g.Key.AccountId, g.Key.Code, Net: g.Sum(l => l.Net))).Where(a => a.Net != 0m).ToList();
        Assert.NotEmpty(missing);
        Assert.Contains($"does not tie, {missing.Count} of", output, StringComparison.Ordinal);
        foreach (var (accountId, code, net) in missing)
        {
            var line = Assert.Single(output.Split('\n'), l => l.Contains($"[{accountId}]", StringComparison.Ordinal));
            Assert.Contains($"({code})", line, StringComparison.Ordinal);
            Assert.EndsWith("difference " + net.ToString("0.00", CultureInfo.InvariantCulture), line.TrimEnd());
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task As_at_without_tie_out_or_with_a_bad_date_is_a_usage_error()
    {
        using var data = new TempDirectory();
        var (exitCode, output) = await CliHarness.RunAsync(["sync", "--demo", "--as-at", "2026-11-30", "--data-dir", data.Path]);
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--as-at goes with --tie-out", output, StringComparison.Ordinal);
        (exitCode, output) = await CliHarness.RunAsync(["sync", "--demo", "--tie-out", "--as-at", "30/11/2026", "--data-dir", data.Path]);
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--as-at must be a date as YYYY-MM-DD", output, StringComparison.Ordinal);
    }

    private static SimulatorOptions Options() => new() { Tenants = 1, Scale = 0.05, ChangesPerMinute = 0 };

    private static Dictionary<string, string> Environment(XeroSimulatorHost host) => new(StringComparer.Ordinal)
    {
        ["XERO_CLIENT_ID"] = host.State.Options.ClientId,
        ["XERO_CLIENT_SECRET"] = host.State.Options.ClientSecret,
        ["XERO_API_URL"] = host.BaseUrl.ToString(),
        ["XERO_IDENTITY_URL"] = host.BaseUrl.ToString(),
    };

    private static string RetainedEarnings(XeroSimulatorHost host) =>
        host.State.GetRecords(host.State.Tenants[0].TenantId, "Accounts").Values
            .Select(a => JsonDocument.Parse(a).RootElement)
            .Single(a => a.TryGetProperty("SystemAccount", out var s) && s.GetString() == "RETAINEDEARNINGS")
            .GetProperty("AccountID").GetString()!;

    private static List<(int Number, DateOnly Date, List<(string AccountId, string Code, decimal Net)> Lines)> Journals(XeroSimulatorHost host) =>
        [.. host.State.GetRecords(host.State.Tenants[0].TenantId, "Journals").Values.Select(json =>
        {
            var journal = JsonDocument.Parse(json).RootElement;
            var text = journal.GetProperty("JournalDate").GetString()!;
            var ms = long.Parse(text.AsSpan(6, text.IndexOf('+', StringComparison.Ordinal) - 6), CultureInfo.InvariantCulture);
            var lines = journal.GetProperty("JournalLines").EnumerateArray()
                .Select(l => (l.GetProperty("AccountID").GetString()!, l.GetProperty("AccountCode").GetString()!, l.GetProperty("NetAmount").GetDecimal()))
                .ToList();
            return (journal.GetProperty("JournalNumber").GetInt32(), DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime), lines);
        })];
}
