using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// GET /Reports/TrialBalance is Xero's report of the simulated ledger: the shape of Xero-OpenAPI's ReportWithRows example
/// (Header cells Account, Debit, Credit, YTD Debit, YTD Credit; a Section per account class; each account's cells carrying
/// its id as attribute "account"; a SummaryRow of totals), and per account the balance of the journals GET /Journals
/// serves, computed here from those journal records: balance-sheet accounts to the date, revenue and expense accounts
/// since the financial year began (Organisation's FinancialYearEndDay/Month), earlier years' profit on the
/// RETAINEDEARNINGS system account, as Xero's Trial Balance shows them.
/// </summary>
public sealed class TrialBalanceReportTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Dates => new() { "2026-03-01", "2025-09-30", "2025-03-31" };

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Dates))]
    public async Task Each_account_shows_the_balance_of_the_served_journals(string day)
    {
        var clock = new FakeTimeProvider(Start);
        await using var simulator = await TestSimulator.StartAsync(TestSimulator.SmallOptions(clock));
        var date = DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var expected = await ExpectedBalancesAsync(simulator, date);

        var envelope = await simulator.GetJsonAsync("Reports/TrialBalance?date=" + day);
        var report = Assert.Single(envelope.GetProperty("Reports").EnumerateArray().ToList());
        Assert.Equal("TrialBalance", report.GetString("ReportType"));
        var rows = report.GetProperty("Rows").EnumerateArray().ToList();
        Assert.Equal(["Account", "Debit", "Credit", "YTD Debit", "YTD Credit"], rows[0].GetProperty("Cells").EnumerateArray().Select(c => c.GetString("Value")));
        var accounts = new Dictionary<string, (decimal Month, decimal Ytd)>(StringComparer.Ordinal);
        var totals = new decimal[4];
        foreach (var section in rows.Skip(1))
        {
            Assert.Equal("Section", section.GetString("RowType"));
            foreach (var row in section.GetProperty("Rows").EnumerateArray())
            {
                var cells = row.GetProperty("Cells").EnumerateArray().ToList();
                var amounts = cells.Skip(1).Select(c => Amount(c.GetString("Value"))).ToArray();
                if (row.GetString("RowType") == "SummaryRow")
                {
                    Assert.Equal("Total", cells[0].GetString("Value"));
                    Assert.Equal(totals, amounts);
                    continue;
                }

                var id = cells[0].GetProperty("Attributes").EnumerateArray().Single(a => a.GetString("Id") == "account").GetString("Value");
                Assert.All(cells, c => Assert.Equal(id, c.GetProperty("Attributes")[0].GetString("Value")));
                accounts.Add(id, (amounts[0] - amounts[1], amounts[2] - amounts[3]));
                for (var i = 0; i < 4; i++)
                {
                    totals[i] += amounts[i];
                }
            }
        }

        // A trial balance balances: total debits equal total credits, in the month and to date.
        Assert.Equal(totals[0], totals[1]);
        Assert.Equal(totals[2], totals[3]);
        Assert.NotEqual(0m, totals[2]);
        Assert.Equal(expected.Where(e => e.Value.Month != 0m || e.Value.Ytd != 0m).ToDictionary(), accounts);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_hidden_journal_leaves_the_list_but_stays_in_the_report()
    {
        var clock = new FakeTimeProvider(Start);
        await using var simulator = await TestSimulator.StartAsync(TestSimulator.SmallOptions(clock));
        var before = (await simulator.GetJsonAsync("Reports/TrialBalance?date=2026-03-01")).GetProperty("Reports").GetRawText();
        var journals = simulator.State.GetRecords(simulator.TenantId, "Journals").Values.Select(j => JsonDocument.Parse(j).RootElement).ToList();
        var hidden = journals.Max(j => j.GetProperty("JournalNumber").GetInt32()) - 3;

        simulator.State.SetBehaviour(SimulatorBehaviour.Default with { HiddenJournalNumbers = [hidden] });

        var served = (await simulator.GetJsonAsync("Journals?offset=" + (hidden - 2).ToString(CultureInfo.InvariantCulture))).GetProperty("Journals").EnumerateArray()
            .Select(j => j.GetProperty("JournalNumber").GetInt32()).ToList();
        Assert.Contains(hidden - 1, served);
        Assert.Contains(hidden + 1, served);
        Assert.DoesNotContain(hidden, served);
        var after = (await simulator.GetJsonAsync("Reports/TrialBalance?date=2026-03-01")).GetProperty("Reports").GetRawText();
        Assert.Equal(Strip(before), Strip(after));
    }

    [Fact(Timeout = 120_000)]
    public async Task An_unbooked_journal_stays_in_the_list_but_leaves_the_report()
    {
        var clock = new FakeTimeProvider(Start);
        await using var simulator = await TestSimulator.StartAsync(TestSimulator.SmallOptions(clock));
        var before = await YtdBalancesAsync(simulator, "2026-03-01");
        var classes = (await simulator.GetJsonAsync("Accounts")).GetProperty("Accounts").EnumerateArray().ToDictionary(a => a.GetString("AccountID"), a => a.GetString("Class"));
        // A journal of balance-sheet accounts (their balances run to date, so the report shows its lines as they are).
        var journal = simulator.State.GetRecords(simulator.TenantId, "Journals").Values.Select(j => JsonDocument.Parse(j).RootElement)
            .Where(j => j.GetProperty("JournalLines").EnumerateArray().All(l => classes[l.GetString("AccountID")] is "ASSET" or "LIABILITY" or "EQUITY"))
            .MaxBy(j => j.GetProperty("JournalNumber").GetInt32());
        var number = journal.GetProperty("JournalNumber").GetInt32();

        simulator.State.SetBehaviour(SimulatorBehaviour.Default with { UnbookedJournalNumbers = [number] });

        var served = (await simulator.GetJsonAsync("Journals?offset=" + (number - 1).ToString(CultureInfo.InvariantCulture))).GetProperty("Journals").EnumerateArray()
            .Select(j => j.GetProperty("JournalNumber").GetInt32()).ToList();
        Assert.Contains(number, served);
        var after = await YtdBalancesAsync(simulator, "2026-03-01");
        var lines = journal.GetProperty("JournalLines").EnumerateArray().GroupBy(l => l.GetString("AccountID")).ToDictionary(g => g.Key, g => g.Sum(l => l.GetProperty("NetAmount").GetDecimal()));
        Assert.Contains(lines.Values, net => net != 0m);
        foreach (var account in before.Keys.Union(after.Keys))
        {
            Assert.Equal(before.GetValueOrDefault(account) - lines.GetValueOrDefault(account), after.GetValueOrDefault(account));
        }
    }

    /// <summary>Each account's YTD Debit less YTD Credit in GET /Reports/TrialBalance at <paramref name="day"/>, by the account attribute of its cells.</summary>
    private static async Task<Dictionary<string, decimal>> YtdBalancesAsync(TestSimulator simulator, string day)
    {
        var report = Assert.Single((await simulator.GetJsonAsync("Reports/TrialBalance?date=" + day)).GetProperty("Reports").EnumerateArray().ToList());
        var balances = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var row in report.GetProperty("Rows").EnumerateArray().Where(r => r.GetString("RowType") == "Section").SelectMany(s => s.GetProperty("Rows").EnumerateArray()))
        {
            var cells = row.GetProperty("Cells").EnumerateArray().ToList();
            if (row.GetString("RowType") != "Row")
            {
                continue;
            }

            var account = cells[0].GetProperty("Attributes").EnumerateArray().Single(a => a.GetString("Id") == "account").GetString("Value");
            decimal Amount(int i) => cells[i].GetString("Value") is { Length: > 0 } text ? decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : 0m;
            balances[account] = Amount(3) - Amount(4);
        }

        return balances;
    }

    /// <summary>
    /// GET /Reports/BalanceSheet (the shape of Xero-OpenAPI's BalanceSheet example): each asset account at its debit
    /// balance, each liability and equity account at its credit balance (Retained Earnings with the earlier years' profit),
    /// Current Year Earnings the profit since the financial year began, all from the served journals; and it balances.
    /// </summary>
    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Dates))]
    public async Task The_balance_sheet_shows_each_account_s_balance_from_the_served_journals_and_balances(string day)
    {
        var clock = new FakeTimeProvider(Start);
        await using var simulator = await TestSimulator.StartAsync(TestSimulator.SmallOptions(clock));
        var date = DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var expected = await ExpectedBalancesAsync(simulator, date);
        var classes = (await simulator.GetJsonAsync("Accounts")).GetProperty("Accounts").EnumerateArray().ToDictionary(a => a.GetString("AccountID"), a => a.GetString("Class"));

        var report = Assert.Single((await simulator.GetJsonAsync("Reports/BalanceSheet?date=" + day)).GetProperty("Reports").EnumerateArray().ToList());
        Assert.Equal("BalanceSheet", report.GetString("ReportType"));
        var rows = report.GetProperty("Rows").EnumerateArray().ToList();
        Assert.Equal("Header", rows[0].GetString("RowType"));
        var shown = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var totals = new Dictionary<string, decimal>(StringComparer.Ordinal);
        decimal? netAssets = null;
        decimal? currentYear = null;
        foreach (var section in rows.Skip(1))
        {
            Assert.Equal("Section", section.GetString("RowType"));
            foreach (var row in section.GetProperty("Rows").EnumerateArray())
            {
                var cells = row.GetProperty("Cells").EnumerateArray().ToList();
                var (title, amount) = (cells[0].GetString("Value"), decimal.Parse(cells[1].GetString("Value"), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
                if (row.GetString("RowType") == "SummaryRow")
                {
                    totals.Add(title, amount);
                }
                else if (title == "Net Assets")
                {
                    netAssets = amount;
                }
                else if (title == "Current Year Earnings")
                {
                    currentYear = amount;
                }
                else
                {
                    shown.Add(cells[0].GetProperty("Attributes").EnumerateArray().Single(a => a.GetString("Id") == "account").GetString("Value"), amount);
                }
            }
        }

        var sheet = expected.Where(e => classes[e.Key] is "ASSET" or "LIABILITY" or "EQUITY" && e.Value.Ytd != 0m)
            .ToDictionary(e => e.Key, e => classes[e.Key] == "ASSET" ? e.Value.Ytd : -e.Value.Ytd);
        Assert.Equal(sheet, shown);
        Assert.Equal(-expected.Where(e => classes[e.Key] is "REVENUE" or "EXPENSE").Sum(e => e.Value.Ytd), currentYear);
        Assert.Equal(shown.Where(s => classes[s.Key] == "ASSET").Sum(s => s.Value), totals["Total Assets"]);
        Assert.Equal(shown.Where(s => classes[s.Key] == "LIABILITY").Sum(s => s.Value), totals["Total Liabilities"]);
        Assert.Equal(totals["Total Assets"] - totals["Total Liabilities"], netAssets);
        Assert.Equal(netAssets, totals["Total Equity"]);
        Assert.NotEqual(0m, totals["Total Assets"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_date_that_is_not_a_date_is_a_validation_error()
    {
        var clock = new FakeTimeProvider(Start);
        await using var simulator = await TestSimulator.StartAsync(TestSimulator.SmallOptions(clock));
        using var response = await simulator.GetAsync("Reports/TrialBalance?date=31-03-2026");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        using var unknown = await simulator.GetAsync("Reports/NoSuchReport");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
    }

    /// <summary>Per account id: the month's movement and the Trial Balance's YTD balance, from the served Journals, Accounts and Organisation.</summary>
    private static async Task<Dictionary<string, (decimal Month, decimal Ytd)>> ExpectedBalancesAsync(TestSimulator simulator, DateOnly date)
    {
        var organisation = (await simulator.GetJsonAsync("Organisation")).GetProperty("Organisations")[0];
        var endMonth = organisation.GetProperty("FinancialYearEndMonth").GetInt32();
        var endDay = organisation.GetProperty("FinancialYearEndDay").GetInt32();
        var yearEnd = new DateOnly(date.Year, endMonth, endDay);
        var yearStart = (yearEnd < date ? yearEnd : yearEnd.AddYears(-1)).AddDays(1);
        var accounts = (await simulator.GetJsonAsync("Accounts")).GetProperty("Accounts").EnumerateArray().ToList();
        var classes = accounts.ToDictionary(a => a.GetString("AccountID"), a => a.GetString("Class"));
        var retained = accounts.Single(a => a.TryGetProperty("SystemAccount", out var s) && s.GetString() == "RETAINEDEARNINGS").GetString("AccountID");

        var balances = new Dictionary<string, (decimal Month, decimal Ytd)>(StringComparer.Ordinal);
        var earlierProfit = 0m;
        var offset = 0;
        while (true)
        {
            var page = (await simulator.GetJsonAsync("Journals?offset=" + offset.ToString(CultureInfo.InvariantCulture))).GetProperty("Journals").EnumerateArray().ToList();
            if (page.Count == 0)
            {
                break;
            }

            offset = page.Max(j => j.GetProperty("JournalNumber").GetInt32());
            foreach (var journal in page)
            {
                var journalDate = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(Ms(journal.GetString("JournalDate"))).UtcDateTime);
                if (journalDate > date)
                {
                    continue;
                }

                foreach (var line in journal.GetProperty("JournalLines").EnumerateArray())
                {
                    var id = line.GetString("AccountID");
                    var net = line.GetProperty("NetAmount").GetDecimal();
                    var (month, ytd) = balances.GetValueOrDefault(id);
                    month += journalDate.Year == date.Year && journalDate.Month == date.Month ? net : 0m;
                    if (classes[id] is "REVENUE" or "EXPENSE" && journalDate < yearStart)
                    {
                        earlierProfit += net;
                    }
                    else
                    {
                        ytd += net;
                    }

                    balances[id] = (month, ytd);
                }
            }
        }

        var current = balances.GetValueOrDefault(retained);
        balances[retained] = (current.Month, current.Ytd + earlierProfit);
        if (yearStart > DateOnly.FromDateTime(Start.AddDays(-360).UtcDateTime))
        {
            // The ledger began in an earlier financial year: Retained Earnings carries its profit.
            Assert.NotEqual(0m, earlierProfit);
        }

        return balances;
    }

    private static decimal Amount(string text) => text.Length == 0 ? 0m : decimal.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    private static long Ms(string value) => long.Parse(value.AsSpan(6, value.IndexOf('+', StringComparison.Ordinal) - 6), CultureInfo.InvariantCulture);

    /// <summary>The report without its UpdatedDateUTC stamp.</summary>
    private static string Strip(string reports) => System.Text.RegularExpressions.Regex.Replace(reports, "\"UpdatedDateUTC\":\"[^\"]*\"", string.Empty);
}
