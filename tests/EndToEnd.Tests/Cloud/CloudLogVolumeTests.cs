using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests.Cloud;

/// <summary>
/// What the Worker costs in Cloud Logging (billed by volume): a sync writes one INFO line per page fetched and one per
/// manifest loaded (plus one per endpoint whose reads were verified), and nothing at INFO from the framework: no
/// HttpClient start/sending/received/end lines for the Xero and Google calls, no ASP.NET Core request lines. The pages
/// come from the simulator's request log, the loads from the fake BigQuery's load jobs, not from the code.
/// </summary>
public sealed class CloudLogVolumeTests(GoogleEmulators emulators)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task A_sync_writes_one_info_line_per_page_fetched_and_per_manifest_loaded_and_none_per_http_call()
    {
        var collector = new FakeLogCollector();
        await using var cloud = await CloudEnvironment.StartAsync(
            emulators,
            Token,
            o => new SimulatorOptions { Seed = o.Seed, Tenants = 1, ChangesPerMinute = 0, Scale = 0.3, Clock = o.Clock },
            configureService: (service, builder) =>
            {
                if (service == "worker")
                {
                    builder.Logging.AddProvider(new FakeLoggerProvider(collector));
                }
            });

        string[] endpoints = ["Invoices", "Contacts", "Accounts", "Journals"];
        var runId = await cloud.StartRunAsync(Token, endpoints);
        Assert.Equal("complete", await cloud.WaitForStateAsync(runId, TimeSpan.FromMinutes(3), Token, "complete", "partial"));

        // The Worker made every Xero call of the run (the Dispatcher only lists the connections).
        var xeroCalls = cloud.Truth.Requests.Count(r => r.Endpoint is not null && endpoints.Contains(r.Endpoint, StringComparer.Ordinal));
        var loads = cloud.BigQuery.LoadJobs.Select(j => j.JobId).Distinct(StringComparer.Ordinal).Count();
        var records = collector.GetSnapshot();
        var info = records.Where(r => r.Level == LogLevel.Information).ToList();

        Assert.DoesNotContain(info, r => !r.Category!.StartsWith("XeroSync.", StringComparison.Ordinal));
        Assert.DoesNotContain(records, r => r.Category!.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) && r.Level < LogLevel.Warning);
        Assert.Equal(xeroCalls, info.Count(r => r.Id.Id == 500));
        Assert.Equal(loads, info.Count(r => r.Id.Id == 400));
        var verified = info.Count(r => r.Id.Id == 520);
        Assert.InRange(verified, 0, endpoints.Length);
        var unexpected = info.Where(r => r.Id.Id is not (500 or 400 or 520)).Select(r => $"{r.Category} {r.Id.Id}: {r.Message}").ToList();
        Assert.True(unexpected.Count == 0, "INFO lines that are not a page, a load or a verification:\n" + string.Join('\n', unexpected));

        TestContext.Current.SendDiagnosticMessage(
            $"Worker log volume: {info.Count} INFO lines for {xeroCalls} Xero calls ({(double)info.Count / xeroCalls:F2} per call; {records.Count} records at all enabled levels)");
    }
}
