using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

public sealed class FaultAndControlTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact(Timeout = 60_000)]
    public async Task Server_errors_are_500_json_or_503_plain_text()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        sim.State.SetFaults(new SimulatorFaults { ServerErrorRate = 1 });
        var seen = new HashSet<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await sim.GetAsync("Currencies");
            seen.Add(response.StatusCode);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.Equal("The service is currently unavailable", text);
            }
            else
            {
                Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
                Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(text).RootElement.ValueKind);
            }
        }

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable], seen.Order());
    }

    [Fact(Timeout = 60_000)]
    public async Task Truncated_responses_are_200_with_invalid_json()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        sim.State.SetFaults(new SimulatorFaults { TruncateRate = 1 });
        using var response = await sim.GetAsync("Invoices?page=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(text));
        Assert.StartsWith("{\"Id\":", text);
    }

    [Fact(Timeout = 60_000)]
    public async Task Timeouts_hang_until_the_client_gives_up()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(AdjustableTimeProvider.StartingAt(Start)));
        sim.State.SetFaults(new SimulatorFaults { TimeoutRate = 1, TimeoutDuration = TimeSpan.FromSeconds(30) });
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        giveUp.CancelAfter(TimeSpan.FromMilliseconds(500));
        using var request = new HttpRequestMessage(HttpMethod.Get, "api.xro/2.0/Currencies");
        request.Headers.TryAddWithoutValidation("xero-tenant-id", sim.TenantId);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sim.Http.SendAsync(request, giveUp.Token));
    }

    [Fact(Timeout = 60_000)]
    public async Task The_control_api_advances_time_sets_faults_and_counts_requests()
    {
        var clock = AdjustableTimeProvider.StartingAt(Start);
        await using var sim = await TestSimulator.StartAsync(new SimulatorOptions { Clock = clock, Scale = 0.05, CreatedAt = Start, ChangesPerMinute = 5 });
        var ct = TestContext.Current.CancellationToken;
        var before = sim.State.Count(sim.TenantId, "Invoices");
        using (var advance = await sim.Http.PostAsync("_sim/advance?minutes=10", null, ct))
        {
            Assert.Equal(HttpStatusCode.OK, advance.StatusCode);
        }

        Assert.True(clock.GetUtcNow() >= Start.AddMinutes(10));
        Assert.True(sim.State.CountModifiedSince(sim.TenantId, "Invoices", Start) > 0 || sim.State.Count(sim.TenantId, "Invoices") > before);

        using (var faults = await sim.Http.PostAsJsonAsync("_sim/faults", new { ServerErrorRate = 0.25, SlowLatency = "00:00:01" }, ct))
        {
            Assert.Equal(HttpStatusCode.OK, faults.StatusCode);
        }

        Assert.Equal(0.25, sim.State.Faults.ServerErrorRate);
        Assert.Equal(TimeSpan.FromSeconds(1), sim.State.Faults.SlowLatency);
        sim.State.SetFaults(SimulatorFaults.None);

        await sim.AuthenticateAsync();
        using (var _ = await sim.GetAsync("Currencies"))
        {
        }

        var counts = await sim.Http.GetFromJsonAsync<JsonElement>("_sim/requests/count", ct);
        Assert.Equal(1, counts.GetProperty("apiCalls").GetInt32());
        var logged = Assert.Single(sim.State.Requests);
        Assert.Equal("Currencies", logged.Endpoint);
        Assert.Equal(200, logged.StatusCode);
        sim.State.ResetRequestLog();
        Assert.Empty(sim.State.Requests);
        Assert.Equal(0, sim.State.ApiCalls());
    }
}
