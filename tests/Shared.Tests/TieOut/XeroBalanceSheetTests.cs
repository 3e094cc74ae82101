using System.Text;
using XeroSync.TieOut;

namespace XeroSync.Tests.TieOut;

/// <summary>
/// Xero's Balance Sheet read as Xero-OpenAPI's BalanceSheet example shows it (xero_accounting.yaml 16.1.0, rows copied with
/// their first period's values): every account row, debit positive, and no total or Net Assets row.
/// </summary>
public sealed class XeroBalanceSheetTests
{
    private const string Example = """
        {"ReportID":"BalanceSheet","ReportName":"Balance Sheet","ReportType":"BalanceSheet","Rows":[
          {"RowType":"Header","Cells":[{"Value":""},{"Value":"30 Apr 2019"},{"Value":"31 Mar 2019"}]},
          {"RowType":"Section","Title":"Assets","Rows":[]},
          {"RowType":"Section","Title":"Bank","Rows":[
            {"RowType":"Row","Cells":[{"Value":"Country Savings","Attributes":[{"Value":"041207d2-3d61-4e5d-8c1a-b9236955a71c","Id":"account"}]},{"Value":"-1850.00","Attributes":[{"Value":"041207d2-3d61-4e5d-8c1a-b9236955a71c","Id":"account"}]},{"Value":"-1850.00"}]},
            {"RowType":"Row","Cells":[{"Value":"My Big Bank","Attributes":[{"Value":"300f3bde-3a5c-4035-9ec5-45b09777679a","Id":"account"}]},{"Value":"2146.37","Attributes":[{"Value":"300f3bde-3a5c-4035-9ec5-45b09777679a","Id":"account"}]},{"Value":"2020.00"}]},
            {"RowType":"SummaryRow","Cells":[{"Value":"Total Bank"},{"Value":"296.37"},{"Value":"170.00"}]}]},
          {"RowType":"Section","Title":"","Rows":[{"RowType":"SummaryRow","Cells":[{"Value":"Total Assets"},{"Value":"296.37"},{"Value":"170.00"}]}]},
          {"RowType":"Section","Title":"Liabilities","Rows":[]},
          {"RowType":"Section","Title":"Current Liabilities","Rows":[
            {"RowType":"Row","Cells":[{"Value":"Accounts Payable","Attributes":[{"Value":"a2a4795b-a01f-40eb-afa6-a34b4514875d","Id":"account"}]},{"Value":"-3469.00","Attributes":[{"Value":"a2a4795b-a01f-40eb-afa6-a34b4514875d","Id":"account"}]},{"Value":"-3469.00"}]},
            {"RowType":"SummaryRow","Cells":[{"Value":"Total Current Liabilities"},{"Value":"-3469.00"},{"Value":"-3469.00"}]}]},
          {"RowType":"Section","Title":"","Rows":[{"RowType":"Row","Cells":[{"Value":"Net Assets"},{"Value":"185448.30"},{"Value":"185333.67"}]}]},
          {"RowType":"Section","Title":"Equity","Rows":[
            {"RowType":"Row","Cells":[{"Value":"Current Year Earnings","Attributes":[{"Value":"00000000-0000-0000-0000-000000000000","Id":"account"}]},{"Value":"114.62","Attributes":[{"Value":"00000000-0000-0000-0000-000000000000","Id":"account"},{"Value":"4/1/2019","Id":"fromDate"}]},{"Value":"156621.67"}]},
            {"RowType":"Row","Cells":[{"Value":"Owner A Funds Introduced","Attributes":[{"Value":"5690f1e8-1d02-4893-90c2-ee1a69eff942","Id":"account"}]},{"Value":"-50.00","Attributes":[{"Value":"5690f1e8-1d02-4893-90c2-ee1a69eff942","Id":"account"}]},{"Value":"-50.00"}]}]}]}
        """;

    [Fact(Timeout = 10_000)]
    public void Every_account_row_reads_debit_positive_at_the_report_date()
    {
        var lines = XeroBalanceSheet.Parse(Encoding.UTF8.GetBytes(Example));

        // Assets are shown debit positive; liabilities and equity credit positive, so their sign turns.
        (string, string, decimal)[] expected =
        [
            ("041207d2-3d61-4e5d-8c1a-b9236955a71c", "Country Savings", -1850.00m),
            ("300f3bde-3a5c-4035-9ec5-45b09777679a", "My Big Bank", 2146.37m),
            ("a2a4795b-a01f-40eb-afa6-a34b4514875d", "Accounts Payable", 3469.00m),
            ("00000000-0000-0000-0000-000000000000", "Current Year Earnings", -114.62m),
            ("5690f1e8-1d02-4893-90c2-ee1a69eff942", "Owner A Funds Introduced", 50.00m),
        ];
        Assert.Equal(expected, lines.Select(l => (l.AccountId, l.Account, l.Balance)));
    }

    [Fact(Timeout = 10_000)]
    public void A_report_without_rows_is_a_json_error_not_a_crash()
    {
        Assert.Throws<System.Text.Json.JsonException>(() => XeroBalanceSheet.Parse("{\"ReportType\":\"BalanceSheet\"}"u8));
    }
}
