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

    [Theory(Timeout = 30_000)]
    [InlineData("table")]
    [InlineData("csv")]
    [InlineData("json")]
    public async Task List_struct_and_map_values_print_as_json_text_in_every_format(string format)
    {
        const string Sql = "SELECT ['a', 'b'] AS l, {'x': 1, 'y': [2.50, 3]} AS s, MAP {'k': 'v'} AS m";

        var (exit, stdout, stderr) = await CliHarness.RunSplitAsync(Query(Sql, "--format", format));

        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain("System.", stdout, StringComparison.Ordinal);
        if (format == "json")
        {
            using var json = JsonDocument.Parse(stdout);
            var row = json.RootElement[0];
            Assert.Equal("""["a","b"]""", row.GetProperty("l").GetRawText());
            Assert.Equal("""{"x":1,"y":[2.50,3.00]}""", row.GetProperty("s").GetRawText());
            Assert.Equal("""{"k":"v"}""", row.GetProperty("m").GetRawText());
        }
        else
        {
            Assert.Contains("""["a","b"]""", stdout.Replace("\"\"", "\"", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Contains("""{"x":1,"y":[2.50,3.00]}""", stdout.Replace("\"\"", "\"", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Contains("""{"k":"v"}""", stdout.Replace("\"\"", "\"", StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }

    [Theory(Timeout = 30_000)]
    [InlineData("COPY (SELECT 1) TO '{0}/copy.csv'", "copy.csv")]
    [InlineData("COPY xero_typed.t TO '{0}/copy.parquet' (FORMAT parquet)", "copy.parquet")]
    [InlineData("EXPORT DATABASE '{0}/export'", "export")]
    [InlineData("ATTACH '{0}/other.duckdb' AS other", "other.duckdb")]
    [InlineData("INSTALL httpfs", null)]
    [InlineData("SET threads = 1", null)]
    [InlineData("SELECT 1; COPY (SELECT 1) TO '{0}/second.csv'", "second.csv")]
    public async Task Statements_that_write_or_reach_outside_are_refused_by_duckdb_and_write_nothing(string template, string? created)
    {
        using var outside = new TempDirectory();
        var sql = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, outside.Path);

        var (exit, stdout, stderr) = await CliHarness.RunSplitAsync(Query(sql, "--format", "csv"));

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside.Path));
        Assert.True(created is null || !Path.Exists(Path.Combine(outside.Path, created)));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_list_of_numbers_holding_null_is_one_line_naming_to_json()
    {
        var (exit, stdout, stderr) = await CliHarness.RunSplitAsync(Query("SELECT [1, NULL] AS l"));

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Contains("to_json(column)", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Several_statements_print_each_result_as_tables_and_are_refused_as_one_csv()
    {
        var (exit, stdout, _) = await CliHarness.RunSplitAsync(Query("SELECT 'first' AS a; SELECT 'second' AS b"));
        Assert.Equal(0, exit);
        Assert.True(stdout.IndexOf("first", StringComparison.Ordinal) is > 0 and var first && stdout.IndexOf("second", StringComparison.Ordinal) > first, stdout);

        var (csvExit, csvOut, csvErr) = await CliHarness.RunSplitAsync(Query("SELECT 'first' AS a; SELECT 'second' AS b", "--format", "csv"));
        Assert.Equal(2, csvExit);
        Assert.Empty(csvOut);
        Assert.StartsWith("error: The SQL holds 2 statements", csvErr, StringComparison.Ordinal);
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
