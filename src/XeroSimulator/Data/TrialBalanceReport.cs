using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace XeroSync.XeroSimulator.Data;

/// <summary>
/// GET /Reports/TrialBalance?date=YYYY-MM-DD computed from the organisation's own general ledger (its Journals
/// collection, hidden journals included), in the shape of Xero-OpenAPI's ReportWithRows example: a Header row (Account,
/// Debit, Credit, YTD Debit, YTD Credit), one Section per account class (Revenue, Expenses, Assets, Liabilities,
/// Equity), a Row per account with a balance (each cell carrying the account's id as attribute <c>account</c>), and a
/// SummaryRow of totals. Debit/Credit: the movement of the date's month up to the date; YTD: the balance at the date, for
/// revenue and expense accounts since the financial year began, the profit of earlier years shown on Retained Earnings.
/// </summary>
internal static class TrialBalanceReport
{
    private static readonly string[] SectionOrder = ["REVENUE", "EXPENSE", "ASSET", "LIABILITY", "EQUITY"];

    public static byte[] Build(RecordCollection journals, RecordCollection accounts, RecordCollection organisation, OrganisationReferences references, DateOnly date, IReadOnlyCollection<int> unbooked, DateTimeOffset now, string providerName)
    {
        var org = JsonNode.Parse(organisation.Records[0].Json)!.AsObject();
        var yearStart = FinancialYearStart(date, org["FinancialYearEndDay"]!.GetValue<int>(), org["FinancialYearEndMonth"]!.GetValue<int>());
        var monthStart = new DateOnly(date.Year, date.Month, 1);
        var classes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var account in accounts.Records)
        {
            using var document = JsonDocument.Parse(account.Json);
            classes[document.RootElement.GetProperty("AccountID").GetString()!] = document.RootElement.GetProperty("Class").GetString()!;
        }

        var balances = new Dictionary<string, TrialBalanceAccount>(StringComparer.Ordinal);
        var earlierProfit = 0m;
        ReportLedger.ForEachLine(journals, date, unbooked, (journalDate, line) =>
        {
            var id = line.GetProperty("AccountID").GetString()!;
            if (!balances.TryGetValue(id, out var balance))
            {
                var type = line.GetProperty("AccountType").GetString()!;
                balance = new TrialBalanceAccount(id, line.GetProperty("AccountCode").GetString()!, line.GetProperty("AccountName").GetString()!, classes.GetValueOrDefault(id) ?? ClassOfType(type));
                balances[id] = balance;
            }

            var net = line.GetProperty("NetAmount").GetDecimal();
            if (journalDate >= monthStart)
            {
                balance.Month += net;
            }

            if (balance.IsProfitAndLoss && journalDate < yearStart)
            {
                earlierProfit += net;
            }
            else
            {
                balance.ToDate += net;
            }
        });

        if (earlierProfit != 0m && references.RetainedEarnings is { } retained)
        {
            if (!balances.TryGetValue(retained.AccountId, out var balance))
            {
                balance = new TrialBalanceAccount(retained.AccountId, retained.Code, retained.Name, "EQUITY");
                balances[retained.AccountId] = balance;
            }

            balance.ToDate += earlierProfit;
        }

        var rows = new JsonArray { Header() };
        var totals = new decimal[4];
        foreach (var section in SectionOrder)
        {
            var sectionRows = new JsonArray();
            foreach (var balance in balances.Values.Where(b => b.Class == section && (b.Month != 0m || b.ToDate != 0m)).OrderBy(b => b.Name, StringComparer.Ordinal))
            {
                sectionRows.Add(Row(balance, totals));
            }

            if (sectionRows.Count > 0)
            {
                rows.Add(new JsonObject { ["RowType"] = "Section", ["Title"] = Title(section), ["Rows"] = sectionRows });
            }
        }

        rows.Add(new JsonObject
        {
            ["RowType"] = "Section",
            ["Title"] = "",
            ["Rows"] = new JsonArray
            {
                new JsonObject
                {
                    ["RowType"] = "SummaryRow",
                    ["Cells"] = new JsonArray { Cell("Total"), Cell(Money(totals[0])), Cell(Money(totals[1])), Cell(Money(totals[2])), Cell(Money(totals[3])) },
                },
            },
        });

        return ReportLedger.Envelope(org, "Trial Balance", "TrialBalance", date, rows, now, providerName);
    }

    /// <summary>The first day of the financial year <paramref name="date"/> falls in, given the year's last day and month.</summary>
    public static DateOnly FinancialYearStart(DateOnly date, int endDay, int endMonth)
    {
        DateOnly End(int year) => new(year, endMonth, Math.Min(endDay, DateTime.DaysInMonth(year, endMonth)));
        var end = End(date.Year);
        return (end < date ? end : End(date.Year - 1)).AddDays(1);
    }

    public static string ClassOfType(string type) => type switch
    {
        "REVENUE" or "SALES" or "OTHERINCOME" => "REVENUE",
        "EXPENSE" or "OVERHEADS" or "DIRECTCOSTS" or "DEPRECIATN" => "EXPENSE",
        "EQUITY" => "EQUITY",
        "LIABILITY" or "CURRLIAB" or "TERMLIAB" => "LIABILITY",
        _ => "ASSET",
    };

    private static string Title(string section) => section switch
    {
        "REVENUE" => "Revenue",
        "EXPENSE" => "Expenses",
        "ASSET" => "Assets",
        "LIABILITY" => "Liabilities",
        _ => "Equity",
    };

    private static JsonObject Header() => new()
    {
        ["RowType"] = "Header",
        ["Cells"] = new JsonArray { Cell("Account"), Cell("Debit"), Cell("Credit"), Cell("YTD Debit"), Cell("YTD Credit") },
    };

    private static JsonObject Row(TrialBalanceAccount balance, decimal[] totals)
    {
        var debitSide = balance.Class is "ASSET" or "EXPENSE";
        var (debit, credit) = Sides(balance.Month, debitSide);
        var (ytdDebit, ytdCredit) = Sides(balance.ToDate, debitSide);
        totals[0] += Math.Max(balance.Month, 0m);
        totals[1] += Math.Max(-balance.Month, 0m);
        totals[2] += Math.Max(balance.ToDate, 0m);
        totals[3] += Math.Max(-balance.ToDate, 0m);
        return new JsonObject
        {
            ["RowType"] = "Row",
            ["Cells"] = new JsonArray
            {
                AccountCell(string.Create(CultureInfo.InvariantCulture, $"{balance.Name} ({balance.Code})"), balance.AccountId),
                AccountCell(debit, balance.AccountId),
                AccountCell(credit, balance.AccountId),
                AccountCell(ytdDebit, balance.AccountId),
                AccountCell(ytdCredit, balance.AccountId),
            },
        };
    }

    /// <summary>A balance in its Debit or Credit cell (the other empty); zero shows as 0.00 on the account's usual side.</summary>
    private static (string Debit, string Credit) Sides(decimal amount, bool debitSide) => amount switch
    {
        > 0m => (Money(amount), ""),
        < 0m => ("", Money(-amount)),
        _ => debitSide ? ("0.00", "") : ("", "0.00"),
    };

    public static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    public static JsonObject Cell(string value) => new() { ["Value"] = value };

    public static JsonObject AccountCell(string value, string accountId) => new()
    {
        ["Value"] = value,
        ["Attributes"] = new JsonArray { new JsonObject { ["Value"] = accountId, ["Id"] = "account" } },
    };
}
