using System.Globalization;
using System.Text.Json;
using XeroSync.Cli;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// `sync --tie-out` against a simulated organisation: the warehouse's journals tie to Xero's Trial Balance and Balance Sheet
/// account by account at each of the last three month ends, and a journal the sync never saw (hidden from GET /Journals,
/// kept in the ledger the reports are made from) is found: the accounts its lines post to are named with exactly the
/// journal's amounts, with its number as the one up to the warehouse's highest it does not hold and the journals the sync did see on those accounts
/// that month, and the exit code is 4; a journal the warehouse holds and Xero's books do not is named among the journals
/// that moved its accounts since they last agreed. Without the Balance Sheet's scope that report is skipped with the scope
/// named and no call. Expected accounts, amounts and dates come from the simulator's records and request log.
/// </summary>
public sealed class TieOutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 300_000)]
    public async Task A_complete_sync_ties_out_to_the_cent_at_the_last_three_month_ends_and_keeps_the_reports()
    {
        await using var host = await XeroSimulatorHost.StartAsync(Options(), Ct);
        using var data = new TempDirectory();

        var (exitCode, output) = await CliHarness.RunAsync(["sync", "--tie-out", "--data-dir", data.Path], Environment(host));

        Assert.True(exitCode == ExitCodes.Success, output);
        var tenant = host.State.Tenants[0].TenantId;
        var dates = MonthEnds();
        foreach (var date in dates)
        {
            var accounts = Journals(host).Where(j => j.Date <= date).SelectMany(j => j.Lines.Select(l => l.AccountId)).ToHashSet(StringComparer.Ordinal);
            accounts.Add(RetainedEarnings(host));
            Assert.Contains($"{tenant} ({host.State.Tenants[0].Name}) Trial Balance as at {date:yyyy-MM-dd}: ties, {accounts.Count} accounts agree with Xero's Trial Balance to the cent", output, StringComparison.Ordinal);
            Assert.Contains($"{tenant} ({host.State.Tenants[0].Name}) Balance Sheet as at {date:yyyy-MM-dd}: ties,", output, StringComparison.Ordinal);
        }

        // One call per report and month end, each asked for its own date.
        foreach (var report in (string[])["Reports/TrialBalance", "Reports/BalanceSheet"])
        {
            var calls = host.State.Requests.Where(r => r.Endpoint == report).ToList();
            Assert.Equal(3, calls.Count);
            Assert.All(calls, c => Assert.Equal(200, c.StatusCode));
        }

        var (queryExit, kept) = await CliHarness.RunAsync(
            ["query", "SELECT report || ' ' || CAST(as_at AS VARCHAR) || ' ' || CAST(ties AS VARCHAR) AS r FROM xero_raw.tie_outs ORDER BY report, as_at", "--format", "csv", "--data-dir", data.Path]);
        Assert.True(queryExit == ExitCodes.Success, kept);
        string[] expected = [.. ((string[])["BalanceSheet", "TrialBalance"]).SelectMany(r => dates.Select(d => $"{r} {d:yyyy-MM-dd} true"))];
        Assert.Equal(expected, kept.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1));
        (queryExit, kept) = await CliHarness.RunAsync(
            ["query", "SELECT count(*) AS n FROM xero_raw.report_snapshots WHERE json_extract_string(report_json, '$.ReportType') IN ('TrialBalance', 'BalanceSheet')", "--format", "csv", "--data-dir", data.Path]);
        Assert.True(queryExit == ExitCodes.Success, kept);
        Assert.Equal("6", kept.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[1]);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_journal_the_sync_never_saw_is_named_by_its_accounts_in_both_reports()
    {
        await using var host = await XeroSimulatorHost.StartAsync(Options(), Ct);
        using var data = new TempDirectory();
        var asAt = MonthEnds()[^1];
        // A journal of balance-sheet accounts only (by the simulator's account classes): both reports show its lines as they are.
        var classes = AccountClasses(host);
        // ... with a later journal the warehouse does hold, so the gap in Xero's journal numbers shows.
        var last = Journals(host).Max(j => j.Number);
        var journal = Journals(host)
            .Where(j => j.Date <= asAt && j.Number < last && j.Lines.All(l => classes.GetValueOrDefault(l.AccountId) is "ASSET" or "LIABILITY" or "EQUITY"))
            .MaxBy(j => j.Number)!;
        host.State.SetBehaviour(SimulatorBehaviour.Default with { HiddenJournalNumbers = [journal.Number] });

        var (exitCode, output) = await CliHarness.RunAsync(["sync", "--tie-out", "--as-at", $"{asAt:yyyy-MM-dd}", "--data-dir", data.Path], Environment(host));

        Assert.True(exitCode == ExitCodes.NotTied, output);
        var missing = journal.Lines.GroupBy(l => (l.AccountId, l.Code)).Select(g => (g.Key.AccountId, g.Key.Code, Net: g.Sum(l => l.Net))).Where(a => a.Net != 0m).ToList();
        Assert.NotEmpty(missing);
        var lines = output.Split('\n');
        foreach (var report in (string[])["Trial Balance", "Balance Sheet"])
        {
            var header = Array.FindIndex(lines, l => l.Contains($"{report} as at {asAt:yyyy-MM-dd}: does not tie, {missing.Count} of", StringComparison.Ordinal));
            Assert.True(header >= 0, output);
            // The account lines (indented two spaces, the journals behind each indented further) up to the next result.
            var named = lines.Skip(header + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal))
                .Where(l => l.Length > 2 && l[2] != ' ' && !l.StartsWith("  journal numbers", StringComparison.Ordinal)).ToList();
            Assert.Equal(missing.Count, named.Count);
            foreach (var (accountId, code, net) in missing)
            {
                var line = Assert.Single(named, l => l.Contains($"[{accountId}]", StringComparison.Ordinal));
                if (report == "Trial Balance")
                {
                    Assert.Contains($"({code})", line, StringComparison.Ordinal);
                }

                Assert.EndsWith("difference " + net.ToString("0.00", CultureInfo.InvariantCulture), line.TrimEnd());
            }
        }

        // The journal itself is named by its number, the only one up to the warehouse's highest that it does not hold.
        Assert.Equal(2, lines.Count(l => l.TrimEnd().EndsWith($"journal numbers up to the warehouse's highest that it does not hold (look each up in Xero): {journal.Number}", StringComparison.Ordinal)));

        // Behind each account: the journals the sync did see on it in the month of the date (no earlier tie-out agreed).
        var monthStart = new DateOnly(asAt.Year, asAt.Month, 1);
        var behind = ExpectedJournals(host, missing.Select(m => m.AccountId), monthStart, asAt, except: journal.Number);
        Assert.Equal(behind, await KeptJournalsAsync(data, "TrialBalance", asAt));
        Assert.Equal(behind, await KeptJournalsAsync(data, "BalanceSheet", asAt));
        foreach (var (accountId, _, _) in missing)
        {
            var count = behind.Count(b => b.StartsWith(accountId + " ", StringComparison.Ordinal));
            var at = Array.FindIndex(lines, l => l.Contains($"[{accountId}]: Xero ", StringComparison.Ordinal));
            Assert.Equal(
                count == 0 ? $"no warehouse journal moved it since {monthStart:yyyy-MM-dd}" : $"warehouse journals on it since {monthStart:yyyy-MM-dd}: {count}",
                lines[at + 1].Trim());
        }

        Assert.Equal(1, host.State.Requests.Count(r => r.Endpoint == "Reports/BalanceSheet" && r.StatusCode == 200));
        var (queryExit, kept) = await CliHarness.RunAsync(
            ["query", "SELECT account_id || ' ' || CAST(difference AS VARCHAR) AS d FROM xero_raw.tie_out_differences WHERE report = 'BalanceSheet' ORDER BY account_id", "--format", "csv", "--data-dir", data.Path]);
        Assert.True(queryExit == ExitCodes.Success, kept);
        Assert.Equal(
            missing.Select(m => $"{m.AccountId} {m.Net.ToString("0.00", CultureInfo.InvariantCulture)}").Order(StringComparer.Ordinal),
            kept.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1));
    }

    [Fact(Timeout = 300_000)]
    public async Task A_journal_Xeros_books_do_not_hold_is_named_among_the_journals_since_the_account_last_agreed()
    {
        await using var host = await XeroSimulatorHost.StartAsync(Options(), Ct);
        using var data = new TempDirectory();
        var dates = MonthEnds();
        // A journal of balance-sheet accounts dated in the middle month: served by GET /Journals, left out of Xero's reports.
        var journal = BalanceSheetJournal(host, dates[0], dates[1]);
        host.State.SetBehaviour(SimulatorBehaviour.Default with { UnbookedJournalNumbers = [journal.Number] });

        var (exitCode, output) = await CliHarness.RunAsync(["sync", "--tie-out", "--data-dir", data.Path], Environment(host));

        Assert.True(exitCode == ExitCodes.NotTied, output);
        var extra = journal.Lines.GroupBy(l => l.AccountId).Select(g => (AccountId: g.Key, Net: g.Sum(l => l.Net))).Where(a => a.Net != 0m).ToList();
        var tenant = host.State.Tenants[0].TenantId;
        Assert.Contains($"{tenant} ({host.State.Tenants[0].Name}) Trial Balance as at {dates[0]:yyyy-MM-dd}: ties,", output, StringComparison.Ordinal);
        foreach (var report in (string[])["TrialBalance", "BalanceSheet"])
        {
            // The month it was dated in: the accounts last agreed at the month end before, so its month's journals are named.
            var from = dates[0].AddDays(1);
            Assert.Equal(ExpectedJournals(host, extra.Select(e => e.AccountId), from, dates[1]), await KeptJournalsAsync(data, report, dates[1]));

            // A month later the accounts still differ and last agreed at the same month end: two months of journals are named.
            var named = await KeptJournalsAsync(data, report, dates[2]);
            Assert.Equal(ExpectedJournals(host, extra.Select(e => e.AccountId), from, dates[2]), named);
            foreach (var (accountId, net) in extra)
            {
                Assert.Contains($"{accountId} {journal.Number} {net.ToString("0.00", CultureInfo.InvariantCulture)}", named);
            }
        }

        // The extra journal is its accounts' whole difference; no journal number is missing from the warehouse.
        foreach (var (accountId, net) in extra)
        {
            Assert.Contains($"      journal {journal.Number} [", output, StringComparison.Ordinal);
            Assert.Contains($"{journal.Date:yyyy-MM-dd}: {net.ToString("0.00", CultureInfo.InvariantCulture)} (the whole difference)", output, StringComparison.Ordinal);
            Assert.Contains($"[{accountId}]: ", output, StringComparison.Ordinal);
        }

        Assert.Contains($"    warehouse journals on it since {dates[0].AddDays(1):yyyy-MM-dd}: ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("journal numbers up to the warehouse's highest", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_month_end_whose_latest_check_differed_does_not_count_as_agreeing()
    {
        await using var host = await XeroSimulatorHost.StartAsync(Options(), Ct);
        using var data = new TempDirectory();
        var dates = MonthEnds();
        var journal = BalanceSheetJournal(host, dates[0], dates[1]);
        var accounts = journal.Lines.GroupBy(l => l.AccountId).Where(g => g.Sum(l => l.Net) != 0m).Select(g => g.Key).ToList();

        // First every month end ties: each account agrees at the middle one.
        var (exitCode, output) = await CliHarness.RunAsync(["sync", "--tie-out", "--data-dir", data.Path], Environment(host));
        Assert.True(exitCode == ExitCodes.Success, output);

        // Then Xero's books leave out a journal of the middle month, and a later tie-out of the middle month end finds its
        // accounts differing: that month end's latest check no longer agrees.
        host.State.SetBehaviour(SimulatorBehaviour.Default with { UnbookedJournalNumbers = [journal.Number] });
        (exitCode, output) = await CliHarness.RunAsync(["sync", "--tie-out", "--as-at", $"{dates[1]:yyyy-MM-dd}", "--data-dir", data.Path], Environment(host));
        Assert.True(exitCode == ExitCodes.NotTied, output);

        // At the last month end the accounts last agreed at the first month end, so the journals behind them start the day after.
        (exitCode, output) = await CliHarness.RunAsync(["sync", "--tie-out", "--as-at", $"{dates[2]:yyyy-MM-dd}", "--data-dir", data.Path], Environment(host));
        Assert.True(exitCode == ExitCodes.NotTied, output);
        var from = dates[0].AddDays(1);
        foreach (var report in (string[])["TrialBalance", "BalanceSheet"])
        {
            Assert.Equal(ExpectedJournals(host, accounts, from, dates[2]), await KeptJournalsAsync(data, report, dates[2]));
        }

        var lines = output.Split('\n');
        foreach (var accountId in accounts)
        {
            var at = Array.FindIndex(lines, l => l.Contains($"[{accountId}]: Xero ", StringComparison.Ordinal));
            Assert.True(at >= 0, output);
            Assert.StartsWith($"warehouse journals on it since {from:yyyy-MM-dd}: ", lines[at + 1].Trim(), StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task Without_the_balance_sheet_scope_its_tie_out_is_skipped_with_the_scope_named()
    {
        // A connection granted the Trial Balance's report scope but not the Balance Sheet's (developer.xero.com: one scope per report family).
        var options = new SimulatorOptions
        {
            Tenants = 1, Scale = 0.05, ChangesPerMinute = 0, EnforceScopes = true,
            CustomConnectionScope = "accounting.transactions.read accounting.contacts.read accounting.settings.read accounting.journals.read accounting.budgets.read accounting.reports.trialbalance.read",
        };
        await using var host = await XeroSimulatorHost.StartAsync(options, Ct);
        using var data = new TempDirectory();

        var (exitCode, output) = await CliHarness.RunAsync(["sync", "--tie-out", "--data-dir", data.Path], Environment(host));

        Assert.True(exitCode == ExitCodes.Success, output);
        var tenant = host.State.Tenants[0].TenantId;
        foreach (var date in MonthEnds())
        {
            Assert.Contains($"{tenant} ({host.State.Tenants[0].Name}) Balance Sheet as at {date:yyyy-MM-dd}: skipped, the connection does not grant accounting.reports.balancesheet.read", output, StringComparison.Ordinal);
            Assert.Contains($"{tenant} ({host.State.Tenants[0].Name}) Trial Balance as at {date:yyyy-MM-dd}: ties,", output, StringComparison.Ordinal);
        }

        Assert.Equal(0, host.State.Requests.Count(r => r.Endpoint == "Reports/BalanceSheet"));
        Assert.Equal(3, host.State.Requests.Count(r => r.Endpoint == "Reports/TrialBalance" && r.StatusCode == 200));
    }

    [Fact(Timeout = 300_000)]
    public async Task Months_chooses_how_many_month_ends_are_tied_out()
    {
        await using var host = await XeroSimulatorHost.StartAsync(Options(), Ct);
        using var data = new TempDirectory();

        var (exitCode, output) = await CliHarness.RunAsync(["sync", "--tie-out", "--months", "5", "--data-dir", data.Path], Environment(host));

        Assert.True(exitCode == ExitCodes.Success, output);
        // The last day of each of the five months before this one (UTC), each asked for once per report, oldest first.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var first = new DateOnly(today.Year, today.Month, 1);
        string[] dates = [.. Enumerable.Range(0, 5).Select(back => first.AddMonths(-4 + back).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))];
        foreach (var report in (string[])["Reports/TrialBalance", "Reports/BalanceSheet"])
        {
            var asked = host.State.Requests.Where(r => r.Endpoint == report && r.StatusCode == 200)
                .Select(r => System.Web.HttpUtility.ParseQueryString(new Uri(host.BaseUrl, r.PathAndQuery).Query)["date"]).ToList();
            Assert.Equal(dates, asked);
        }

        Assert.Equal(10, output.Split('\n').Count(l => l.Contains(": ties, ", StringComparison.Ordinal)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Months_out_of_range_or_without_tie_out_or_with_as_at_is_a_usage_error()
    {
        using var data = new TempDirectory();
        foreach (var bad in (string[])["0", "25", "-1", "three", "2.5"])
        {
            var (exitCode, output) = await CliHarness.RunAsync(["sync", "--demo", "--tie-out", "--months", bad, "--data-dir", data.Path]);
            Assert.Equal(ExitCodes.Usage, exitCode);
            Assert.Contains($"--months must be a whole number of month ends from 1 to 24, not '{bad}'", output, StringComparison.Ordinal);
        }

        var (code, text) = await CliHarness.RunAsync(["sync", "--demo", "--months", "2", "--data-dir", data.Path]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--months goes with --tie-out", text, StringComparison.Ordinal);
        (code, text) = await CliHarness.RunAsync(["sync", "--demo", "--tie-out", "--months", "2", "--as-at", "2026-11-30", "--data-dir", data.Path]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--as-at and --months are two ways to choose the dates", text, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(data.Path, "warehouse.duckdb", SearchOption.AllDirectories));
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

    /// <summary>The last day of each of the three months before this one (UTC), oldest first: the documented default dates.</summary>
    private static DateOnly[] MonthEnds()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var first = new DateOnly(today.Year, today.Month, 1);
        return [first.AddMonths(-2).AddDays(-1), first.AddMonths(-1).AddDays(-1), first.AddDays(-1)];
    }

    /// <summary>
    /// "account_id journal_number amount" for each journal the simulator serves (but <paramref name="except"/>) dated from
    /// <paramref name="from"/> to <paramref name="to"/> with a line on one of <paramref name="accounts"/>, the amount its lines
    /// on that account add up to; ordered as the query in <see cref="KeptJournalsAsync"/> orders them.
    /// </summary>
    private static List<string> ExpectedJournals(XeroSimulatorHost host, IEnumerable<string> accounts, DateOnly from, DateOnly to, int? except = null)
    {
        var wanted = accounts.ToHashSet(StringComparer.Ordinal);
        return [.. Journals(host)
            .Where(j => j.Number != except && j.Date >= from && j.Date <= to)
            .SelectMany(j => j.Lines.Where(l => wanted.Contains(l.AccountId)).GroupBy(l => l.AccountId).Select(g => (AccountId: g.Key, j.Number, Amount: g.Sum(l => l.Net))))
            .OrderBy(r => r.AccountId, StringComparer.Ordinal).ThenBy(r => r.Number)
            .Select(r => $"{r.AccountId} {r.Number} {r.Amount.ToString("0.00", CultureInfo.InvariantCulture)}")];
    }

    /// <summary>The journals the warehouse kept behind the differences of one report and date (the latest check of it).</summary>
    private static async Task<List<string>> KeptJournalsAsync(TempDirectory data, string report, DateOnly asAt)
    {
        var (exitCode, kept) = await CliHarness.RunAsync(
            ["query", $"SELECT account_id || ' ' || CAST(journal_number AS VARCHAR) || ' ' || CAST(amount AS VARCHAR) AS j FROM xero_raw.tie_out_journals WHERE report = '{report}' AND as_at = DATE '{asAt:yyyy-MM-dd}' ORDER BY account_id, journal_number", "--format", "csv", "--data-dir", data.Path]);
        Assert.True(exitCode == ExitCodes.Success, kept);
        return [.. kept.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1)];
    }

    /// <summary>
    /// The simulator's latest journal dated after <paramref name="after"/> up to <paramref name="upTo"/> whose lines all post to
    /// balance-sheet accounts (by the simulator's account classes) and that moves at least one of them.
    /// </summary>
    private static (int Number, DateOnly Date, List<(string AccountId, string Code, decimal Net)> Lines) BalanceSheetJournal(XeroSimulatorHost host, DateOnly after, DateOnly upTo)
    {
        var classes = AccountClasses(host);
        var candidates = Journals(host)
            .Where(j => j.Date > after && j.Date <= upTo && j.Lines.All(l => classes.GetValueOrDefault(l.AccountId) is "ASSET" or "LIABILITY" or "EQUITY"))
            .Where(j => j.Lines.GroupBy(l => l.AccountId).Any(g => g.Sum(l => l.Net) != 0m))
            .ToList();
        Assert.NotEmpty(candidates);
        return candidates.MaxBy(j => j.Number);
    }

    private static Dictionary<string, string> AccountClasses(XeroSimulatorHost host) =>
        host.State.GetRecords(host.State.Tenants[0].TenantId, "Accounts").Values
            .Select(a => JsonDocument.Parse(a).RootElement)
            .ToDictionary(a => a.GetProperty("AccountID").GetString()!, a => a.GetProperty("Class").GetString()!, StringComparer.Ordinal);

    /// <summary>A custom connection granted the two reports' scopes (developer.xero.com: one granular scope per report family).</summary>
    private static SimulatorOptions Options() => new()
    {
        Tenants = 1, Scale = 0.05, ChangesPerMinute = 0,
        CustomConnectionScope = "accounting.transactions.read accounting.contacts.read accounting.settings.read accounting.journals.read accounting.budgets.read accounting.reports.trialbalance.read accounting.reports.balancesheet.read",
    };

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
