using System.Text.Json;
using DuckDB.NET.Data;

namespace XeroSync.Tests.Cli;

/// <summary><c>query</c> on a warehouse file: formats keep every digit, errors exit 2, nothing can be written.</summary>
public sealed class QueryCommandTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public QueryCommandTests()
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(_data.Path, "warehouse.duckdb")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE SCHEMA xero_typed;
            CREATE TABLE xero_typed.t (name VARCHAR, amount DECIMAL(38,9), day DATE, n BIGINT, ok BOOLEAN);
            INSERT INTO xero_typed.t VALUES ('plain', 12345.6789, DATE '2026-11-02', 3, true), ('with, "quotes"', 40.00, NULL, NULL, false);
            """;
        command.ExecuteNonQuery();
    }

    private string[] Query(string sql, params string[] more) => ["query", sql, "--data-dir", _data.Path, .. more];

    [Fact(Timeout = 30_000)]
    public async Task Csv_quotes_fields_and_keeps_every_decimal()
    {
        var (exit, output) = await CliHarness.RunAsync(Query("SELECT * FROM xero_typed.t ORDER BY n NULLS LAST", "--format", "csv"));
        Assert.Equal(0, exit);
        Assert.Equal("name,amount,day,n,ok\r\nplain,12345.6789,2026-11-02,3,true\r\n\"with, \"\"quotes\"\"\",40.00,,,false\r\n", output);
    }

    [Fact(Timeout = 30_000)]
    public async Task Json_writes_numbers_as_numbers_and_nulls_as_null()
    {
        var (exit, output) = await CliHarness.RunAsync(Query("SELECT * FROM xero_typed.t ORDER BY n NULLS LAST", "--format=json"));
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var first = json.RootElement[0];
        Assert.Equal("12345.6789", first.GetProperty("amount").GetRawText());
        Assert.Equal(3, first.GetProperty("n").GetInt64());
        Assert.Equal("2026-11-02", first.GetProperty("day").GetString());
        Assert.True(first.GetProperty("ok").GetBoolean());
        Assert.Equal(JsonValueKind.Null, json.RootElement[1].GetProperty("day").ValueKind);
        Assert.Equal("with, \"quotes\"", json.RootElement[1].GetProperty("name").GetString());
    }

    [Fact(Timeout = 30_000)]
    public async Task Table_is_the_default_and_sql_may_start_with_a_comment()
    {
        var (exit, output) = await CliHarness.RunAsync(Query("-- the biggest amount\nSELECT name, amount FROM xero_typed.t ORDER BY amount DESC LIMIT 1"));
        Assert.Equal(0, exit);
        Assert.Contains("12345.6789", output, StringComparison.Ordinal);
        Assert.Contains("1 row(s)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("40.00", output, StringComparison.Ordinal);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("SELEC 1", "Parser Error")]
    [InlineData("SELECT missing_column FROM xero_typed.t", "missing_column")]
    [InlineData("DELETE FROM xero_typed.t", "read-only")]
    [InlineData("CREATE TABLE xero_typed.u (a INT)", "read-only")]
    public async Task Bad_or_writing_sql_exits_2_with_duckdbs_message_and_changes_nothing(string sql, string message)
    {
        var (exit, output) = await CliHarness.RunAsync(Query(sql));
        Assert.Equal(2, exit);
        Assert.Contains(message, output, StringComparison.Ordinal);

        var (_, count) = await CliHarness.RunAsync(Query("SELECT count(*) AS c FROM xero_typed.t", "--format", "csv"));
        Assert.Equal("c\r\n2\r\n", count);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_folder_without_a_warehouse_or_a_bad_format_exits_2_saying_what_to_do()
    {
        using var empty = new TempDirectory();
        var (exit, output) = await CliHarness.RunAsync(["query", "SELECT 1", "--data-dir", empty.Path]);
        Assert.Equal(2, exit);
        Assert.Contains("sync --demo", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(empty.Path, "warehouse.duckdb")), "query must not create a warehouse");

        (exit, output) = await CliHarness.RunAsync(Query("SELECT 1", "--format", "xml"));
        Assert.Equal(2, exit);
        Assert.Contains("table, csv or json", output, StringComparison.Ordinal);

        (exit, _) = await CliHarness.RunAsync(["query", "--data-dir", _data.Path]);
        Assert.Equal(2, exit);
    }

    public void Dispose() => _data.Dispose();
}
