using DuckDB.NET.Data;
using XeroSync.Cli;
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

    [Theory(Timeout = 60_000)]
    [InlineData("sync", "XEROSYNC_RECONCILE_RESERVE_CALLS", "5001")]
    [InlineData("sync", "XEROSYNC_FULL_REFRESH_DAYS", "a week")]
    [InlineData("sync", "XEROSYNC_MAX_REREADS", "-1")]
    [InlineData("retry", "XEROSYNC_MAX_REREADS", "11")]
    [InlineData("sync", "XEROSYNC_EGRESS_BUDGET_MB", "-5")]
    [InlineData("sync", "XEROSYNC_TENANT_EGRESS_BUDGET_MB", "2 GB")]
    [InlineData("sync", "XEROSYNC_TENANT_EGRESS_BUDGET_MB", "0.0000001")]
    public async Task A_bad_pipeline_tuning_value_exits_2_naming_the_variable(string command, string variable, string value)
    {
        using var data = new TempDirectory();
        var env = new Dictionary<string, string> { [variable] = value };
        string[] args = command == "sync" ? ["sync", "--demo", "--data-dir", data.Path] : ["retry", "20260101T000000Z-0000", "--demo", "--data-dir", data.Path];

        var (exitCode, output) = await CliHarness.RunAsync(args, env);

        Assert.True(exitCode == ExitCodes.Usage, output);
        Assert.Contains(variable, output, StringComparison.Ordinal);
        Assert.DoesNotContain("Demo: Xero simulator", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_reconcile_reserve_variable_sets_the_calls_a_cli_reconcile_keeps_for_incrementals()
    {
        using var data = new TempDirectory();
        var env = new Dictionary<string, string> { ["XEROSYNC_RECONCILE_RESERVE_CALLS"] = "1234" };

        var (exitCode, output) = await CliHarness.RunAsync(["sync", "--reconcile", "--demo", "--data-dir", data.Path, "--endpoints", "Users"], env);

        Assert.True(exitCode == ExitCodes.Success, output);
        Assert.Contains("1,234 kept for incrementals", output, StringComparison.Ordinal);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("sync", "--demo", "--endpoints", "Invoices,Bogus")]
    [InlineData("sync", "--demo", "--tenants", "0")]
    [InlineData("sync", "--demo", "--tenants", "51")]
    [InlineData("sync", "--nonsense")]
    [InlineData("sync", "--data-dir")]
    [InlineData("sync", "--demo", "--budget", "5")]
    [InlineData("sync", "--demo", "--full-refresh")]
    [InlineData("sync", "--demo", "--reconcile", "--budget", "lots")]
    [InlineData("sync", "--demo", "--reconcile", "--budget", "5001")]
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

    // A full sync of the demo organisation makes 64 calls (54 list calls, one by-id call per budget and per group):
    // past Xero's 60 a minute, so the last calls wait for the minute window (about a minute on the real clock).
    [Fact(Timeout = 240_000)]
    public async Task Sync_demo_exits_0_with_a_raw_table_and_a_latest_view_for_every_endpoint()
    {
        using var data = new TempDirectory();

        var (exitCode, output) = await CliHarness.RunAsync(["sync", "--demo", "--data-dir", data.Path]);

        Assert.True(exitCode == ExitCodes.Success, output);
        // 27 endpoints, and the details of budgets and contact groups (their by-id calls) as two more rows.
        Assert.Contains("29/29 complete", output, StringComparison.Ordinal);
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

    [Fact(Timeout = 120_000)]
    public async Task Sync_reconcile_reports_its_budget_cost_and_deferrals_and_exits_partial_when_something_did_not_fit()
    {
        using var data = new TempDirectory();
        var (syncExit, syncOutput) = await CliHarness.RunAsync(["sync", "--demo", "--data-dir", data.Path, "--endpoints", "Items,Users,Accounts,Currencies"]);
        Assert.True(syncExit == ExitCodes.Success, syncOutput);

        // A budget of 3: the probe and two one-call endpoints; the other two are deferred and said to be.
        var (exitCode, output) = await CliHarness.RunAsync(["sync", "--reconcile", "--demo", "--data-dir", data.Path, "--budget", "3", "--endpoints", "Items,Users,Accounts,Currencies"]);

        Assert.True(exitCode == ExitCodes.Partial, output);
        Assert.Contains("2 deferred for budget", output, StringComparison.Ordinal);
        Assert.Contains("capped at 3: budget 2 calls after a 1-call probe", output, StringComparison.Ordinal);
        Assert.Contains("cost and findings", output, StringComparison.Ordinal);
        Assert.Contains("3 of 3 calls (probe included)", output.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Equal(2, output.Split("deferred (budget)").Length - 1);
    }

    [Fact(Timeout = 180_000)]
    public async Task Over_an_organisations_egress_budget_sync_is_only_warned_and_a_reconcile_and_a_full_sync_defer_naming_the_budget()
    {
        using var data = new TempDirectory();
        string[] endpoints = ["--endpoints", "Items,Users,Accounts,Currencies"];

        // 0.001 MB (1,000 bytes) a month: the first sync exceeds it, and runs all the same.
        var env = new Dictionary<string, string> { ["XEROSYNC_TENANT_EGRESS_BUDGET_MB"] = "0.001" };
        var (syncExit, syncOutput) = await CliHarness.RunAsync(["sync", "--demo", "--data-dir", data.Path, .. endpoints], env);
        Assert.True(syncExit == ExitCodes.Success, syncOutput);
        Assert.Contains("Warning: monthly egress budget of 0.001 MB for tenant ", Flat(syncOutput), StringComparison.Ordinal);
        Assert.Contains("(reconciles and full syncs are deferred; incremental syncs still run)", Flat(syncOutput), StringComparison.Ordinal);

        var (exitCode, output) = await CliHarness.RunAsync(["sync", "--reconcile", "--demo", "--data-dir", data.Path, .. endpoints], env);

        Assert.True(exitCode == ExitCodes.Partial, output);
        Assert.Equal(4, output.Split("deferred (egress budget)").Length - 1);
        Assert.Equal(4, Flat(output).Split(": deferred: monthly egress budget of 0.001 MB for tenant ").Length - 1);

        // A full sync plans within the budget as the reconcile did: nothing fits, each endpoint is listed as deferred, exit 3.
        var (fullExit, fullOutput) = await CliHarness.RunAsync(["sync", "--full", "--demo", "--data-dir", data.Path, .. endpoints], env);

        Assert.True(fullExit == ExitCodes.Partial, fullOutput);
        Assert.Equal(4, Flat(fullOutput).Split(": deferred: monthly egress budget of 0.001 MB for tenant ").Length - 1);
    }

    /// <summary>The output with the console's line wrapping undone.</summary>
    private static string Flat(string output) => string.Join(' ', output.Split((char[])['\r', '\n', ' '], StringSplitOptions.RemoveEmptyEntries));
}
