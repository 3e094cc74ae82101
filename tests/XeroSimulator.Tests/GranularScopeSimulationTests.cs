using System.Net;
using Microsoft.Extensions.Time.Testing;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>
/// The simulator as an app of 2026 sees Xero (developer.xero.com/documentation/oauth2/scopes and /oauth2/limits;
/// shared/research/xero-2026.md): per-endpoint granular scopes, 401 insufficient_scope, a scope withdrawn from live
/// tokens, and the Starter tier's 1,000 calls a day in X-DayLimit-Remaining.
/// </summary>
public sealed class GranularScopeSimulationTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact(Timeout = 30_000)]
    public async Task Each_endpoint_needs_its_granular_scope_and_a_withdrawn_scope_is_refused_with_insufficient_scope()
    {
        await using var sim = await TestSimulator.StartAsync(new SimulatorOptions
        {
            Clock = new FakeTimeProvider(Start), CreatedAt = Start, ChangesPerMinute = 0, Scale = 0.05, NewApp = true,
            CustomConnectionScope = "accounting.invoices.read accounting.settings.read",
        });

        using (var invoices = await sim.GetAsync("Invoices"))
        {
            Assert.Equal(HttpStatusCode.OK, invoices.StatusCode);
        }

        using (var payments = await sim.GetAsync("Payments"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, payments.StatusCode);
            Assert.Contains("insufficient_scope", payments.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Contains("AuthorizationUnsuccessful", await payments.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        sim.State.WithdrawScope("accounting.invoices.read");
        using (var again = await sim.GetAsync("Invoices"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        }

        using (var items = await sim.GetAsync("Items"))
        {
            Assert.Equal(HttpStatusCode.OK, items.StatusCode); // Items is also granted by accounting.settings
        }

        Assert.Equal(["Payments", "Invoices"], sim.State.Requests.Where(r => r.Problem == "missing-scope").Select(r => r.Endpoint));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_new_app_asking_for_a_broad_scope_gets_invalid_scope_at_the_token_exchange()
    {
        await using var sim = await TestSimulator.StartAsync(new SimulatorOptions { Clock = new FakeTimeProvider(Start), CreatedAt = Start, ChangesPerMinute = 0, Scale = 0.05, NewApp = true }, authenticate: false);
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = sim.Host.BaseUrl };
        using var authorize = await noRedirects.GetAsync(
            new Uri("connect/authorize?response_type=code&client_id=demo-client-id&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcallback&scope=offline_access%20accounting.transactions.read&state=s", UriKind.Relative),
            TestContext.Current.CancellationToken);
        var code = System.Web.HttpUtility.ParseQueryString(authorize.Headers.Location!.Query)["code"]!;
        using var response = await sim.PostTokenAsync(new Dictionary<string, string> { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = "http://127.0.0.1:1/callback" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_scope", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_starter_organisation_counts_down_from_1000_a_day_and_the_1001st_call_is_a_day_limit()
    {
        var clock = new FakeTimeProvider(Start);
        await using var sim = await TestSimulator.StartAsync(new SimulatorOptions { Clock = clock, CreatedAt = Start, ChangesPerMinute = 0, Scale = 0.05, DailyLimit = 1000, PerMinuteLimit = 100_000 });
        for (var call = 1; call <= 1000; call++)
        {
            using var ok = await sim.GetAsync("Currencies");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal((1000 - call).ToString(System.Globalization.CultureInfo.InvariantCulture), ok.Headers.GetValues("X-DayLimit-Remaining").Single());
        }

        using var refused = await sim.GetAsync("Currencies");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("day", refused.Headers.GetValues("X-Rate-Limit-Problem").Single());
        Assert.Equal("0", refused.Headers.GetValues("X-DayLimit-Remaining").Single());
    }
}
