using DuckDB.NET.Data;
using XeroSync.Dispatcher.Cli;
using XeroSync.Xero;

namespace XeroSync.Tests;

public sealed class CliTests
{
    [Fact(Timeout = 60_000)]
    public async Task Sync_without_credentials_or_demo_names_both_options_and_exits_2()
    {
        var (exitCode, output) = await CliHarness.RunAsync(["sync", "--data-dir", Path.GetTempPath()]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--demo", output, StringComparison.Ordinal);
        Assert.Contains("XERO_CLIENT_ID", output, StringComparison.Ordinal);
        Assert.Contains("XERO_CLIENT_SECRET", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Plain_http_is_refused_for_a_non_loopback_xero_url()
    {
        var env = new Dictionary<string, string>
        {
            ["XERO_CLIENT_ID"] = "id",
            ["XERO_CLIENT_SECRET"] = "secret",
            ["XERO_API_URL"] = "http://api.example.com",
        };

        var (exitCode, output) = await CliHarness.RunAsync(["sync"], env);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("XERO_API_URL", output, StringComparison.Ordinal);
        Assert.Contains("loopback", output, StringComparison.Ordinal);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("0")]
    [InlineData("abc")]
    [InlineData("601")]
    public async Task A_bad_attempt_timeout_exits_2_naming_the_variable(string value)
    {
        var env = new Dictionary<string, string>
        {
            ["XERO_CLIENT_ID"] = "id",
            ["XERO_CLIENT_SECRET"] = "secret",
            ["XERO_ATTEMPT_TIMEOUT_SECONDS"] = value,
        };

        var (exitCode, output) = await CliHarness.RunAsync(["sync"], env);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("XERO_ATTEMPT_TIMEOUT_SECONDS", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sync", "--demo", "--endpoints", "Invoices,Bogus")]
    [InlineData("sync", "--demo", "--tenants", "0")]
    [InlineData("sync", "--demo", "--tenants", "51")]
    [InlineData("sync", "--nonsense")]
    [InlineData("sync", "--data-dir")]
    [InlineData("retry")]
    [InlineData("retry", "../../etc")]
    public async Task Bad_arguments_exit_2_with_a_message(params string[] args)
    {
        var (exitCode, output) = await CliHarness.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.StartsWith("error:", output.TrimStart(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Status_without_runs_says_to_sync_first()
    {
        using var data = new TempDirectory();

        var (exitCode, output) = await CliHarness.RunAsync(["status", "--data-dir", data.Path]);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("sync", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Sync_demo_exits_0_with_a_raw_table_and_a_latest_view_for_every_endpoint()
    {
        using var data = new TempDirectory();

        var (exitCode, output) = await CliHarness.RunAsync(["sync", "--demo", "--data-dir", data.Path]);

        Assert.True(exitCode == ExitCodes.Success, output);
        Assert.Contains("27/27 complete", output, StringComparison.Ordinal);
        await using var connection = new DuckDBConnection($"Data Source={Path.Combine(data.Path, "warehouse.duckdb")};ACCESS_MODE=READ_ONLY");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        foreach (var endpoint in EndpointCatalog.All)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*), count(DISTINCT (tenant_id, record_id)) FROM xero.{endpoint.TableName}";
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken));
            Assert.True(reader.GetInt64(0) > 0, $"xero.{endpoint.TableName} is empty");
            Assert.Equal(reader.GetInt64(0), reader.GetInt64(1));
        }

        var (statusExit, status) = await CliHarness.RunAsync(["status", "--data-dir", data.Path]);
        Assert.Equal(ExitCodes.Success, statusExit);
        Assert.Contains("complete", status, StringComparison.Ordinal);
    }
}
