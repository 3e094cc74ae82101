using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using XeroSync.XeroSimulator;

namespace XeroSync.Tests;

/// <summary>Every injected fault is what a client would see from Xero, and the request log says which fault each request got.</summary>
public sealed class InjectedFaultTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    [Theory(Timeout = 30_000)]
    [InlineData("minute", "429:minute", "1")]
    [InlineData("concurrent", "429:concurrent", null)]
    [InlineData("appminute", "429:appminute", "1")]
    public async Task Injected_throttles_are_429s_of_their_kind_that_consume_nothing(string problem, string fault, string? retryAfter)
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        sim.State.SetFaults(problem switch
        {
            "minute" => new SimulatorFaults { MinuteThrottleRate = 1 },
            "concurrent" => new SimulatorFaults { ConcurrentThrottleRate = 1 },
            _ => new SimulatorFaults { AppMinuteThrottleRate = 1 },
        });
        for (var i = 0; i < 3; i++)
        {
            using var response = await sim.GetAsync("Currencies");
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal(problem, Header(response, "X-Rate-Limit-Problem"));
            Assert.Equal(retryAfter, Header(response, "Retry-After"));
        }

        Assert.Equal(0, sim.State.ApiCalls());
        Assert.All(sim.State.Requests, r => Assert.Equal((429, problem, fault), (r.StatusCode, r.Problem, r.Fault)));
        Assert.Equal(3, sim.State.Faulted(fault));

        sim.State.SetFaults(SimulatorFaults.None);
        using (var healthy = await sim.GetAsync("Currencies"))
        {
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
            Assert.Equal("59", Header(healthy, "X-MinLimit-Remaining"));
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task A_day_throttle_says_the_day_is_spent_until_its_retry_after()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        sim.State.SetFaults(new SimulatorFaults { DayThrottleAtCall = 2, DayRetryAfter = TimeSpan.FromMinutes(90) });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await sim.GetAsync("Currencies");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("day", Header(response, "X-Rate-Limit-Problem"));
                Assert.Equal("5400", Header(response, "Retry-After"));
                Assert.Equal("0", Header(response, "X-DayLimit-Remaining"));
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], statuses);
        Assert.Equal([null, SimulatedFault.DayThrottle, null], sim.State.Requests.Select(r => r.Fault));

        sim.State.SetFaults(new SimulatorFaults { DayThrottleRate = 1 });
        using var always = await sim.GetAsync("Currencies");
        Assert.Equal(HttpStatusCode.TooManyRequests, always.StatusCode);
        Assert.Equal(2, sim.State.Faulted(SimulatedFault.DayThrottle));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_revocation_stops_the_access_token_once_and_a_new_token_works()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        sim.State.SetFaults(new SimulatorFaults { RevokeAccessTokensAtCall = 2 });
        using (var first = await sim.GetAsync("Currencies"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using (var revoked = await sim.GetAsync("Currencies"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
            Assert.Contains("TokenExpired", await revoked.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        }

        using (var stillRevoked = await sim.GetAsync("Currencies"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, stillRevoked.StatusCode);
        }

        await sim.AuthenticateAsync();
        using (var renewed = await sim.GetAsync("Currencies"))
        {
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        }

        Assert.Equal([null, SimulatedFault.RevokeAccessTokens, null, null], sim.State.Requests.Select(r => r.Fault));
        Assert.Equal([200, 401, 401, 200], sim.State.Requests.Select(r => r.StatusCode));
        Assert.Equal(1, sim.State.Faulted(SimulatedFault.RevokeAccessTokens));
    }

    [Fact(Timeout = 30_000)]
    public async Task Existing_faults_are_logged_by_kind()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(AdjustableTimeProvider.StartingAt(Start)));
        sim.State.SetFaults(new SimulatorFaults { TruncateRate = 1 });
        (await sim.GetAsync("Currencies")).Dispose();
        sim.State.SetFaults(new SimulatorFaults { SlowRate = 1, SlowLatency = TimeSpan.FromMilliseconds(10) });
        (await sim.GetAsync("Currencies")).Dispose();
        sim.State.SetFaults(new SimulatorFaults { ServerErrorRate = 1 });
        for (var i = 0; i < 10; i++)
        {
            (await sim.GetAsync("Currencies")).Dispose();
        }

        sim.State.SetFaults(new SimulatorFaults { TimeoutRate = 1, TimeoutDuration = TimeSpan.FromMilliseconds(50) });
        using (var timedOut = await sim.GetAsync("Currencies"))
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, timedOut.StatusCode);
        }

        var faults = sim.State.Requests.Select(r => r.Fault).ToList();
        Assert.Equal([SimulatedFault.Truncate, SimulatedFault.Slow], faults.Take(2));
        Assert.All(faults.Skip(2).Take(10), f => Assert.Contains(f, new[] { SimulatedFault.ServerError500, SimulatedFault.ServiceUnavailable503 }));
        Assert.Equal(SimulatedFault.Timeout, faults[^1]);
        Assert.Equal(sim.State.Requests.Count(r => r.StatusCode == 500), sim.State.Faulted(SimulatedFault.ServerError500));
        Assert.Equal(sim.State.Requests.Count(r => r.StatusCode == 503), sim.State.Faulted(SimulatedFault.ServiceUnavailable503));
    }

    [Fact(Timeout = 60_000)]
    public async Task Faults_are_deterministic_by_seed_and_settable_through_the_control_api()
    {
        async Task<List<string?>> Sequence()
        {
            await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
            using (var set = await sim.Http.PostAsJsonAsync("_sim/faults", new { ServerErrorRate = 0.1, TruncateRate = 0.1, MinuteThrottleRate = 0.1, ConcurrentThrottleRate = 0.1, AppMinuteThrottleRate = 0.1, RevokeAccessTokensAtCall = 40 }, Token))
            {
                Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            }

            Assert.Equal(40, sim.State.Faults.RevokeAccessTokensAtCall);
            for (var i = 0; i < 80; i++)
            {
                using var response = await sim.GetAsync("Currencies");
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    await sim.AuthenticateAsync();
                }
            }

            return [.. sim.State.Requests.Select(r => r.Fault)];
        }

        var first = await Sequence();
        var second = await Sequence();
        Assert.Equal(first, second);
        foreach (var kind in new[] { SimulatedFault.MinuteThrottle, SimulatedFault.ConcurrentThrottle, SimulatedFault.AppMinuteThrottle, SimulatedFault.Truncate, SimulatedFault.RevokeAccessTokens })
        {
            Assert.Contains(kind, first);
        }

        Assert.Contains(first, f => f is SimulatedFault.ServerError500 or SimulatedFault.ServiceUnavailable503);
        Assert.Equal(SimulatedFault.RevokeAccessTokens, first[39]);
    }

    [Fact(Timeout = 30_000)]
    public async Task OnServing_sees_an_accepted_call_in_flight_and_can_hold_it()
    {
        await using var sim = await TestSimulator.StartAsync(TestSimulator.SmallOptions(new FakeTimeProvider(Start)));
        var arrived = new TaskCompletionSource<SimulatedArrival>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sim.State.OnServing = async (arrival, ct) =>
        {
            arrived.TrySetResult(arrival);
            await release.Task.WaitAsync(ct);
        };
        var call = sim.GetAsync("Invoices?page=2");
        var seen = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(("Invoices", sim.TenantId), (seen.Endpoint, seen.TenantId));
        Assert.Contains("page=2", seen.PathAndQuery, StringComparison.Ordinal);
        Assert.False(call.IsCompleted);
        Assert.Empty(sim.State.Requests);
        Assert.Equal(1, sim.State.MaxConcurrency(sim.TenantId));
        release.SetResult();
        using var response = await call.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(sim.State.Requests);
    }
}
